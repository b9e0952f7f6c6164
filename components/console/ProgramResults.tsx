import type { Program } from "@/lib/shared/programs.ts";
import { formatDateRange } from "@/lib/shared/chat_view.ts";
import { useT } from "@/lib/shared/i18n/context.ts";
import { programStatus } from "@/lib/shared/program_view.ts";
import StatusBadge from "@/components/programs/StatusBadge.tsx";

export interface ProgramResultsProps {
  programs: Program[];
  loading: boolean;
  error: string;
  hasMore: boolean;
  /** Why "Send to chat" is off, or "" when it is on. */
  sendBlocked: string;
  sent: Record<string, boolean>;
  onSend: (program: Program) => void;
  onMore: () => void;
}

/** The right pane's results: each program with its dates, price, status and "Send to chat". */
export default function ProgramResults(props: ProgramResultsProps) {
  const { t, locale, price } = useT();
  if (props.error) return <p class="search-error" role="alert">{props.error}</p>;
  if (!props.loading && props.programs.length === 0) {
    return <p class="search-empty">{t("console.noPrograms")}</p>;
  }
  const now = new Date();
  return (
    <>
      <ul class="program-results" aria-busy={props.loading ? "true" : undefined}>
        {props.programs.map((p) => {
          const ended = programStatus(p, now) === "ended";
          return (
            <li key={p.id} class="program-result">
              <div class="program-result-head">
                <a
                  href={`/programs/${encodeURIComponent(p.id)}`}
                  target="_blank"
                  rel="noopener"
                  class="program-result-title"
                >
                  {p.title}
                </a>
                <StatusBadge phase={programStatus(p, now)} />
              </div>
              <p class="program-result-meta">
                {formatDateRange(p.startsAt, p.endsAt, locale)} · {price(p.price, p.currency)}
              </p>
              {/* An ended program is never sent as a card. */}
              <button
                type="button"
                class="btn btn-small send-program"
                disabled={props.sendBlocked !== "" || ended}
                title={ended ? t("console.err.programEnded") : props.sendBlocked || undefined}
                onClick={() => props.onSend(p)}
              >
                {ended
                  ? t("console.card.ended")
                  : props.sent[p.id]
                  ? t("console.sent")
                  : t("console.sendToChat")}
              </button>
            </li>
          );
        })}
      </ul>
      {props.loading && <p class="search-loading" role="status">{t("console.searching")}</p>}
      {props.hasMore && !props.loading && (
        <button type="button" class="btn btn-quiet more-programs" onClick={props.onMore}>
          {t("console.morePrograms")}
        </button>
      )}
    </>
  );
}
