/**
 * The hub's rooms on one node: which local sockets are in each room, the last `seq` delivered to
 * them, and a serial queue per room so joins, live messages and gap refills happen in one order.
 * The bus may drop or reorder nothing but loss, so a message that skips ahead is preceded by the
 * missing ones, read from the store; a message at or below the last delivered seq is a duplicate.
 */
import { seesNotes } from "@/lib/store/visible.ts";
import type { Message, SupportSummary } from "@/lib/shared/protocol.ts";
import { isUpdate, type RoomEvent, type RoomUpdate } from "@/lib/store/types.ts";
import type { BusLine } from "@/lib/bus/types.ts";
import type { Store } from "@/lib/store/types.ts";
import type { Connection } from "@/lib/hub/connection.ts";
import type { HubPlugin } from "@/lib/hub/plugins.ts";
import { log } from "@/lib/ops/log.ts";
import { setImmediate } from "node:timers";
import { SharedFrame } from "@/lib/web/transport/frame.ts";

/**
 * A room event as its frame: `{type:"message"}`, or `{type:"update"}` for a change (edit, delete,
 * reaction), whose `seq` is the change's own place in the room's order.
 *
 * @example
 * conn.send(eventFrame(room, event));
 */
export function eventFrame(room: string, event: RoomEvent): string {
  return isUpdate(event)
    ? JSON.stringify({ type: "update", room, seq: event.seq, message: event.update })
    : JSON.stringify({ type: "message", room, message: event });
}

/**
 * A change as the bus line every node delivers: its `update` frame at its own seq, kind "system" so
 * no node charges it to anyone's send budget (the changer spent theirs where they changed it).
 *
 * @example
 * const item = updateLine(change);
 */
export function updateLine(event: RoomUpdate, line = eventFrame(event.room, event)): BusLine {
  const at = event.update.editedAt ?? new Date().toISOString();
  const item: BusLine = { room: event.room, seq: event.seq, author: "", kind: "system", at, line };
  if (event.update.private) item.private = true;
  return item;
}

/** Messages read from the store per page (gap refills and `since` replays). */
export const PAGE = 200;

/**
 * A big room sends its readers at most one frame per this many ms; messages stored meanwhile share the
 * frame ("\n"-separated, SPEC.md). A quiet room's message still leaves on the next tick.
 */
export const COALESCE_MS = 8;
/** Rooms of at most this many local readers flush at the end of each event-loop turn, with no window. */
export const IMMEDIATE_MAX_READERS = 64;
/** A frame is sent at once when one more message would take it past this many characters. */
export const COALESCE_MAX_CHARS = 16 * 1024;

/** A room task (join, refill) running longer than this stops holding up the room's queue. Store calls
 * have their own, shorter bound (STORE_OP_TIMEOUT_MS); this is the backstop for a task of several. */
export const ROOM_TASK_MS = 20_000;

export interface LiveRoom {
  id: string;
  conns: Set<Connection>;
  /** The highest seq delivered on this node; -1 until the first join read the store. */
  last: number;
  /** Tasks queued or running; the room is forgotten only when it has no sockets and no tasks. */
  pending: number;
  tail: Promise<void>;
  /** Serialized messages waiting for the room's next frame, and their seqs. */
  out: string[];
  outSeqs: number[];
  outChars: number;
  /** The scheduled flush: at the end of this event-loop turn (`soon`), or when the coalescing window ends. */
  soon: boolean;
  flushTimer?: unknown;
  flushedAt: number;
  /** The plugins that watch this room's messages, set by the first join (usually none). */
  watchers?: HubPlugin[];
  /** A support room (where counselors may write private notes); set by the first join. */
  support?: boolean;
  /** Sockets in the room that are not among its members (`support_members.ts`). */
  unlisted?: Set<Connection>;
  /** The last queue line this node saw for the room: newer than what a join in progress read. */
  supportLine?: Pick<SupportSummary, "state" | "counselor">;
}

/** The coalescing window's clock; a test gives one it advances by hand. */
export interface FlushClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

const realClock: FlushClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as number | undefined),
};

/**
 * @example
 * const rooms = new LiveRooms(store);
 * rooms.deliver(message); // in order, exactly once per local socket
 */
export class LiveRooms {
  readonly #rooms = new Map<string, LiveRoom>();
  gapsRefilled = 0;
  /** Rooms whose frame leaves at the end of this event-loop turn. */
  #soon: LiveRoom[] = [];

  readonly #taskMs: number;
  readonly #clock: FlushClock;

  constructor(
    readonly store: Store,
    { taskMs = ROOM_TASK_MS, clock = realClock }: { taskMs?: number; clock?: FlushClock } = {},
  ) {
    this.#taskMs = taskMs;
    this.#clock = clock;
  }

  get size(): number {
    return this.#rooms.size;
  }

  get(id: string): LiveRoom | undefined {
    return this.#rooms.get(id);
  }

  values(): IterableIterator<LiveRoom> {
    return this.#rooms.values();
  }

  /** The room's state, made on first use. */
  open(id: string): LiveRoom {
    let room = this.#rooms.get(id);
    if (!room) {
      this.#rooms.set(
        id,
        room = {
          id,
          conns: new Set(),
          last: -1,
          pending: 0,
          tail: Promise.resolve(),
          out: [],
          outSeqs: [],
          outChars: 0,
          soon: false,
          flushedAt: 0,
        },
      );
    }
    return room;
  }

  /**
   * Runs `task` after every task queued before it on this room. A task that fails, or runs past
   * `ROOM_TASK_MS` (its signal then aborts), never holds up the tasks behind it.
   */
  run<T>(room: LiveRoom, task: (signal: AbortSignal) => Promise<T> | T): Promise<T> {
    room.pending++;
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const result = room.tail.then(() => {
      timer = setTimeout(() => abort.abort(), this.#taskMs);
      return task(abort.signal);
    }).finally(() => clearTimeout(timer));
    const overdue = new Promise<void>((resolve) => abort.signal.addEventListener("abort", () => resolve()));
    room.tail = Promise.race([result, overdue]).then(() => {
      if (abort.signal.aborted) log.warn("hub.room_task_overdue", { room: room.id, ms: this.#taskMs });
    }, (err) => {
      log.warn("hub.room_task_failed", { room: room.id, error: String(err) });
    }).finally(() => {
      room.pending--;
      this.forgetIfIdle(room);
    });
    return result;
  }

  forgetIfIdle(room: LiveRoom): void {
    if (room.conns.size === 0 && room.pending === 0 && this.#rooms.get(room.id) === room) {
      this.#rooms.delete(room.id);
    }
  }

  /**
   * Queues a stored message for this node's sockets in the room (if any). `line`: its frame line,
   * when the caller has it already (then only `room` and `seq` of `message` are read).
   */
  deliver(message: Pick<Message, "room" | "seq" | "private">, line?: string): void {
    const room = this.#rooms.get(message.room);
    if (!room) return;
    // The usual case, at once: nothing queued and the next seq. A task per message cost a timer,
    // an AbortController and three promises for every message on every node.
    if (room.pending === 0) {
      if (room.last < 0 || message.seq <= room.last) return;
      if (message.seq === room.last + 1) return this.#fanout(room, message, line);
    }
    this.run(room, () => this.#inOrder(room, message, line));
  }

  /** Reads from the store and delivers every message after `room.last` up to `upTo`. */
  async refill(room: LiveRoom, upTo: number): Promise<void> {
    while (room.last < upTo) {
      // Messages and changes: a change holds its own seq, which a refill must deliver too.
      const batch = await this.store.listEvents(room.id, {
        after: room.last,
        limit: Math.min(PAGE, upTo - room.last),
      });
      if (batch.length === 0) return;
      for (const e of batch) {
        if (e.seq <= room.last) continue;
        const privateNote = isUpdate(e) ? e.update.private : e.private;
        this.#fanout(room, { room: room.id, seq: e.seq, private: privateNote }, eventFrame(room.id, e));
        this.gapsRefilled++;
      }
    }
  }

  async #inOrder(
    room: LiveRoom,
    message: Pick<Message, "room" | "seq" | "private">,
    line?: string,
  ): Promise<void> {
    // No join has read the store yet: the join that will sees this message itself.
    if (room.last < 0 || message.seq <= room.last) return;
    if (message.seq > room.last + 1) {
      try {
        await this.refill(room, message.seq - 1);
      } catch (err) {
        // The store is down: readers get the live message now and the gap on their next `since`.
        log.warn("hub.gap_refill_failed", {
          room: room.id,
          from: room.last + 1,
          to: message.seq - 1,
          error: String(err),
        });
      }
    }
    if (message.seq > room.last) this.#fanout(room, message, line);
  }

  /** One JSON.stringify per message and one frame per flush, whatever the number of readers. */
  #fanout(room: LiveRoom, message: Pick<Message, "room" | "seq" | "private">, line?: string): void {
    room.last = message.seq;
    if (room.conns.size === 0) return;
    const raw = line ?? JSON.stringify({ type: "message", room: room.id, message });
    if (message.private) return this.#toCounselors(room, message.seq, raw);
    // Big messages go one to a frame: coalescing them would only swell each socket's buffer.
    if (room.out.length > 0 && room.outChars + raw.length > COALESCE_MAX_CHARS) this.#flush(room);
    room.out.push(raw);
    room.outSeqs.push(message.seq);
    room.outChars += raw.length;
    if (room.flushTimer === undefined && !room.soon) {
      // A small room flushes once this turn of the event loop is done, busy or quiet: a group commit
      // already hands it all of the room's messages of that write in one turn, so they share a frame
      // anyway, and a window would cap a closed loop at (messages in flight) per window (8 per 8 ms:
      // the room-of-10 bench sat at 909 msg/s). setTimeout(0) would add about 2 ms, as Deno's timers
      // run on a 1 ms wheel. A big room keeps the window, whose delay gathers more messages into
      // each of its many writes (with no timer in any room, the fan-out bench's server CPU at
      // 100 msg/s to 1,000 readers went from 74% to 97%).
      if (room.conns.size <= IMMEDIATE_MAX_READERS) {
        room.soon = true;
        // One immediate for every room that flushes this turn: a commit of 100 rooms' messages
        // armed 100 of them.
        if (this.#soon.push(room) === 1) setImmediate(() => this.#flushSoon());
      } else {
        const wait = room.flushedAt + COALESCE_MS - this.#clock.now();
        room.flushTimer = this.#clock.setTimeout(() => this.#flush(room), Math.max(0, wait));
      }
    }
  }

  #flushSoon(): void {
    const rooms = this.#soon;
    this.#soon = [];
    // A room flushed meanwhile (its frame was full) is no longer `soon` and has nothing to send.
    for (const room of rooms) if (room.soon) this.#flush(room);
  }

  /** A private note goes to the room's counselors alone, in its place in the order, never batched. */
  #toCounselors(room: LiveRoom, seq: number, raw: string): void {
    this.#flush(room);
    for (const conn of room.conns) {
      if (seesNotes(conn.session.role)) conn.sendMessage(room.id, seq, raw);
    }
  }

  #flush(room: LiveRoom): void {
    this.#clock.clearTimeout(room.flushTimer);
    room.flushTimer = undefined;
    room.soon = false;
    if (room.out.length === 0) return;
    room.outChars = 0;
    room.flushedAt = this.#clock.now();
    const lines = room.out, seqs = room.outSeqs;
    room.out = [];
    room.outSeqs = [];
    const frame = new SharedFrame(lines.length === 1 ? lines[0] : lines.join("\n"));
    for (const conn of room.conns) conn.sendMessages(room.id, seqs, frame, lines);
  }
}
