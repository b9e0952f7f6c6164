/**
 * The reader's locale inside a Preact tree: the server renders a page inside a provider set from the
 * request, and the browser boots each island inside one set from `<html lang>`.
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { DEFAULT_LOCALE, type Locale, type Translator, translator } from "./mod.ts";

export const LocaleContext = createContext<Locale>(DEFAULT_LOCALE);

/**
 * @example
 * const { t } = useT();
 * return <button>{t("common.send")}</button>;
 */
export function useT(): Translator {
  return translator(useContext(LocaleContext));
}
