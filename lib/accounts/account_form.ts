/** The `/login` and `/signup` forms (plain HTML, no JavaScript needed) and where they go after. */
import type { AppContext } from "@/lib/web/app_env.ts";
import type { Session } from "@/lib/store/types.ts";
import { badRequest, toHttpError } from "@/lib/web/errors.ts";
import { localizeError } from "@/lib/shared/i18n/mod.ts";
import { readForm } from "@/lib/web/http.ts";
import { type Credentials, credentialsSchema } from "@/lib/accounts/accounts.ts";

/**
 * A same-site path to go to after a form, or "/": never another origin (no open redirect).
 *
 * @example
 * safeNext("/rooms/01H…"); // "/rooms/01H…"
 * safeNext("//evil.example"); // "/"
 */
export function safeNext(raw: unknown): string {
  if (typeof raw !== "string" || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) {
    return "/";
  }
  try {
    const url = new URL(raw, "http://parley.invalid");
    if (url.origin !== "http://parley.invalid") return "/";
    const path = url.pathname + url.search + url.hash;
    // The parser drops dot segments, tabs and newlines and turns "\\" into "/": "/.//evil.example"
    // comes out as "//evil.example", which a browser reads as another host. Judge what comes out.
    return path.startsWith("//") || path.startsWith("/\\") ? "/" : path;
  } catch {
    return "/";
  }
}

/**
 * The POST handler of the `/login` and `/signup` pages (plain HTML forms, no JavaScript needed): on
 * success a 303 to the form's `next`, else the page again with the reason and the error's status.
 *
 * @example
 * export const handler = { POST: accountFormPost(logIn) };
 */
export function accountFormPost(action: (c: AppContext, input: Credentials) => Promise<Session>) {
  return async function accountForm(c: AppContext): Promise<Response> {
    const form = await readForm(c);
    const next = safeNext(form.next);
    const username = typeof form.username === "string" ? form.username.slice(0, 64) : "";
    try {
      const parsed = credentialsSchema.safeParse({ username: form.username, password: form.password });
      if (!parsed.success) throw badRequest("Enter a username and a password");
      await action(c, parsed.data);
      return c.redirect(next, 303);
    } catch (err) {
      const known = toHttpError(err);
      if (!known || known.status >= 500) throw err;
      for (const [k, v] of Object.entries(known.headers)) c.header(k, v);
      const error = localizeError(c.get("locale"), known.code, known.message);
      return c.var.render({ next, username, error }, { status: known.status });
    }
  };
}
