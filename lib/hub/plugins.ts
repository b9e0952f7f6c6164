/**
 * What plugs into the hub (support's queue, program cards, any later feature), handed to the hub once
 * when the services are opened (`lib/ops/boot.ts`), never assigned into the hub's fields afterwards.
 */
import type { FileRef, Message, Presence, ProgramSnapshot, SupportSummary } from "@/lib/shared/protocol.ts";
import { log } from "@/lib/ops/log.ts";
import type { ChangeOp, Room, Session } from "@/lib/store/types.ts";

/** What a plugin may ask of the hub. */
export interface PluginHost {
  /** Fans a stored message out to the room's sockets on every node. */
  deliver(message: Message): unknown;
  /** Pushes a queue line to every counselor socket on every node. */
  publishSupport(summary: SupportSummary): unknown;
  /** Who is in a room now, on every node (the widget mails a reply only to a visitor who left). */
  presence(room: string): Presence;
}

/**
 * One plug-in. Every hook is optional; the send path calls `onMessageStored` only in rooms the
 * plugin `watches` (asked once per room when a socket joins it), so an ordinary chat message costs
 * no plugin work at all.
 */
export interface HubPlugin {
  readonly name: string;
  /** Called once by the hub's constructor with what the plugin may call back. */
  setup?(host: PluginHost): void;
  /** Turns a program id into the card to store, or null when there is no such program. */
  resolveProgram?(id: string, session: Session): Promise<ProgramSnapshot | null>;
  /**
   * An uploaded file as a message in `room` by `session`'s user carries it; null when there is no
   * such file there; `"forbidden"` when it is someone else's.
   */
  resolveFile?(id: string, room: string, session: Session): Promise<FileRef | null | "forbidden">;
  /** A deleted message's attachment: its bytes go too. */
  fileRemoved?(room: string, file: FileRef): unknown;
  /** Whether `onMessageStored` and `onMessageChanged` want this room's messages. */
  watches?(room: Room): boolean;
  /** After a socket's message in a watched room was stored and acked; never delays the ack. */
  onMessageStored?(message: Message): unknown;
  /** After an edit, delete or reaction in a watched room was stored and delivered (`message`: as it is now). */
  onMessageChanged?(message: Message, op: ChangeOp["op"]): unknown;
}

/**
 * Calls `hook` on each of a room's watchers after the current turn; a plugin's failure is logged as
 * `event`, never thrown into the send or change that stored the message.
 *
 * @example
 * tellWatchers(live.watchers, room, "hub.after_store", (p) => p.onMessageStored?.(message));
 */
export function tellWatchers(
  watchers: readonly HubPlugin[] | undefined,
  room: string,
  event: string,
  hook: (plugin: HubPlugin) => unknown,
): void {
  for (const plugin of watchers ?? []) {
    Promise.resolve().then(() => hook(plugin))
      .catch((err) => log.warn(event, { room, plugin: plugin.name, error: String(err) }));
  }
}

/**
 * The plugins of one hub, looked up by hook.
 *
 * @example
 * const plugins = new Plugins([supportQueue(store), programCards(store)], hub);
 * plugins.watchersOf(room); // the plugins to call after a message in `room`
 */
export class Plugins {
  readonly #all: readonly HubPlugin[];

  constructor(plugins: readonly HubPlugin[], host: PluginHost) {
    this.#all = plugins;
    for (const plugin of plugins) plugin.setup?.(host);
  }

  /** The first plugin's card for a program id; null when none knows it. */
  async resolveProgram(id: string, session: Session): Promise<ProgramSnapshot | null> {
    for (const plugin of this.#all) {
      const card = await plugin.resolveProgram?.(id, session);
      if (card) return card;
    }
    return null;
  }

  /** The first plugin's answer for a file id (see `HubPlugin.resolveFile`); null when none knows it. */
  async resolveFile(id: string, room: string, session: Session): Promise<FileRef | null | "forbidden"> {
    for (const plugin of this.#all) {
      const file = await plugin.resolveFile?.(id, room, session);
      if (file) return file;
    }
    return null;
  }

  /** Tells every plugin that a deleted message's attachment is to go; a failure is logged, not thrown. */
  fileRemoved(room: string, file: FileRef): void {
    for (const plugin of this.#all) {
      Promise.resolve().then(() => plugin.fileRemoved?.(room, file))
        .catch((err) => log.warn("hub.file_removed", { room, plugin: plugin.name, error: String(err) }));
    }
  }

  /** The plugins that want the messages of `room` (empty for most rooms). */
  watchersOf(room: Room): HubPlugin[] {
    return this.#all.filter((p) => (p.onMessageStored || p.onMessageChanged) && (p.watches?.(room) ?? true));
  }
}
