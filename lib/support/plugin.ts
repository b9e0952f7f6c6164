/** Support plugged into the hub: messages stored in support rooms drive the counselors' queue. */
import type { Store } from "@/lib/store/types.ts";
import type { HubPlugin, PluginHost } from "@/lib/hub/plugins.ts";
import { onSupportMessage } from "@/lib/support/support.ts";
import { indexConversation } from "@/lib/support/search_index.ts";

/**
 * The support queue's hub plugin. The hub asks `watches` once per room, so chat rooms never reach it.
 *
 * @example
 * new Hub({ store, bus, config, plugins: [supportQueue(store)] });
 */
export function supportQueue(store: Store, isAvailable?: (counselorId: string) => boolean): HubPlugin {
  let hub: PluginHost | undefined;
  return {
    name: "support",
    setup(host) {
      hub = host;
    },
    watches: (room) => room.visibility === "support",
    async onMessageStored(message) {
      if (hub) await onSupportMessage({ store, hub, isAvailable }, message);
    },
    // An edit's new text is searchable at once, not from the conversation's next message on;
    // reactions and deletes bring no new text.
    onMessageChanged: (message, op) => op === "edit" ? indexConversation(store, message.room) : undefined,
  };
}
