/**
 * Browser side of the islands: finds every `<parley-island>` the server rendered and hydrates it
 * with its component and props. Imported only by the generated browser entry.
 */
import { type ComponentType, h, hydrate } from "preact";
import { LocaleContext } from "@/lib/shared/i18n/context.ts";
import { DEFAULT_LOCALE, isLocale } from "@/lib/shared/i18n/mod.ts";

// deno-lint-ignore no-explicit-any -- islands declare their own props
type AnyComponent = ComponentType<any>;

/**
 * @example
 * boot({ ChatPane }, JSON.parse(document.getElementById("__parley_islands")!.textContent!));
 */
export function boot(registry: Record<string, AnyComponent>, props: Record<string, unknown>[]): void {
  const lang = document.documentElement.lang;
  const locale = isLocale(lang) ? lang : DEFAULT_LOCALE;
  for (const el of document.querySelectorAll<HTMLElement>("parley-island")) {
    const component = registry[el.dataset.island ?? ""];
    const index = Number(el.dataset.index);
    if (!component || !(index in props)) continue;
    hydrate(h(LocaleContext.Provider, { value: locale }, h(component, props[index])), el);
  }
}

/** Reads the props blob the server wrote and boots the islands. */
export function bootFromPage(registry: Record<string, AnyComponent>): void {
  const blob = document.getElementById("__parley_islands");
  boot(registry, blob?.textContent ? JSON.parse(blob.textContent) : []);
}
