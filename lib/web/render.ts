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

interface BundleFiles {
  hash: string;
  entries: Record<string, string[]>;
  islands: Record<string, string[]>;
}

let bundle: BundleFiles | undefined;

/** What `deno task build` wrote of the bundle (scripts/bundle_meta.ts); empty before a build. */
function bundleFiles(): BundleFiles {
  if (!bundle) {
    try {
      bundle = JSON.parse(Deno.readTextFileSync(new URL("../../static/build/meta.json", import.meta.url)));
    } catch {
      bundle = { hash: "", entries: {}, islands: {} };
    }
  }
  return bundle!;
}

/** The locale's entry URL, versioned by the build's hash for long caching (chunks carry their own). */
export function bundleUrl(locale: Locale): string {
  const { hash, entries } = bundleFiles();
  const entry = entries[locale]?.[0] ?? `entry.${locale}.js`;
  return `/static/build/${entry}${hash ? `?v=${hash}` : ""}`;
}

/**
 * The page's script: the entry, with a preload of every chunk it and the page's islands need, so
 * the browser fetches them at once rather than one import after another.
 */
function scriptTags(locale: Locale, islands: string[]): string {
  const { entries, islands: chunks } = bundleFiles();
  const files = new Set([...(entries[locale] ?? []).slice(1), ...islands.flatMap((i) => chunks[i] ?? [])]);
  const preloads = [...files].map((f) => `<link rel="modulepreload" href="/static/build/${f}">`).join("");
  return `${preloads}<script type="module" src="${bundleUrl(locale)}"></script>`;
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
      scriptTags(props.locale, [...new Set(islands.map((i) => i.name))]);
    doc = doc.includes("</body>") ? doc.replace("</body>", `${scripts}</body>`) : doc + scripts;
  }
  return c.html(doc, status as 200);
}
