/** Program cards plugged into the hub: a counselor's `{type:"send", program}` stores the card. */
import type { Store } from "@/lib/store/types.ts";
import type { HubPlugin } from "@/lib/hub/plugins.ts";
import { isOpen, toSnapshot } from "@/lib/programs/programs.ts";
import { badRequest } from "@/lib/web/errors.ts";

/**
 * @example
 * new Hub({ store, bus, config, plugins: [programCards(store)] });
 */
export function programCards(store: Store): HubPlugin {
  return {
    name: "programs",
    async resolveProgram(id) {
      const program = await store.getProgram(id);
      if (!program) return null;
      // An ended program is never sent as a card: the user could not apply.
      if (!isOpen(program)) throw badRequest("console.err.programEnded", "program_ended");
      return toSnapshot(program);
    },
  };
}
