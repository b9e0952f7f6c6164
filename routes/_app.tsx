import type { AppShellProps } from "@/lib/web/render.ts";

/** The HTML shell around every page. */
export default function App({ title, session, locale, children }: AppShellProps) {
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title === "Parley" ? title : `${title} · Parley`}</title>
        <link rel="stylesheet" href="/static/styles.css" />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
      </head>
      <body>
        <header class="topbar">
          <a class="brand" href="/">Parley</a>
          <nav class="topnav" aria-label="Main">
            <a href="/support">
              <span class="nav-long">Talk to a counselor</span>
              <span class="nav-short">Support</span>
            </a>
            {session?.role === "counselor" && <a href="/console">Console</a>}
            {session && session.role !== "guest"
              ? (
                <form method="post" action="/logout" class="inline">
                  <span class="whoami">{session.name}</span>
                  <button type="submit" class="link">Log out</button>
                </form>
              )
              : (
                <>
                  {session && <span class="whoami">{session.name} (guest)</span>}
                  <a href="/login">Log in</a>
                  <a href="/signup">Sign up</a>
                </>
              )}
          </nav>
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
