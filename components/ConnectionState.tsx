import { type ConnectionStatus, statusText } from "@/lib/browser/chat_client.ts";

/**
 * The connection line. The visible text counts down each second; screen readers hear only the
 * state changes, through a separate polite region, so the countdown does not chatter.
 */
export default function ConnectionState({ status }: { status: ConnectionStatus }) {
  const spoken = status.state === "open"
    ? "Connection is open"
    : status.state === "closed"
    ? "Connection is closed — reconnecting"
    : "";
  return (
    <div class={`conn conn-${status.state}`}>
      <span class="conn-dot" aria-hidden="true" />
      <span aria-hidden="true">{statusText(status)}</span>
      <span class="sr-only" aria-live="polite">{spoken}</span>
    </div>
  );
}
