/** The server's side of `lib/shared/names.ts`: a refused name is a 400 in the reader's language. */
import { checkName, type NameKind } from "@/lib/shared/names.ts";
import type { Translator } from "@/lib/shared/i18n/mod.ts";
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
export function requireName(i18n: Translator, kind: NameKind, raw: string): string {
  const check = checkName(kind, raw);
  if (check.ok) return check.name;
  throw badRequest(i18n.t(`limits.name.${check.problem}`, { min: check.min, max: check.max }), CODES[kind]);
}
