import type { Ref } from "preact";
import type { Message } from "@/lib/shared/protocol.ts";
import MessageItem from "@/components/MessageItem.tsx";

/** A presence line (joined/left), placed after the message that was last when it happened. */
export interface Notice {
  key: string;
  afterSeq: number;
  text: string;
}

/** The user's own message before the server acknowledged it. */
export interface PendingMessage {
  clientId: string;
  text: string;
  at: string;
  /** Set by the ack; the pending line disappears once the stored message is in the list. */
  id?: string;
  error?: string;
}

export interface MessageListProps {
  messages: Message[];
  notices: Notice[];
  pending: PendingMessage[];
  me: { id: string; name: string; role: Message["author"]["role"] } | null;
  hasMore: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  onScroll: () => void;
  listRef: Ref<HTMLDivElement>;
}

const RUN_MS = 5 * 60_000;

/** The scrolling history: "Load older", messages grouped in runs by author, notices, pending sends. */
export default function MessageList(props: MessageListProps) {
  const { messages, notices, pending, me } = props;
  const items = [];
  let prev: { author: string; at: number } | null = null;
  const sameRun = (author: string, at: string) =>
    prev !== null && prev.author === author && Date.parse(at) - prev.at < RUN_MS;
  const firstSeq = messages[0]?.seq ?? Infinity, lastSeq = messages.at(-1)?.seq ?? -Infinity;
  const noticeLine = (x: Notice) => <li key={x.key} class="notice">{x.text}</li>;
  const after = new Map<number, Notice[]>();
  for (const x of notices) {
    const at = Math.min(Math.max(x.afterSeq, firstSeq - 1), lastSeq);
    after.set(at, [...(after.get(at) ?? []), x]);
  }
  items.push(...(messages.length ? after.get(firstSeq - 1) ?? [] : notices).map(noticeLine));
  for (const m of messages) {
    const first = m.kind === "system" || !sameRun(m.author.id, m.at);
    items.push(<MessageItem key={m.id} message={m} own={m.author.id === me?.id} first={first} />);
    prev = m.kind === "system" ? null : { author: m.author.id, at: Date.parse(m.at) };
    const lines = after.get(m.seq);
    if (lines) (items.push(...lines.map(noticeLine)), prev = null);
  }
  const stored = new Set(messages.map((m) => m.id));
  for (const p of pending) {
    if (!me || (p.id && stored.has(p.id))) continue;
    const first = !sameRun(me.id, p.at);
    const message = { kind: "text" as const, author: me, text: p.text, at: p.at };
    items.push(
      <MessageItem key={p.clientId} message={message} own first={first} state={p.error ?? "sending"} />,
    );
    prev = { author: me.id, at: Date.parse(p.at) };
  }
  return (
    <div class="chat-log" ref={props.listRef} onScroll={props.onScroll} tabIndex={0} aria-label="Messages">
      {props.hasMore && (
        <button
          type="button"
          class="btn btn-quiet load-older"
          onClick={props.onLoadOlder}
          disabled={props.loadingOlder}
        >
          {props.loadingOlder ? "Loading…" : "Load older messages"}
        </button>
      )}
      {messages.length === 0 && pending.length === 0 && !props.hasMore && (
        <p class="empty">No messages yet. Say hello!</p>
      )}
      <ol class="messages" role="log" aria-live="polite" aria-relevant="additions">{items}</ol>
    </div>
  );
}
