/** Program cards plugged into the hub: a counselor's `{type:"send", program}` stores the card. */
import type { Store } from "@/lib/store/types.ts";
import type { HubPlugin } from "@/lib/hub/plugins.ts";
import { toSnapshot } from "@/lib/programs/programs.ts";

/**
 * @example
 * new Hub({ store, bus, config, plugins: [programCards(store)] });
 */
export function programCards(store: Store): HubPlugin {
  return {
    name: "programs",
    async resolveProgram(id) {
      const program = await store.getProgram(id);
      return program ? toSnapshot(program) : null;
    },
  };
}
