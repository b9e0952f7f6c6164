/**
 * The long-lived parts of one isolate: configuration, store, bus and hub. Made once at start by
 * `main.ts`; tests make their own with an in-memory store.
 */
import type { Config } from "@/lib/ops/config.ts";
import type { Store } from "@/lib/store/types.ts";
import type { Bus } from "@/lib/bus/types.ts";
import type { Hub } from "@/lib/hub/hub.ts";
import type { FileStore } from "@/lib/files/types.ts";
import type { WidgetParts } from "@/lib/support/widget.ts";

export interface Services {
  config: Config;
  store: Store;
  bus: Bus;
  hub: Hub;
  /** Attachments (`lib/files/`). */
  files: FileStore;
  /** Availability and mail of the support widget (boot.ts makes them; see lib/support/widget.ts). */
  widget?: WidgetParts;
}
