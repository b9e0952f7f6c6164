/**
 * The send path: a `send` frame checked (joined, text or program, length, the user's rate), stored,
 * delivered to every reader, acked, and handed to the plugins that watch the room. Per message it
 * costs one store append (the store commits many at once), one serialization for all readers and
 * one for the ack; no timer (one sweep bounds every pending append) and no store read.
 */
import type { FileRef, ProgramSnapshot } from "@/lib/shared/protocol.ts";
import { CloseCode, type ErrorCode } from "@/lib/shared/protocol.ts";
import type { Connection } from "@/lib/hub/connection.ts";
import type { HubContext } from "@/lib/hub/context.ts";
import type { FrameOf } from "@/lib/hub/frames.ts";
import { answerFailure } from "@/lib/hub/join.ts";
import { Deadlines } from "@/lib/hub/deadlines.ts";
import { StoreUnavailableError } from "@/lib/store/errors.ts";
import { tellWatchers } from "@/lib/hub/plugins.ts";

/**
 * Text length is counted in Unicode code points (what a person calls characters; an emoji is one),
 * after the client's text is taken as is. Empty or whitespace-only text is refused.
 *
 * @example
 * checkText("hi", 2000); // null (fine)
 * checkText("  ", 2000); // "Enter a message"
 */
export function checkText(text: string, max: number): string | null {
  if (text.trim() === "") return "Enter a message";
  // UTF-16 length ≥ code points, so only long strings need counting.
  if (text.length > max && [...text].length > max) return `A message is at most ${max} characters`;
  return null;
}

/**
 * The `send` frame's handler.
 *
 * @example
 * frameHandlers.send = sendFrame;
 */
export async function sendFrame(hub: HubContext, conn: Connection, f: FrameOf<"send">): Promise<void> {
  const { room, clientId, program, file } = f;
  // With a file the text is an optional caption; an empty one is none.
  const text = file !== undefined && f.text?.trim() === "" ? undefined : f.text;
  const note = f.private === true;
  const refuse = (code: ErrorCode, message: string) => conn.error(code, message, { clientId, room });
  if (!conn.rooms.has(room)) return refuse("not_joined", "Join the room first");
  if (file !== undefined ? program !== undefined : (text === undefined) === (program === undefined)) {
    return refuse("bad_frame", "Send either text or program");
  }
  if (text !== undefined) {
    const problem = checkText(text, hub.config.maxTextLength);
    if (problem) return refuse(problem === "Enter a message" ? "bad_request" : "too_large", problem);
  } else if (program !== undefined && conn.session.role !== "counselor") {
    return refuse("forbidden", "Only counselors send programs");
  }
  if (note) {
    if (conn.session.role !== "counselor") return refuse("forbidden", "console.err.notesCounselors");
    if (text === undefined || !hub.rooms.get(room)?.support) {
      return refuse("bad_request", "console.err.notesSupport");
    }
  }
  const known = hub.memberStates.peek(room, conn.user.id);
  // A send that reads before its append holds this socket's next frames of the room until its append
  // is queued: one socket's messages are stored in the order it sent them.
  const release = known === undefined || program !== undefined || file !== undefined
    ? conn.holdRoom(room)
    : undefined;
  try {
    const state = known ?? await hub.memberStates.get(room, conn.user.id).catch(() => null);
    if (state === "muted") return refuse("forbidden", "messages.error.muted");
    // Only valid sends spend tokens: a typo should not eat the user's burst.
    const decision = hub.sendLimit.take(conn.user.id);
    // Closed only once every send already on its way has been answered: a stored message is acked.
    if (decision === "abuse") return conn.closeAfterPending(CloseCode.rateLimited, "Too many messages");
    if (decision === "limited") return refuse("rate_limited", "Slow down: too many messages");
    const content = note ? { text, private: true, file } : { text, program, file };
    await hub.sender.send(conn, room, clientId, content, release);
  } finally {
    release?.();
  }
}

/** Acks waiting for the end of this microtask checkpoint, per socket. */
const acksDue = new Map<Connection, string[]>();
let acksFlushQueued = false;

/**
 * Queues an ack; every ack one commit answers for a socket leaves in one frame ("\n"-separated,
 * SPEC.md), a write instead of one per message. A commit resolves all its appends at once, so their
 * callbacks run back to back and the flush, queued by the first, runs after the last of them and
 * before anything awaiting those sends (a close after pending sends, say) sees them answered.
 */
function ackSoon(conn: Connection, line: string): void {
  const due = acksDue.get(conn);
  if (due) return void due.push(line);
  acksDue.set(conn, [line]);
  if (acksFlushQueued) return;
  acksFlushQueued = true;
  queueMicrotask(flushAcks);
}

/** Sends `line` now, after any acks still due for `conn`, keeping their order. */
function ackNow(conn: Connection, line: string): void {
  const due = acksDue.get(conn);
  acksDue.delete(conn);
  conn.send(due ? [...due, line].join("\n") : line);
}

function flushAcks(): void {
  acksFlushQueued = false;
  for (const [conn, lines] of acksDue) conn.send(lines.length === 1 ? lines[0] : lines.join("\n"));
  acksDue.clear();
}

/**
 * @example
 * const sender = new SendPipeline(hub, 15_000);
 * await sender.send(conn, "r1", "c1", { text: "hi" });
 */
export class SendPipeline {
  readonly counters = { messagesIn: 0 };
  readonly #deadlines: Deadlines;

  constructor(readonly hub: HubContext, storeMs: number) {
    this.#deadlines = new Deadlines(storeMs);
  }

  stop(): void {
    this.#deadlines.stop();
  }

  async send(
    conn: Connection,
    room: string,
    clientId: string,
    content: { text?: string; program?: string; private?: boolean; file?: string },
    /** Called once the append is queued (the socket's next frames of the room may go then). */
    queued?: () => void,
  ) {
    this.counters.messagesIn++;
    const where = { clientId, room };
    let file: FileRef | undefined;
    if (content.file !== undefined) {
      let found;
      try {
        found = await this.hub.plugins.resolveFile(content.file, room, conn.session);
      } catch (err) {
        return answerFailure(conn, err, where);
      }
      if (found === "forbidden") return conn.error("forbidden", "messages.error.fileNotYours", where);
      if (!found) return conn.error("not_found", "messages.error.fileNotFound", where);
      file = found;
    }
    let program: ProgramSnapshot | undefined;
    if (content.program !== undefined) {
      try {
        program = (await this.hub.plugins.resolveProgram(content.program, conn.session)) ?? undefined;
      } catch (err) {
        return answerFailure(conn, err, where);
      }
      if (!program) return conn.error("not_found", "No such program", where);
    }
    const { promise, resolve } = Promise.withResolvers<void>();
    let late = false;
    const done = this.#deadlines.add(() => {
      late = true;
      answerFailure(
        conn,
        new StoreUnavailableError(`the store did not append within ${this.#deadlines.ms} ms`),
        where,
      );
      resolve();
    });
    const appended = this.hub.store.appendMessage({
      room,
      kind: program ? "program" : "text",
      author: conn.user,
      clientId,
      ...(program ? { program } : { text: content.text }),
      ...(content.private ? { private: true } : {}),
      ...(file ? { file } : {}),
    });
    queued?.();
    appended.then(({ message, duplicate }) => {
      done();
      // Delivered even when past the deadline or a duplicate: a resend of an append that timed out
      // yet was stored delivered nothing the first time, and with no later message in the room no
      // gap would show it. Readers drop a seq they already have.
      const ack = `{"type":"ack","clientId":${
        JSON.stringify(clientId)
      },"id":"${message.id}","seq":${message.seq}}`;
      // The sender hears the ack before its own copy, so its pending bubble gives way to the stored
      // message and is never shown beside it. A room's frame leaves at the end of the turn, after
      // the acks; a private note leaves at once, so its ack (and those due before it) goes first.
      if (message.private && !late) ackNow(conn, ack);
      this.hub.deliver(message);
      if (late) return;
      if (!message.private) ackSoon(conn, ack);
      if (duplicate) return;
      // After the ack, never before it.
      tellWatchers(
        this.hub.rooms.get(room)?.watchers,
        room,
        "hub.after_store",
        (p) => p.onMessageStored?.(message),
      );
    }, (err) => {
      done();
      if (!late) answerFailure(conn, err, where);
    }).finally(resolve);
    await promise;
  }
}
