import { useEffect, useState } from "preact/hooks";
import { formatRange, programStatus } from "@/lib/shared/program_view.ts";

export interface ProgramWhenProps {
  startsAt: string;
  endsAt: string;
  /** The locale the server guessed from Accept-Language; the browser's own replaces it. */
  locale: string;
}

const DAY = 86_400_000;

/** "in 3 days" / "2 months ago", in the reader's language. */
function relative(iso: string, now: number, locale?: string): string {
  const days = Math.round((Date.parse(iso) - now) / DAY);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  if (Math.abs(days) >= 60) return rtf.format(Math.round(days / 30), "month");
  return rtf.format(days, "day");
}

/**
 * A program's dates in the reader's locale and time zone. The server renders them in UTC (it cannot
 * know the reader's zone); once in the browser they are shown in local time, with how far off they are.
 */
export default function ProgramWhen({ startsAt, endsAt, locale }: ProgramWhenProps) {
  const [local, setLocal] = useState<{ locale?: string; timeZone?: string; now: number } | null>(null);

  useEffect(() => {
    setLocal({ locale: navigator.language || locale, now: Date.now() });
    const timer = setInterval(() => setLocal((l) => l && { ...l, now: Date.now() }), 60_000);
    return () => clearInterval(timer);
  }, []);

  const range = local
    ? formatRange(startsAt, endsAt, local.locale)
    : `${formatRange(startsAt, endsAt, locale, "UTC")} UTC`;
  let hint = "";
  if (local) {
    const phase = programStatus({ startsAt, endsAt }, new Date(local.now));
    if (phase === "upcoming") hint = `Starts ${relative(startsAt, local.now, local.locale)}`;
    else if (phase === "running") hint = `Ends ${relative(endsAt, local.now, local.locale)}`;
    else hint = `Ended ${relative(endsAt, local.now, local.locale)}`;
  }
  return (
    <p class="program-when">
      <time dateTime={startsAt}>{range}</time>
      {hint && <span class="program-when-hint">{hint}</span>}
    </p>
  );
}
