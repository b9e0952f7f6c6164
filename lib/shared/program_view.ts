/**
 * Pure helpers to show a program, shared by server components and islands (no server imports here,
 * so the browser bundle can take it).
 */
export { formatPrice } from "@/lib/shared/chat_view.ts";

/** Where a program stands at a moment: not started, under way, or over. */
export type ProgramPhase = "upcoming" | "running" | "ended";

/**
 * @example
 * programStatus({ startsAt: "2026-01-01T00:00:00Z", endsAt: "2026-02-01T00:00:00Z" }, new Date("2026-01-10"));
 * // "running"
 */
export function programStatus(p: { startsAt: string; endsAt: string }, now = new Date()): ProgramPhase {
  const t = now.getTime();
  if (Date.parse(p.endsAt) <= t) return "ended";
  return Date.parse(p.startsAt) > t ? "upcoming" : "running";
}

/**
 * A start–end range in the reader's locale (and time zone, when run in the browser).
 *
 * @example
 * formatRange("2026-03-02T00:00:00Z", "2026-05-29T09:00:00Z", "en-US"); // "Mar 2, 2026, 9:00 AM – May 29, …"
 */
export function formatRange(startsAt: string, endsAt: string, locale?: string, timeZone?: string): string {
  const options: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short", timeZone };
  try {
    return new Intl.DateTimeFormat(locale, options).formatRange(new Date(startsAt), new Date(endsAt));
  } catch {
    return `${startsAt} – ${endsAt}`;
  }
}

/**
 * The reader's first acceptable language from an Accept-Language header, for server rendering.
 *
 * @example
 * localeFromHeader("ko-KR,ko;q=0.9,en;q=0.8"); // "ko-KR"
 */
export function localeFromHeader(header: string | null | undefined): string {
  const first = header?.split(",")[0]?.split(";")[0]?.trim();
  if (!first || first === "*") return "en";
  try {
    return Intl.getCanonicalLocales(first)[0] ?? "en";
  } catch {
    return "en";
  }
}
