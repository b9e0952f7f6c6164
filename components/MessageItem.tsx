import type { Message } from "@/lib/shared/protocol.ts";
import { formatTime } from "@/lib/shared/chat_view.ts";
import { noticeText } from "@/lib/shared/notice_view.ts";
import Avatar from "@/components/Avatar.tsx";
import ProgramCard from "@/components/ProgramCard.tsx";
import RichText from "@/components/RichText.tsx";
import { useT } from "@/lib/shared/i18n/context.ts";
import { useContext, useState } from "preact/hooks";
import Attachment from "@/components/Attachment.tsx";
import { EditBox, MessageControls } from "@/components/MessageExtras.tsx";
import { MessageActionsContext } from "@/components/message_actions.ts";

export interface MessageItemProps {
  /** A stored message, or (without id and seq) the user's own one on its way. */
  message:
    & Pick<Message, "kind" | "author" | "text" | "program" | "at" | "private">
    & Partial<Pick<Message, "notice">>
    & Partial<Pick<Message, "id" | "seq" | "file" | "reactions" | "editedAt" | "deleted">>;
  own: boolean;
  /** First of a run by the same author: shows the name and avatar. */
  first: boolean;
  /** "sending" or an error text for the user's own unacknowledged message. */
  state?: string;
  /** For a failed send: sends the same text again. */
  onRetry?: () => void;
}

/** One chat line: system notice, program card, or a text bubble (own ones on the right). */
export default function MessageItem({ message, own, first, state, onRetry }: MessageItemProps) {
  const { t, locale } = useT();
  const actions = useContext(MessageActionsContext);
  const [editing, setEditing] = useState(false);
  if (message.kind === "system") return <li class="notice">{noticeText(t, message)}</li>;
  const stored = message.id !== undefined && message.seq !== undefined ? message as Message : null;
  if (!own && actions?.hidden.has(message.author.id)) {
    return (
      <li class="msg hidden-msg">
        <span class="msg-state">{t("messages.hidden")}</span>
        <button type="button" class="link" onClick={() => actions.toggleHidden(message.author.id)}>
          {t("messages.unhide")}
        </button>
      </li>
    );
  }
  const failed = state !== undefined && state !== "sending";
  const time = formatTime(message.at, undefined, locale);
  return (
    <li
      class={`msg${own ? " own" : ""}${first ? " first" : ""}${state ? " pending" : ""}${
        failed ? " failed" : ""
      }${message.private ? " note" : ""}`}
    >
      {!own &&
        (first ? <Avatar id={message.author.id} name={message.author.name} /> : <span class="avatar-gap" />)}
      <div class="msg-body">
        {first && (
          <div class="msg-meta">
            <bdi class="msg-author">{own ? t("chat.you") : message.author.name}</bdi>
            {message.author.role === "counselor" && <span class="badge">{t("common.counselor")}</span>}
            <time class="msg-time" dateTime={message.at}>{time}</time>
          </div>
        )}
        {message.deleted
          ? <p class="bubble deleted">{t("messages.deleted")}</p>
          : message.kind === "program" && message.program
          ? <ProgramCard program={message.program} />
          : editing && stored
          ? <EditBox message={stored} onDone={() => setEditing(false)} />
          : (
            <>
              {message.file && <Attachment file={message.file} />}
              {(message.text || !message.file) && (
                // dir="auto": text that keeps bidi controls is isolated and cannot reorder the page around it.
                <p class="bubble" dir="auto" title={time}>
                  {message.private && <span class="note-label">{t("console.note.label")}</span>}
                  <RichText text={message.text ?? ""} />
                  {message.editedAt && <span class="edited">({t("messages.edited")})</span>}
                </p>
              )}
            </>
          )}
        {stored && !editing && <MessageControls message={stored} own={own} onEdit={() => setEditing(true)} />}
        {state === "sending" && <span class="msg-state">{t("chat.sending")}</span>}
        {failed && (
          <span class="msg-state msg-failed">
            <span role="alert">{t("chat.notSent", { reason: state })}</span>
            {onRetry && (
              <button type="button" class="btn btn-small retry-send" onClick={onRetry}>
                {t("chat.retry")}
              </button>
            )}
          </span>
        )}
      </div>
    </li>
  );
}
