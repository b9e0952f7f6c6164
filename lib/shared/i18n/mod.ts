/**
 * Korean and English. Each area of the product keeps its strings in one file of this folder
 * (`common.ts`, `lobby.ts`, …) as `{ en, ko }`, `ko` typed by `en`'s keys so the two cannot drift;
 * `catalog.ts` joins the areas. A message may name parameters as `{name}`; a key with `.one` and
 * `.other` variants is chosen by `Intl.PluralRules`. Dates, numbers and prices go through `Intl`.
 *
 * Why not `@formatjs/intl`: the browser bundle would carry an ICU parser and its locale data for
 * what is, here, `{name}` substitution and one plural rule; see docs/i18n.md.
 */
import { type Catalog, catalogs, type MessageKey } from "./catalog.ts";

export type Locale = "ko" | "en";
export const LOCALES: readonly Locale[] = ["ko", "en"];
export const DEFAULT_LOCALE: Locale = "en";
/** The cookie that remembers a reader's choice. */
export const LOCALE_COOKIE = "lang";

export type { MessageKey };
export type Params = Record<string, string | number>;

/** A translator bound to one locale. `t("lobby.title")`, `t("room.members", { count: 3 })`. */
export interface Translator {
  locale: Locale;
  t(key: MessageKey, params?: Params): string;
  /** `2026년 12월 1일 오후 3:04` / `Dec 1, 2026, 3:04 PM` */
  dateTime(iso: string | Date, options?: Intl.DateTimeFormatOptions): string;
  /** `3분 전` / `3 minutes ago` */
  relative(iso: string | Date, now?: Date): string;
  number(n: number): string;
  price(amount: number, currency: string): string;
}

/** Reads a locale from a cookie value first, then `Accept-Language`; falls back to English. */
export function pickLocale(
  cookie: string | undefined | null,
  acceptLanguage: string | undefined | null,
): Locale {
  if (cookie && isLocale(cookie)) return cookie;
  const ranked = (acceptLanguage ?? "").split(",").map((part, i) => {
    const [tag, ...rest] = part.trim().toLowerCase().split(";");
    const q = rest.map((r) => r.trim()).find((r) => r.startsWith("q="));
    return { lang: tag.split("-")[0], q: q ? Number(q.slice(2)) || 0 : 1, i };
  }).filter((r) => r.lang && r.q > 0).sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) if (isLocale(r.lang)) return r.lang;
  return DEFAULT_LOCALE;
}

export function isLocale(value: unknown): value is Locale {
  return value === "ko" || value === "en";
}

function fill(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

const cache = new Map<Locale, Translator>();

/**
 * @example
 * translator("ko").t("common.send"); // "보내기"
 */
export function translator(locale: Locale): Translator {
  const hit = cache.get(locale);
  if (hit) return hit;
  const messages: Catalog = catalogs[locale];
  const plural = new Intl.PluralRules(locale);
  const numbers = new Intl.NumberFormat(locale);
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const made: Translator = {
    locale,
    t(key, params) {
      const count = params?.count;
      if (typeof count === "number") {
        const variant = messages[`${key}.${plural.select(count)}` as MessageKey] ??
          messages[`${key}.other` as MessageKey];
        if (variant) return fill(variant, { ...params, count: numbers.format(count) });
      }
      return fill(messages[key] ?? key, params);
    },
    dateTime(iso, options = { dateStyle: "medium", timeStyle: "short" }) {
      return new Intl.DateTimeFormat(locale, options).format(typeof iso === "string" ? new Date(iso) : iso);
    },
    relative(iso, now = new Date()) {
      const ms = (typeof iso === "string" ? Date.parse(iso) : iso.getTime()) - now.getTime();
      const abs = Math.abs(ms);
      const units: [Intl.RelativeTimeFormatUnit, number][] = [
        ["year", 365 * 864e5],
        ["month", 30 * 864e5],
        ["day", 864e5],
        ["hour", 36e5],
        ["minute", 6e4],
      ];
      for (const [unit, size] of units) if (abs >= size) return relative.format(Math.round(ms / size), unit);
      return relative.format(0, "second");
    },
    number: (n) => numbers.format(n),
    price(amount, currency) {
      if (amount === 0) return messages["common.free"];
      try {
        return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount);
      } catch {
        return `${numbers.format(amount)} ${currency}`; // not an ISO 4217 code
      }
    },
  };
  cache.set(locale, made);
  return made;
}

type Matcher = { key: MessageKey; names: string[]; pattern: RegExp };
let matchers: Matcher[] | undefined;

/** The English `errors.*` (and `limits.*`) templates as patterns, longest first, so "{x} bytes" never beats a literal. */
function errorMatchers(): Matcher[] {
  if (matchers) return matchers;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  matchers = Object.entries(catalogs.en)
    .filter(([key]) =>
      (key.startsWith("errors.") && !key.startsWith("errors.code.")) || key.startsWith("limits.")
    )
    .map(([key, text]) => {
      const names: string[] = [];
      const source = String(text).split(/\{(\w+)\}/).map((part, i) => {
        if (i % 2 === 0) return escape(part);
        names.push(part);
        return "(.+?)";
      }).join("");
      return { key: key as MessageKey, names, pattern: new RegExp(`^${source}$`) };
    })
    .sort((a, b) => b.pattern.source.length - a.pattern.source.length);
  return matchers;
}

/**
 * An error's message in the reader's language. The server speaks English internally; this finds the
 * `errors.*` template the English text matches (keeping its parameters), else the generic line for
 * `code`, else the text as it came. Used for HTTP errors, error pages and WebSocket `error` frames.
 *
 * @example
 * localizeError("ko", "bad_name", "Room names are at most 64 characters"); // "방 이름은 64자까지 쓸 수 있어요"
 */
export function localizeError(locale: Locale, code: string, message: string): string {
  const { t } = translator(locale);
  if (message in catalogs.en) return t(message as MessageKey);
  // Already written in Korean (a route that translated it itself): keep its detail.
  if (locale === "ko" && /[\uAC00-\uD7A3]/.test(message)) return message;
  for (const m of errorMatchers()) {
    const found = m.pattern.exec(message);
    if (!found) continue;
    if (locale === "en") return message;
    return t(m.key, Object.fromEntries(m.names.map((name, i) => [name, found[i + 1]])));
  }
  const generic = `errors.code.${code}` as MessageKey;
  if (locale === "en" || !(generic in catalogs.en)) return message;
  return t(generic);
}
