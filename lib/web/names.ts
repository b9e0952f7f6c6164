/** The server's side of `lib/shared/names.ts`: a refused name is a 400 in the reader's language. */
import { checkName, type NameKind } from "@/lib/shared/names.ts";
import { type Translator, translator } from "@/lib/shared/i18n/mod.ts";
import { badRequest } from "@/lib/web/errors.ts";

const CODES: Record<NameKind, string> = {
  nickname: "bad_nickname",
  username: "bad_username",
  room: "bad_name",
};

/**
 * The normalized name, or a thrown 400 (`bad_nickname`, `bad_username`, `bad_name`).
 *
 * @example
 * const name = requireName(c.var.i18n, "room", body.name);
 */
export function requireName(_i18n: Translator, kind: NameKind, raw: string): string {
  const check = checkName(kind, raw);
  if (check.ok) return check.name;
  // In English: the error answer puts it into the reader's language (`localizeError`).
  const text = translator("en").t(`limits.name.${check.problem}`, { min: check.min, max: check.max });
  throw badRequest(text, CODES[kind]);
}
