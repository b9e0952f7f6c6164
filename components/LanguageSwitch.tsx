import { type Locale, LOCALES, translator } from "@/lib/shared/i18n/mod.ts";

/** Each language's own name, written in that language (a reader looks for their own). */
const NAMES: Record<Locale, string> = { ko: "한국어", en: "English" };

/**
 * Links to `/lang/:locale?next=…`, which remembers the choice in the `lang` cookie and comes back
 * to this page; plain links, so it works before (and without) JavaScript.
 */
export default function LanguageSwitch({ locale, here }: { locale: Locale; here: string }) {
  const { t } = translator(locale);
  return (
    <ul class="lang-switch" aria-label={t("common.language")}>
      {LOCALES.map((l) => (
        <li key={l}>
          <a
            href={`/lang/${l}?next=${encodeURIComponent(here)}`}
            lang={l}
            hrefLang={l}
            aria-current={l === locale ? "true" : undefined}
          >
            {NAMES[l]}
          </a>
        </li>
      ))}
    </ul>
  );
}
