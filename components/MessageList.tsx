import type { Ref } from "preact";
import type { Message } from "@/lib/shared/protocol.ts";
import MessageItem from "@/components/MessageItem.tsx";
import { useT } from "@/lib/shared/i18n/context.ts";

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
  /** The room's last seq when it was written: a failed send stays there, not below newer messages. */
  afterSeq?: number;
  /** A counselors-only note. */
  private?: boolean;
}

export interface MessageListProps {
  messages: Message[];
  notices: Notice[];
  pending: PendingMessage[];
  me: { id: string; name: string; role: Message["author"]["role"] } | null;
  hasMore: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  /** Sends a failed message again (by its clientId). */
  onRetry?: (clientId: string) => void;
  onScroll: () => void;
  listRef: Ref<HTMLDivElement>;
}

const RUN_MS = 5 * 60_000;

/** The scrolling history: "Load older", messages grouped in runs by author, notices, pending sends. */
export default function MessageList(props: MessageListProps) {
  const { t } = useT();
  const { messages, notices, pending, me } = props;
  const items = [];
  let prev: { author: string; at: number } | null = null;
  const sameRun = (author: string, at: string) =>
    prev !== null && prev.author === author && Date.parse(at) - prev.at < RUN_MS;
  const firstSeq = messages[0]?.seq ?? Infinity, lastSeq = messages.at(-1)?.seq ?? -Infinity;
  const stored = new Set(messages.map((m) => m.id));
  const pendingLine = (p: PendingMessage) => {
    const first = !sameRun(me!.id, p.at);
    const message = { kind: "text" as const, author: me!, text: p.text, at: p.at, private: p.private };
    prev = { author: me!.id, at: Date.parse(p.at) };
    const retry = p.error && props.onRetry ? () => props.onRetry!(p.clientId) : undefined;
    return (
      <MessageItem
        key={p.clientId}
        message={message}
        own
        first={first}
        state={p.error ?? "sending"}
        onRetry={retry}
      />
    );
  };
  // Notices and failed sends sit where they happened; sends still on their way stay at the end.
  type Inline = { notice: Notice } | { failed: PendingMessage };
  const inline = (
    x: Inline,
  ) => ("notice" in x ? <li key={x.notice.key} class="notice">{x.notice.text}</li> : pendingLine(x.failed));
  const after = new Map<number, Inline[]>();
  const place = (seq: number, x: Inline) => {
    const at = Math.min(Math.max(seq, firstSeq - 1), lastSeq);
    after.set(at, [...(after.get(at) ?? []), x]);
  };
  for (const x of notices) place(x.afterSeq, { notice: x });
  const live = me ? pending.filter((p) => !(p.id && stored.has(p.id))) : [];
  for (const p of live) if (p.error && p.afterSeq !== undefined) place(p.afterSeq, { failed: p });
  const leading = messages.length ? after.get(firstSeq - 1) ?? [] : [...after.values()].flat();
  items.push(...leading.map(inline));
  for (const m of messages) {
    const first = m.kind === "system" || !sameRun(m.author.id, m.at);
    items.push(<MessageItem key={m.id} message={m} own={m.author.id === me?.id} first={first} />);
    prev = m.kind === "system" ? null : { author: m.author.id, at: Date.parse(m.at) };
    const lines = after.get(m.seq);
    if (lines) {
      prev = null;
      items.push(...lines.map(inline));
    }
  }
  for (const p of live) if (!(p.error && p.afterSeq !== undefined)) items.push(pendingLine(p));
  return (
    <div
      class="chat-log"
      ref={props.listRef}
      onScroll={props.onScroll}
      tabIndex={0}
      role="region"
      aria-label={t("chat.messages")}
    >
      {props.hasMore && (
        <button
          type="button"
          class="btn btn-quiet load-older"
          onClick={props.onLoadOlder}
          disabled={props.loadingOlder}
        >
          {props.loadingOlder ? t("common.loading") : t("chat.loadOlder")}
        </button>
      )}
      {messages.length === 0 && pending.length === 0 && !props.hasMore && (
        <p class="empty">{t("chat.empty")}</p>
      )}
      {/* The log role on a wrapper: on the <ol> itself it would hide the list from its items. */}
      <div role="log" aria-live="polite" aria-relevant="additions">
        <ol class="messages">{items}</ol>
      </div>
    </div>
  );
}
