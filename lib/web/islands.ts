/**
 * Server side of Parley's islands, in Fresh's manner: while a page renders, each island that is not
 * inside another island is wrapped in a `<parley-island data-island=Name data-index=i>` element
 * (styled `display: contents`, so it adds no box) and its props are collected for one JSON blob.
 * The browser bundle (`islands_boot.ts`) hydrates only those elements.
 *
 * A real element rather than Fresh's comment pair keeps hydration a plain `hydrate(vnode, el)`.
 */
import { type ComponentType, createContext, h, options, type VNode } from "preact";
import { useContext } from "preact/hooks";

export interface IslandUse {
  name: string;
  props: Record<string, unknown>;
}

// deno-lint-ignore no-explicit-any -- islands declare their own props
type AnyComponent = ComponentType<any>;

const islandNames = new Map<AnyComponent, string>();
const InsideIsland = createContext(false);
let collected: IslandUse[] | null = null;
let bypass = false;

/**
 * Makes these components islands wherever pages use them.
 *
 * @example
 * registerIslands({ ChatPane: { default: ChatPane } });
 */
export function registerIslands(islands: Record<string, { default: AnyComponent }>): void {
  for (const [name, mod] of Object.entries(islands)) islandNames.set(mod.default, name);
}

interface MarkerProps {
  name: string;
  component: AnyComponent;
  props: Record<string, unknown>;
}

function plain(component: AnyComponent, props: Record<string, unknown>): VNode {
  bypass = true;
  try {
    return h(component, props);
  } finally {
    bypass = false;
  }
}

function IslandMarker({ name, component, props }: MarkerProps) {
  const inside = useContext(InsideIsland);
  if (inside || collected === null) return plain(component, props);
  const { children: _children, ...serializable } = props;
  const index = collected.push({ name, props: serializable }) - 1;
  return h(
    "parley-island",
    { "data-island": name, "data-index": String(index) },
    h(InsideIsland.Provider, { value: true }, plain(component, serializable)),
  );
}

const previousVnodeHook = options.vnode;
options.vnode = (vnode) => {
  if (!bypass && typeof vnode.type === "function") {
    const name = islandNames.get(vnode.type as AnyComponent);
    if (name) {
      vnode.props = { name, component: vnode.type, props: vnode.props } as never;
      vnode.type = IslandMarker as never;
    }
  }
  previousVnodeHook?.(vnode);
};

/**
 * Runs a synchronous render and returns what it produced with the islands it used.
 *
 * @example
 * const { result, islands } = collectIslands(() => renderToString(<Page />));
 */
export function collectIslands<T>(render: () => T): { result: T; islands: IslandUse[] } {
  const outer = collected;
  collected = [];
  try {
    const result = render();
    return { result, islands: collected };
  } finally {
    collected = outer;
  }
}

/**
 * JSON for a `<script type="application/json">` blob: `<` is escaped so `</script` and `<!--`
 * inside props can never end the element early.
 *
 * @example
 * serializeProps([{ name: "X", props: { s: "</script>" } }]); // contains "\\u003c/script>"
 */
export function serializeProps(islands: IslandUse[]): string {
  return JSON.stringify(islands.map((i) => i.props))
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
