/** Fakes for the browser chat client's unit tests (lib/browser/chat_*_test.ts). */
import type { Message } from "@/lib/shared/protocol.ts";
import {
  ChatConnection,
  type Clock,
  type ConnectionStatus,
  type SocketLike,
} from "@/lib/browser/chat_client.ts";

/** A socket the test opens, feeds and drops by hand; it records what it was sent. */
export class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }
  receive(...frames: object[]) {
    this.onmessage?.(new MessageEvent("message", { data: frames.map((f) => JSON.stringify(f)).join("\n") }));
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.(new CloseEvent("close", { code }));
  }
}

/** Timers that run only when the test advances time. */
export class FakeClock implements Clock {
  t = 0;
  #next = 1;
  timers = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number) {
    const id = this.#next++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(id: number) {
    this.timers.delete(id);
  }
  now() {
    return this.t;
  }
  advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = end;
  }
}

/** A connection on fake sockets and a fake clock, with every status it reported. */
export function setup(random = () => 0.5) {
  const sockets: FakeSocket[] = [];
  const clock = new FakeClock();
  const conn = new ChatConnection({
    url: "ws://test/ws",
    clock,
    random,
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
  });
  const statuses: ConnectionStatus[] = [];
  conn.subscribe((s) => statuses.push(s));
  return { conn, clock, sockets, statuses, last: () => sockets.at(-1)! };
}

export const author = { id: "u1", name: "mina", role: "guest" as const };
/** A text message of room r1. */
export function msg(seq: number, text = `m${seq}`): Message {
  return { id: `id${seq}`, seq, room: "r1", kind: "text", author, text, at: new Date(0).toISOString() };
}
export const presence = { count: 1, members: [author] };
