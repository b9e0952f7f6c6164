import { useEffect, useState } from "preact/hooks";
import { formatRange, programStatus } from "@/lib/shared/program_view.ts";
import { useT } from "@/lib/shared/i18n/context.ts";

export interface ProgramWhenProps {
  startsAt: string;
  endsAt: string;
}

const DAY = 86_400_000;

/** "in 3 days" / "3일 후", in the page's language. */
function relative(iso: string, now: number, locale: string): string {
  const days = Math.round((Date.parse(iso) - now) / DAY);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  if (Math.abs(days) >= 60) return rtf.format(Math.round(days / 30), "month");
  return rtf.format(days, "day");
}

/**
 * A program's dates in the page's language. The server renders them in UTC (it cannot know the
 * reader's time zone); once in the browser they are shown in local time, with how far off they are.
 * Every word comes from the page's language, never the browser's: no "Starts 3개월 후".
 */
export default function ProgramWhen({ startsAt, endsAt }: ProgramWhenProps) {
  const { t, locale } = useT();
  const [now, setNow] = useState<number | null>(null);

  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);

  const range = now !== null
    ? formatRange(startsAt, endsAt, locale)
    : t("programs.utc", { range: formatRange(startsAt, endsAt, locale, "UTC") });
  let hint = "";
  if (now !== null) {
    const phase = programStatus({ startsAt, endsAt }, new Date(now));
    if (phase === "upcoming") hint = t("programs.startsIn", { when: relative(startsAt, now, locale) });
    else if (phase === "running") hint = t("programs.endsIn", { when: relative(endsAt, now, locale) });
    else hint = t("programs.endedAgo", { when: relative(endsAt, now, locale) });
  }
  return (
    <p class="program-when">
      <time dateTime={startsAt}>{range}</time>
      {hint && <span class="program-when-hint">{hint}</span>}
    </p>
  );
}
