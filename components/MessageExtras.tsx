import { useContext, useState } from "preact/hooks";
import type { Message } from "@/lib/shared/protocol.ts";
import { receiptFor } from "@/lib/shared/receipts.ts";
import { useT } from "@/lib/shared/i18n/context.ts";
import { MessageActionsContext } from "@/components/message_actions.ts";
import Reactions from "@/components/Reactions.tsx";

/** The controls under a stored message: reactions, read mark, and edit/delete/hide. */
export function MessageControls(
  { message, own, onEdit }: { message: Message; own: boolean; onEdit: () => void },
) {
  const { t } = useT();
  const actions = useContext(MessageActionsContext);
  if (!actions || message.deleted || message.kind === "system") return null;
  const receipt = own && message.seq === actions.lastRead
    ? receiptFor(message, actions.reads, actions.me, actions.twoPerson)
    : null;
  return (
    <div class="msg-controls">
      <Reactions
        reactions={message.reactions ?? []}
        me={actions.me}
        onReact={(emoji) => actions.react(message.id, emoji)}
      />
      {receipt && (
        <span class="receipt">
          {receipt.kind === "read" ? t("messages.read") : t("messages.seenBy", { count: receipt.count })}
        </span>
      )}
      <span class="msg-actions">
        {own && message.kind === "text" && (
          <button type="button" class="link msg-edit" onClick={onEdit}>
            {t("messages.edit")}
          </button>
        )}
        {(own || actions.moderator) && (
          <button
            type="button"
            class="link msg-delete"
            onClick={() => confirm(t("messages.confirmDelete")) && actions.remove(message.id)}
          >
            {t("messages.delete")}
          </button>
        )}
        {!own && (
          <button
            type="button"
            class="link msg-hide"
            onClick={() => actions.toggleHidden(message.author.id)}
          >
            {t("messages.hide")}
          </button>
        )}
        {!own && actions.moderate && (
          <>
            <button
              type="button"
              class="link msg-mute"
              onClick={() => actions.moderate!(message.author.id, "mute")}
            >
              {t("messages.mute")}
            </button>
            <button
              type="button"
              class="link msg-remove"
              onClick={() => actions.moderate!(message.author.id, "remove")}
            >
              {t("messages.remove")}
            </button>
          </>
        )}
      </span>
    </div>
  );
}

/** Editing a message in place: Enter (or Save) saves, Escape (or Cancel) leaves it as it was. */
export function EditBox({ message, onDone }: { message: Message; onDone: () => void }) {
  const { t } = useT();
  const actions = useContext(MessageActionsContext);
  const [text, setText] = useState(message.text ?? "");
  const save = () => {
    const value = text.trim();
    if (value && value !== message.text) actions?.edit(message.id, value);
    onDone();
  };
  return (
    <form
      class="edit-box"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <textarea
        class="edit-text"
        value={text}
        aria-label={t("messages.edit")}
        ref={(el) => el?.focus()}
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") onDone();
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
            e.preventDefault();
            save();
          }
        }}
      />
      <span class="edit-buttons">
        <button type="submit" class="btn btn-small btn-primary">{t("messages.save")}</button>
        <button type="button" class="btn btn-small" onClick={onDone}>{t("common.cancel")}</button>
      </span>
    </form>
  );
}
