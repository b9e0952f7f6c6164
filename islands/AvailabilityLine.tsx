import { useEffect, useState } from "preact/hooks";
import { useT } from "@/lib/shared/i18n/context.ts";

export interface AvailabilityLineProps {
  /** Whether the visitor may leave an e-mail address while everyone is away (SMTP_URL is set). */
  emailOffered?: boolean;
}

interface View {
  available: boolean;
  replyMinutes?: number;
}

/**
 * "A counselor is available and usually replies within N minutes" or "All counselors are away",
 * kept live by the availability event stream (it reconnects by itself).
 */
export default function AvailabilityLine({ emailOffered = false }: AvailabilityLineProps) {
  const { t } = useT();
  const [view, setView] = useState<View | null>(null);
  useEffect(() => {
    const events = new EventSource("/api/support/availability");
    events.onmessage = (e) => setView(JSON.parse(e.data));
    return () => events.close();
  }, []);
  if (!view) return <p class="availability" role="status" aria-live="polite" />;
  const text = view.available
    ? view.replyMinutes ? t("widget.availableWithin", { count: view.replyMinutes }) : t("widget.available")
    : t(emailOffered ? "widget.awayEmail" : "widget.away");
  return (
    <p
      class={`availability ${view.available ? "is-available" : "is-away"}`}
      role="status"
      aria-live="polite"
      data-available={String(view.available)}
    >
      <span class="availability-dot" aria-hidden="true" /> {text}
    </p>
  );
}
