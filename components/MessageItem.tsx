import type { Message } from "@/lib/shared/protocol.ts";
import { formatTime } from "@/lib/shared/chat_view.ts";
import Avatar from "@/components/Avatar.tsx";
import ProgramCard from "@/components/ProgramCard.tsx";
import RichText from "@/components/RichText.tsx";

export interface MessageItemProps {
  message: Pick<Message, "kind" | "author" | "text" | "program" | "at">;
  own: boolean;
  /** First of a run by the same author: shows the name and avatar. */
  first: boolean;
  /** "sending" or an error text for the user's own unacknowledged message. */
  state?: string;
}

/** One chat line: system notice, program card, or a text bubble (own ones on the right). */
export default function MessageItem({ message, own, first, state }: MessageItemProps) {
  if (message.kind === "system") return <li class="notice">{message.text}</li>;
  const failed = state !== undefined && state !== "sending";
  return (
    <li
      class={`msg${own ? " own" : ""}${first ? " first" : ""}${state ? " pending" : ""}${
        failed ? " failed" : ""
      }`}
    >
      {!own &&
        (first ? <Avatar id={message.author.id} name={message.author.name} /> : <span class="avatar-gap" />)}
      <div class="msg-body">
        {first && (
          <div class="msg-meta">
            <bdi class="msg-author">{own ? "You" : message.author.name}</bdi>
            {message.author.role === "counselor" && <span class="badge">Counselor</span>}
            <time class="msg-time" dateTime={message.at}>{formatTime(message.at)}</time>
          </div>
        )}
        {message.kind === "program" && message.program ? <ProgramCard program={message.program} /> : (
          // dir="auto": text that keeps bidi controls is isolated and cannot reorder the page around it.
          <p class="bubble" dir="auto" title={formatTime(message.at)}>
            <RichText text={message.text ?? ""} />
          </p>
        )}
        {state === "sending" && <span class="msg-state">Sending…</span>}
        {failed && <span class="msg-state" role="alert">Not sent: {state}</span>}
      </div>
    </li>
  );
}
