/**
 * `POST /api/widget/contact {email, page?, locale?}`: the address a counselor's reply is mailed to while the
 * visitor is away, and the page of the site the mail links back to. Only with SMTP_URL (404
 * otherwise); a malformed address is a 400 that says why.
 */
import { z } from "zod";
import type { AppContext } from "@/lib/web/app_env.ts";
import { assertSignedIn } from "@/lib/accounts/auth.ts";
import { readJson } from "@/lib/web/http.ts";
import { badRequest, notFound } from "@/lib/web/errors.ts";
import { openSupport } from "@/lib/support/support.ts";
import { emailProblem } from "@/lib/shared/email.ts";
import { isLocale } from "@/lib/shared/i18n/mod.ts";

const body = z.object({
  email: z.string().trim().max(1000),
  page: z.string().max(2000).optional(),
  /** The language the frame shows (the host page's): the mail is written in it. */
  locale: z.string().max(8).optional(),
});

/** The page only if it is on a listed site, without its fragment (the link adds its own). */
function pageOn(page: string | undefined, origins: string[]): string | undefined {
  if (!page) return undefined;
  try {
    const url = new URL(page);
    if (!origins.includes(url.origin)) return undefined;
    url.hash = "";
    return url.href;
  } catch {
    return undefined;
  }
}

export const handler = {
  async POST(c: AppContext) {
    const session = assertSignedIn(c);
    const { config, store } = c.var.services;
    if (!config.smtpUrl) throw notFound("widget.error.noEmail");
    const { email, page, locale } = await readJson(c, body);
    const problem = emailProblem(email);
    if (problem) {
      throw badRequest(
        c.var.i18n.t(problem === "too_long" ? "widget.email.tooLong" : "widget.email.invalid"),
        "bad_email",
      );
    }
    const { room } = await openSupport(c.var.services, session);
    await store.updateSupport(room, {
      contact: {
        email,
        page: pageOn(page, config.widgetOrigins),
        locale: isLocale(locale) ? locale : c.var.locale,
      },
    });
    return c.json({ email });
  },
};
