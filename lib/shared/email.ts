/** E-mail address checks the widget form and the server share. */

/**
 * Whether `email` is an address a reply can go to, or the reason it is not ("invalid", "too_long").
 *
 * @example
 * emailProblem("mina@example.com"); // null
 * emailProblem("mina@"); // "invalid"
 */
export function emailProblem(email: string): "invalid" | "too_long" | null {
  if (email.length > 254) return "too_long";
  // Deliberately plain: one @, something before it, a dotted domain after, no spaces or brackets.
  return /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/.test(email)
    ? null
    : "invalid";
}
