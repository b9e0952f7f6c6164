/**
 * Every area's strings, joined per locale. Add an area: write `area.ts` beside this file (keys
 * prefixed `area.`) and list it here once.
 */
import * as common from "./common.ts";
import * as errors from "./errors.ts";
import * as lobby from "./lobby.ts";
import * as chat from "./chat.ts";
import * as rooms from "./rooms.ts";
import * as support from "./support.ts";
import * as programs from "./programs.ts";
import * as consoleArea from "./console.ts";
import * as auth from "./auth.ts";
import * as limits from "./limits.ts";
import * as messages from "./messages.ts";
import * as consoleTools from "./console_tools.ts";
import * as widget from "./widget.ts";

const areas = [
  common,
  errors,
  lobby,
  chat,
  rooms,
  support,
  programs,
  consoleArea,
  auth,
  limits,
  messages,
  consoleTools,
  widget,
] as const;

type Area = (typeof areas)[number];
/** Every area's keys (distributed over the areas: `keyof` of a union would keep only shared keys). */
type KeysOf<A> = A extends { en: infer E } ? keyof E & string : never;
type AreaKey = KeysOf<Area>;
export type MessageKey = AreaKey | `${string}.one` | `${string}.other`;
export type Catalog = Partial<Record<MessageKey, string>> & Record<AreaKey, string>;

function join(pick: (area: Area) => Record<string, string>): Catalog {
  return Object.assign({}, ...areas.map(pick)) as Catalog;
}

export const catalogs = { en: join((a) => a.en), ko: join((a) => a.ko) };
