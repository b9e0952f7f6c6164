import type { SupportSummary, UserRef } from "@/lib/shared/protocol.ts";

export interface ConversationHeaderProps {
  line: SupportSummary;
  me: UserRef;
  busy: boolean;
  error: string;
  onClaim: () => void;
  onClose: () => void;
}

const STATE_LABEL = { waiting: "Waiting", active: "Active", closed: "Closed" } as const;

/** Above the chat pane: who the conversation is with, its state, and Claim / Close. */
export default function ConversationHeader(
  { line, me, busy, error, onClaim, onClose }: ConversationHeaderProps,
) {
  const mine = line.state === "active" && line.counselor?.id === me.id;
  const others = line.state === "active" && line.counselor && !mine ? line.counselor.name : "";
  return (
    <div class="conversation-head">
      <div class="conversation-who">
        <strong>{line.user.name}</strong>
        {line.user.role === "guest" && <span class="queue-guest">guest</span>}
        <span class={`state-badge state-${line.state}`}>{STATE_LABEL[line.state]}</span>
        {others && <span class="conversation-with">with {others}</span>}
      </div>
      <div class="conversation-actions">
        {!mine && (
          <button
            type="button"
            class="btn btn-primary claim"
            disabled={busy || others !== ""}
            onClick={onClaim}
          >
            Claim
          </button>
        )}
        {line.state !== "closed" && (
          <button type="button" class="btn close-conversation" disabled={busy} onClick={onClose}>
            Close
          </button>
        )}
      </div>
      {error && <p class="field-error" role="alert">{error}</p>}
    </div>
  );
}
