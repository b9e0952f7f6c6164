/**
 * The sends a tab has not seen acknowledged yet. Each keeps its clientId, so resending it after a
 * reconnect never makes a second message (the server stores one per clientId). Pure and browser-safe.
 */

/** A `send` frame as it goes on the wire. */
export type SendFrame = {
  type: "send";
  room: string;
  clientId: string;
  text?: string;
  program?: string;
  /** An uploaded attachment's id. */
  file?: string;
  /** A counselors-only note. */
  private?: boolean;
};

/** What a send carries: text (a note when `private`), a program card, or an attachment with an optional caption. */
export type SendBody =
  | { text: string; private?: boolean }
  | { program: string }
  | { file: string; text?: string };

/**
 * @example
 * const outbox = new Outbox();
 * const frame = outbox.add("01J...", { text: "hi" }, crypto.randomUUID());
 * outbox.settle(frame.clientId); // the ack came: the frame, no longer pending
 */
export class Outbox {
  #frames = new Map<string, SendFrame>();

  /** Queues a new send. */
  add(room: string, body: SendBody, clientId: string): SendFrame {
    const frame: SendFrame = { type: "send", room, clientId, ...body };
    this.#frames.set(clientId, frame);
    return frame;
  }

  get(clientId: string): SendFrame | undefined {
    return this.#frames.get(clientId);
  }

  /** Removes a send that was acknowledged or refused; returns it, if it was pending. */
  settle(clientId: string): SendFrame | undefined {
    const frame = this.#frames.get(clientId);
    this.#frames.delete(clientId);
    return frame;
  }

  /** The pending sends of one room, oldest first (to resend once the room is joined again). */
  inRoom(room: string): SendFrame[] {
    return [...this.#frames.values()].filter((f) => f.room === room);
  }

  /** Forgets the pending sends of a room the tab left. */
  dropRoom(room: string): void {
    for (const [id, frame] of this.#frames) if (frame.room === room) this.#frames.delete(id);
  }

  /** The clientIds still waiting for an ack. */
  get ids(): string[] {
    return [...this.#frames.keys()];
  }
}
