/**
 * Browser side of the islands: finds every `<parley-island>` the server rendered and hydrates it
 * with its component and props. Imported only by the generated browser entry.
 */
import { type ComponentType, h, hydrate } from "preact";
import { LocaleContext } from "@/lib/shared/i18n/context.ts";
import { DEFAULT_LOCALE, isLocale } from "@/lib/shared/i18n/mod.ts";

// deno-lint-ignore no-explicit-any -- islands declare their own props
type AnyComponent = ComponentType<any>;
/** An island's module, fetched only when the page has that island (its chunk, `deno task build`). */
export type IslandLoader = () => Promise<{ default: AnyComponent }>;

/**
 * Hydrates each island as soon as its module has arrived; each module is fetched once however many
 * times the page uses it.
 *
 * @example
 * await boot(loaders, JSON.parse(blob.textContent!)); // loaders: the generated entry's, one per island
 */
export async function boot(
  registry: Record<string, IslandLoader>,
  props: Record<string, unknown>[],
): Promise<void> {
  const lang = document.documentElement.lang;
  const locale = isLocale(lang) ? lang : DEFAULT_LOCALE;
  const modules = new Map<string, Promise<AnyComponent>>();
  const load = (name: string) => {
    let found = modules.get(name);
    if (!found) modules.set(name, found = registry[name]().then((m) => m.default));
    return found;
  };
  await Promise.all([...document.querySelectorAll<HTMLElement>("parley-island")].map(async (el) => {
    const name = el.dataset.island ?? "";
    const index = Number(el.dataset.index);
    if (!(name in registry) || !(index in props)) return;
    const component = await load(name);
    hydrate(h(LocaleContext.Provider, { value: locale }, h(component, props[index])), el);
  }));
}

/** Reads the props blob the server wrote and boots the islands. */
export function bootFromPage(registry: Record<string, IslandLoader>): Promise<void> {
  const blob = document.getElementById("__parley_islands");
  return boot(registry, blob?.textContent ? JSON.parse(blob.textContent) : []);
}
