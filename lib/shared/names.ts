/**
 * The rules for names people read as someone's or something's identity: nicknames, usernames and
 * room names. Pure, so the browser can use them for form hints and the server for the final word.
 *
 * - NFC-normalized, trimmed, runs of white space made one space: "한글" typed on any system is one name.
 * - Refused: control characters, format characters (bidi overrides and isolates, zero-width spaces
 *   and joiners, the BOM), line and paragraph separators, and the blank Hangul fillers; any of them
 *   lets one name pass for another, or reorders the page around it.
 * - At most {@link MAX_MARKS_IN_A_ROW} combining marks on one character (no "Zalgo" towers).
 * - Usernames (log-in names) are letters and digits of any script, Hangul included, and `. _ -`.
 */

export type NameKind = "nickname" | "username" | "room";

/** Length bounds in code points, after normalization. */
export const NAME_BOUNDS: Record<NameKind, { min: number; max: number }> = {
  nickname: { min: 1, max: 32 },
  username: { min: 3, max: 32 },
  room: { min: 1, max: 64 },
};

export const MAX_MARKS_IN_A_ROW = 2;

export type NameProblem = "empty" | "too_short" | "too_long" | "invisible" | "marks" | "username_chars";

export type NameCheck =
  | { ok: true; name: string }
  | { ok: false; problem: NameProblem; min: number; max: number };

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0\u2800]/u;
const MARKS_TOWER = new RegExp(`\\p{M}{${MAX_MARKS_IN_A_ROW + 1},}`, "u");
const USERNAME = /^[\p{L}\p{M}\p{N}._-]+$/u;

/**
 * Normalizes and checks a name of one kind.
 *
 * @example
 * checkName("room", "  커피   talk "); // { ok: true, name: "커피 talk" }
 * checkName("nickname", "ev\u202Eil"); // { ok: false, problem: "invisible", ... }
 */
export function checkName(kind: NameKind, raw: string): NameCheck {
  const { min, max } = NAME_BOUNDS[kind];
  const fail = (problem: NameProblem): NameCheck => ({ ok: false, problem, min, max });
  // Tabs and newlines are white space to collapse, not characters to refuse.
  const name = raw.normalize("NFC").replace(/[\t\n\r ]+/g, " ").trim();
  if (name.length === 0) return fail("empty");
  if (INVISIBLE.test(name)) return fail("invisible");
  if (/^\p{M}/u.test(name) || MARKS_TOWER.test(name)) return fail("marks");
  const length = [...name].length;
  if (length > max) return fail("too_long");
  if (length < min) return fail("too_short");
  if (kind === "username" && !USERNAME.test(name)) return fail("username_chars");
  return { ok: true, name };
}

/**
 * The key a name is unique by: NFC, then lower case (usernames and public room names).
 *
 * @example
 * nameKey("Mina"); // "mina"
 */
export function nameKey(name: string): string {
  return name.normalize("NFC").toLowerCase();
}
