import type { SupportSummary, UserRef } from "@/lib/shared/protocol.ts";
import { useState } from "preact/hooks";
import { useT } from "@/lib/shared/i18n/context.ts";
import type { CounselorLine } from "@/islands/console/use_tools.ts";

export interface ConversationHeaderProps {
  line: SupportSummary;
  me: UserRef;
  busy: boolean;
  error: string;
  onClaim: () => void;
  onClose: () => void;
  /** Counselors the assignee may hand the conversation to. */
  counselors: CounselorLine[];
  onTransfer: (counselorId: string) => void;
}

/** Above the chat pane: who the conversation is with, its state, and Claim / Close. */
export default function ConversationHeader(
  { line, me, busy, error, onClaim, onClose, counselors, onTransfer }: ConversationHeaderProps,
) {
  const { t } = useT();
  const [to, setTo] = useState("");
  const others2 = counselors.filter((c) => c.id !== me.id);
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
          <button
            type="button"
            class="btn close-conversation"
            disabled={busy || others !== ""}
            onClick={onClose}
          >
            {t("console.close")}
          </button>
        )}
        <a
          class="btn btn-quiet transcript-link"
          href={`/api/support/${encodeURIComponent(line.room)}/transcript`}
          target="_blank"
        >
          {t("console.transcript.open")}
        </a>
      </div>
      {mine && others2.length > 0 && (
        <form
          class="transfer"
          onSubmit={(e) => {
            e.preventDefault();
            if (to) onTransfer(to);
          }}
        >
          <label for="transfer-to">{t("console.transfer.label")}</label>
          <select id="transfer-to" value={to} onChange={(e) => setTo(e.currentTarget.value)}>
            <option value="">—</option>
            {others2.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} · {c.available === undefined
                  ? ""
                  : `${t(c.available ? "console.transfer.available" : "console.transfer.away")} · `}
                {t("console.transfer.open", { count: c.open })}
              </option>
            ))}
          </select>
          <button type="submit" class="btn btn-small" disabled={busy || !to}>
            {t("console.transfer.submit")}
          </button>
        </form>
      )}
      {line.rating && (
        <p class="conversation-rating">
          <span aria-hidden="true">{"★".repeat(line.rating.score)}{"☆".repeat(5 - line.rating.score)}</span>
          {" "}
          {t("console.rating.shown", { score: line.rating.score })}
          {line.rating.comment && <q dir="auto">{line.rating.comment}</q>}
        </p>
      )}
      {error && <p class="field-error" role="alert">{error}</p>}
    </div>
  );
}
