/**
 * Every area's strings, joined per locale. Add an area: write `area.ts` beside this file (keys
 * prefixed `area.`) and list it here once.
 */
import * as common from "./common.ts";
import * as consoleTools from "./console_tools.ts";

const areas = [common, consoleTools] as const;

type Area = (typeof areas)[number];
type Keys<A> = A extends { en: infer E } ? keyof E : never;
export type MessageKey = Keys<Area> | `${string}.one` | `${string}.other`;
export type Catalog = Partial<Record<MessageKey, string>> & Record<Keys<Area>, string>;

function join(pick: (area: Area) => Record<string, string>): Catalog {
  return Object.assign({}, ...areas.map(pick)) as Catalog;
}

export const catalogs = { en: join((a) => a.en), ko: join((a) => a.ko) };
