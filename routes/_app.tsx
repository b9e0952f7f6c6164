import type { AppShellProps } from "@/lib/web/render.ts";
import { translator } from "@/lib/shared/i18n/mod.ts";
import LanguageSwitch from "@/components/LanguageSwitch.tsx";

/** The HTML shell around every page. */
export default function App({ title, url, session, locale, children }: AppShellProps) {
  const { t } = translator(locale);
  const here = url.pathname + url.search;
  // Log-in and sign-up come back to the page they were opened from.
  const next = ["/login", "/signup"].includes(url.pathname) || here === "/"
    ? ""
    : `?next=${encodeURIComponent(here)}`;
  const brand = t("common.brand");
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title === brand ? title : `${title} · ${brand}`}</title>
        <link rel="stylesheet" href="/static/styles.css" />
        <link rel="stylesheet" href="/static/messages.css" />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
      </head>
      <body>
        <a class="skip-link" href="#main">{t("common.skipToContent")}</a>
        <header class="topbar">
          <a class="brand" href="/">{brand}</a>
          <nav class="topnav" aria-label={t("common.mainNav")}>
            <a href="/support">
              <span class="nav-long">{t("common.talkToCounselor")}</span>
              <span class="nav-short">{t("common.support")}</span>
            </a>
            {session?.role === "counselor" && <a href="/console">{t("common.console")}</a>}
            {session && session.role !== "guest"
              ? (
                <form method="post" action="/logout" class="inline">
                  <span class="whoami">{session.name}</span>
                  <button type="submit" class="link">{t("common.logOut")}</button>
                </form>
              )
              : (
                <>
                  {session && <span class="whoami">{t("common.guestName", { name: session.name })}</span>}
                  <a href={`/login${next}`} class="nav-login">{t("common.logIn")}</a>
                  <a href={`/signup${next}`} class="nav-signup">{t("common.signUp")}</a>
                </>
              )}
            <LanguageSwitch locale={locale} here={here} />
          </nav>
        </header>
        <main id="main" tabIndex={-1}>{children}</main>
      </body>
    </html>
  );
}
