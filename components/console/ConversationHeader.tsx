import type { SupportSummary, UserRef } from "@/lib/shared/protocol.ts";
import { useT } from "@/lib/shared/i18n/context.ts";

export interface ConversationHeaderProps {
  line: SupportSummary;
  me: UserRef;
  busy: boolean;
  error: string;
  onClaim: () => void;
  onClose: () => void;
}

/** Above the chat pane: who the conversation is with, its state, and Claim / Close. */
export default function ConversationHeader(
  { line, me, busy, error, onClaim, onClose }: ConversationHeaderProps,
) {
  const { t } = useT();
  const mine = line.state === "active" && line.counselor?.id === me.id;
  const others = line.state === "active" && line.counselor && !mine ? line.counselor.name : "";
  return (
    <div class="conversation-head">
      <div class="conversation-who">
        <strong>{line.user.name}</strong>
        {line.user.role === "guest" && <span class="queue-guest">{t("console.guest")}</span>}
        <span class={`state-badge state-${line.state}`}>{t(`console.state.${line.state}`)}</span>
        {others && <span class="conversation-with">{t("console.with", { name: others })}</span>}
      </div>
      <div class="conversation-actions">
        {!mine && (
          <button
            type="button"
            class="btn btn-primary claim"
            disabled={busy || others !== ""}
            onClick={onClaim}
          >
            {t("console.claim")}
          </button>
        )}
        {line.state !== "closed" && (
          <button type="button" class="btn close-conversation" disabled={busy} onClick={onClose}>
            {t("console.close")}
          </button>
        )}
      </div>
      {error && <p class="field-error" role="alert">{error}</p>}
    </div>
  );
}
