/** Renders a route's page inside the `_app` shell, adding the islands' props and script when used. */
import { type ComponentType, h } from "preact";
import { renderToString } from "preact-render-to-string";
import type { AppContext, PageProps, RouteModule } from "@/lib/web/app_env.ts";
import { collectIslands, serializeProps } from "@/lib/web/islands.ts";
import { LocaleContext } from "@/lib/shared/i18n/context.ts";
import type { Locale } from "@/lib/shared/i18n/mod.ts";

export interface AppShellProps {
  title: string;
  url: URL;
  session: PageProps<unknown>["session"];
  locale: Locale;
  children?: preact.ComponentChildren;
}

let bundleVersion: string | undefined;

/** The browser bundle's URL, versioned by the hash `deno task build` wrote, for long caching. */
export function bundleUrl(): string {
  if (bundleVersion === undefined) {
    try {
      const meta = JSON.parse(
        Deno.readTextFileSync(new URL("../../static/build/meta.json", import.meta.url)),
      );
      bundleVersion = String(meta.hash ?? "");
    } catch {
      bundleVersion = "";
    }
  }
  return `/static/build/islands.js${bundleVersion ? `?v=${bundleVersion}` : ""}`;
}

/**
 * Renders `mod`'s page with `data` into a full HTML response. Static pages ship no script.
 *
 * @example
 * return renderPage(c, App, mod, { rooms }, 200);
 */
export function renderPage(
  c: AppContext,
  App: ComponentType<AppShellProps>,
  mod: RouteModule,
  data: unknown,
  status = 200,
): Response {
  const Page = mod.default!;
  const props: PageProps<unknown> = {
    data,
    url: new URL(c.req.url),
    params: c.req.param() as Record<string, string>,
    session: c.get("session") ?? null,
    locale: c.get("locale") ?? "en",
  };
  const title = typeof mod.title === "function" ? mod.title(props) : mod.title ?? "Parley";
  const { result, islands } = collectIslands(() =>
    renderToString(
      h(
        LocaleContext.Provider,
        { value: props.locale },
        h(App, { title, url: props.url, session: props.session, locale: props.locale }, h(Page, props)),
      ),
    )
  );
  let doc = `<!DOCTYPE html>${result}`;
  if (islands.length > 0) {
    const scripts =
      `<script type="application/json" id="__parley_islands">${serializeProps(islands)}</script>` +
      `<script type="module" src="${bundleUrl()}"></script>`;
    doc = doc.includes("</body>") ? doc.replace("</body>", `${scripts}</body>`) : doc + scripts;
  }
  return c.html(doc, status as 200);
}
