import type { AppContext } from "@/lib/web/app_env.ts";
import { setCookie } from "hono/cookie";
import { isLocale, LOCALE_COOKIE } from "@/lib/shared/i18n/mod.ts";
import { safeNext } from "@/lib/accounts/accounts.ts";
import { notFound } from "@/lib/web/errors.ts";

export const handler = {
  /** The language switch: remembers the choice for a year, then back to the page it came from. */
  GET(c: AppContext) {
    const locale = c.req.param("locale");
    if (!isLocale(locale)) throw notFound("Page not found");
    setCookie(c, LOCALE_COOKIE, locale, {
      path: "/",
      maxAge: 365 * 86_400,
      sameSite: "Lax",
      secure: new URL(c.req.url).protocol === "https:",
    });
    c.header("Cache-Control", "no-store");
    return c.redirect(safeNext(c.req.query("next")), 303);
  },
};
