/**
 * Pure, browser-safe helpers for the chat UI: link detection, message ordering, the Enter/IME rule,
 * presence diffs and display formats. No DOM, no server imports; re-exported by `chat_client.ts`.
 */
import type { Message, PresenceMember, UserRef } from "@/lib/shared/protocol.ts";
import { type Translator, translator } from "@/lib/shared/i18n/mod.ts";

export type Segment = { type: "text"; text: string } | { type: "link"; text: string; href: string };

const URL_CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/gi;

/** Drops trailing punctuation a sentence put after a link, and a ")" that was not opened inside it. */
function trimUrl(raw: string): string {
  let url = raw.replace(/[.,!?;:'"]+$/, "");
  while (url.endsWith(")") && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0)) {
    url = url.slice(0, -1).replace(/[.,!?;:]+$/, "");
  }
  return url;
}

/**
 * Splits text into plain runs and http(s) links. Nothing else ever becomes a link.
 *
 * @example
 * linkify("see https://deno.com."); // [{type:"text",text:"see "},{type:"link",...},{type:"text",text:"."}]
 */
export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_CANDIDATE)) {
    const start = match.index ?? 0;
    const candidate = trimUrl(match[0]);
    let href: string | null = null;
    try {
      const url = new URL(candidate);
      if ((url.protocol === "http:" || url.protocol === "https:") && url.hostname) href = url.href;
    } catch { /* not a URL after all: stays text */ }
    if (!href) continue;
    if (start > last) out.push({ type: "text", text: text.slice(last, start) });
    out.push({ type: "link", text: candidate, href });
    last = start + candidate.length;
  }
  if (last < text.length) out.push({ type: "text", text: text.slice(last) });
  return out;
}

/**
 * Merges message lists into one, ordered by seq, each seq once (the later copy wins).
 *
 * @example
 * mergeMessages([m1, m2], [m2, m3]); // [m1, m2, m3]
 */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return existing as Message[];
  const last = existing.at(-1);
  // The common case, one new message at the end, stays O(1).
  if (last && incoming.length === 1 && incoming[0].seq > last.seq) return [...existing, incoming[0]];
  const bySeq = new Map<number, Message>();
  for (const m of existing) bySeq.set(m.seq, m);
  for (const m of incoming) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The parts of a keyboard event the Enter rule reads (a real KeyboardEvent fits). */
export interface KeyLike {
  key: string;
  shiftKey?: boolean;
  isComposing?: boolean;
  keyCode?: number;
}

/**
 * Enter sends, Shift+Enter breaks the line, and no Enter sends while an input method composes.
 * Feed it compositionstart/compositionend; it clears at once on compositionend (no timer, no
 * "skip the next Enter"), so the Enter a Korean IME passes on after committing a syllable sends
 * on the first press, while Safari's post-commit keydown (keyCode 229) still does not.
 *
 * @example
 * const guard = new EnterGuard();
 * guard.compositionStart();
 * guard.shouldSend({ key: "Enter", isComposing: true, keyCode: 229 }); // false
 * guard.compositionEnd();
 * guard.shouldSend({ key: "Enter", keyCode: 13 }); // true
 */
export class EnterGuard {
  #composing = false;

  compositionStart(): void {
    this.#composing = true;
  }

  compositionEnd(): void {
    this.#composing = false;
  }

  get composing(): boolean {
    return this.#composing;
  }

  shouldSend(event: KeyLike): boolean {
    if (event.key !== "Enter" || event.shiftKey) return false;
    return !(this.#composing || event.isComposing || event.keyCode === 229);
  }
}

/**
 * Who joined and who left between two member lists (by id; several tabs of one user count once).
 *
 * @example
 * diffMembers([a], [a, b]); // { joined: [b], left: [] }
 */
export function diffMembers(
  before: readonly PresenceMember[],
  after: readonly PresenceMember[],
): { joined: PresenceMember[]; left: PresenceMember[] } {
  const was = new Map(before.map((m) => [m.id, m]));
  const now = new Map(after.map((m) => [m.id, m]));
  return {
    joined: [...now.values()].filter((m) => !was.has(m.id)),
    left: [...was.values()].filter((m) => !now.has(m.id)),
  };
}

/**
 * The typing line for the people typing now.
 *
 * @example
 * typingText([{ name: "mina" }]); // "mina is typing…"
 */
export function typingText(
  users: readonly Pick<UserRef, "name">[],
  { t }: Translator = translator("en"),
): string {
  if (users.length === 0) return "";
  if (users.length === 1) return t("chat.typing1", { name: users[0].name });
  if (users.length === 2) return t("chat.typing2", { a: users[0].name, b: users[1].name });
  return t("chat.typingMany", { count: users.length });
}

/**
 * A message time: "14:05" today, "Mar 3, 14:05" on other days.
 *
 * @example
 * formatTime("2024-03-03T14:05:00Z", new Date("2024-03-03T15:00:00Z"), "en-GB", "UTC"); // "14:05"
 */
export function formatTime(iso: string, now = new Date(), locale?: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const day = (d: Date) => d.toLocaleDateString("en-CA", { timeZone });
  const time = date.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", timeZone });
  if (day(date) === day(now)) return time;
  return `${date.toLocaleDateString(locale, { month: "short", day: "numeric", timeZone })}, ${time}`;
}

/**
 * A price with its currency in the reader's language; 0 is "Free" / "무료".
 *
 * @example
 * formatPrice(30000, "KRW", "en"); // "₩30,000"
 */
export function formatPrice(amount: number, currency: string, locale?: string): string {
  const tr = translator(locale?.startsWith("ko") ? "ko" : "en");
  try {
    return tr.price(amount, currency);
  } catch {
    return `${tr.number(amount)} ${currency}`;
  }
}

/**
 * A date range, day precision: "Mar 3 – Mar 5, 2025".
 *
 * @example
 * formatDateRange("2025-03-03T00:00:00Z", "2025-03-05T00:00:00Z", "en-US", "UTC");
 */
export function formatDateRange(
  startIso: string,
  endIso: string,
  locale?: string,
  timeZone?: string,
): string {
  const opts: Intl.DateTimeFormatOptions = { month: "short", day: "numeric", year: "numeric", timeZone };
  const start = new Date(startIso), end = new Date(endIso);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return "";
  try {
    return new Intl.DateTimeFormat(locale, opts).formatRange(start, end);
  } catch {
    return `${start.toLocaleDateString(locale, opts)} – ${end.toLocaleDateString(locale, opts)}`;
  }
}
