/**
 * Every area's strings, joined per locale. Add an area: write `area.ts` beside this file (keys
 * prefixed `area.`) and list it here once.
 */
import * as common from "./common.ts";

const areas = [common] as const;

type Area = (typeof areas)[number];
export type MessageKey = keyof Area["en"] | `${string}.one` | `${string}.other`;
export type Catalog = Partial<Record<MessageKey, string>> & Record<keyof Area["en"], string>;

function join(pick: (area: Area) => Record<string, string>): Catalog {
  return Object.assign({}, ...areas.map(pick)) as Catalog;
}

export const catalogs = { en: join((a) => a.en), ko: join((a) => a.ko) };
