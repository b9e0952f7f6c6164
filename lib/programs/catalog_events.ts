/**
 * Catalog changes, live: when a counselor adds, edits or ends a program, every open console (on any
 * isolate or process) hears of it and refreshes its program search. This isolate's listeners are
 * told directly; the others through the bus (which never echoes back to its sender).
 */
import type { Bus } from "@/lib/bus/types.ts";

type Listener = (id: string) => void;

const local = new Set<Listener>();
const heard = new WeakSet<Bus>();

/** Subscribes this isolate's listeners to the bus, once per bus. */
function hear(bus: Bus): void {
  if (heard.has(bus)) return;
  heard.add(bus);
  bus.subscribe((event) => {
    if (event.t === "catalog") { for (const listener of local) listener(event.id); }
  });
}

/**
 * Tells every console that program `id` changed.
 *
 * @example
 * publishCatalogChange(services.bus, program.id);
 */
export function publishCatalogChange(bus: Bus, id: string): void {
  hear(bus);
  for (const listener of local) listener(id);
  bus.publish({ t: "catalog", id });
}

/**
 * Calls `listener` with the id of each program that changes anywhere; returns the unsubscribe.
 *
 * @example
 * const off = onCatalogChange(services.bus, (id) => refresh());
 */
export function onCatalogChange(bus: Bus, listener: Listener): () => void {
  hear(bus);
  local.add(listener);
  return () => local.delete(listener);
}
