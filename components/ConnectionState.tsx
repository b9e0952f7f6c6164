import { type ConnectionStatus, statusText } from "@/lib/browser/chat_client.ts";
import { useT } from "@/lib/shared/i18n/context.ts";

/**
 * The connection line. The visible text counts down each second; screen readers hear only the
 * state changes, through a separate polite region, so the countdown does not chatter. While a
 * retry is scheduled, "Retry now" skips the wait.
 */
export default function ConnectionState(
  { status, onRetry }: { status: ConnectionStatus; onRetry?: () => void },
) {
  const tr = useT();
  const { t } = tr;
  const spoken = status.state === "open"
    ? t("chat.conn.open")
    : status.state === "closed"
    ? (status.retryIn === null ? statusText(status, tr) : t("chat.conn.closedSpoken"))
    : "";
  const waiting = status.state === "closed" && status.retryIn !== null && status.retryIn > 0;
  return (
    <div class={`conn conn-${status.state}`}>
      <span class="conn-dot" aria-hidden="true" />
      <span aria-hidden="true">{statusText(status, tr)}</span>
      <span class="sr-only" aria-live="polite">{spoken}</span>
      {waiting && onRetry && (
        <button type="button" class="btn btn-small btn-quiet retry-now" onClick={onRetry}>
          {t("chat.conn.retryNow")}
        </button>
      )}
    </div>
  );
}
