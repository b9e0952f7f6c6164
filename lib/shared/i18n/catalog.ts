/**
 * Every area's strings, joined per locale. Add an area: write `area.ts` beside this file (keys
 * prefixed `area.`) and list it here once.
 */
import * as common from "./common.ts";
import * as messages from "./messages.ts";

const areas = [common, messages] as const;

type Area = (typeof areas)[number];
/** Every area's keys (distributed over the areas: `keyof` of their union would keep only shared keys). */
type AreaKeys<A> = A extends { en: infer E } ? keyof E : never;
export type MessageKey = AreaKeys<Area> | `${string}.one` | `${string}.other`;
export type Catalog = Partial<Record<MessageKey, string>> & Record<AreaKeys<Area>, string>;

function join(pick: (area: Area) => Record<string, string>): Catalog {
  return Object.assign({}, ...areas.map(pick)) as Catalog;
}

export const catalogs = { en: join((a) => a.en), ko: join((a) => a.ko) };
