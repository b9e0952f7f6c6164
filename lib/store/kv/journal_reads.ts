/**
 * Handles of a KV file beside its journal. A worker's: its reads of a room wait until KV holds every
 * message acked in that room (journal_slots.ts; at once when the room is quiet), and its changes and
 * imports, which move a room's counter, run holding the room at the writer (journal_append.ts,
 * `lock`). A handle of its own opened while a writer runs: no messages (`besideWriter`).
 */
import type { Store } from "../types.ts";
import { StoreUnavailableError } from "../errors.ts";
import type { RemoteAppender } from "./writer.ts";

/**
 * @example
 * const store = seeJournal(kvStore, remoteAppender(port));
 */
export function seeJournal(store: Store, remote: RemoteAppender): Store {
  const { getRoom, listMessages, getMessage, listEvents, matchMessages, changeMessage, importMessages } =
    store;
  return {
    ...store,
    getRoom: async (id) => (await remote.synced(id), await getRoom(id)),
    listMessages: async (room, options) => (await remote.synced(room), await listMessages(room, options)),
    getMessage: async (room, id) => (await remote.synced(room), await getMessage(room, id)),
    listEvents: async (room, options) => (await remote.synced(room), await listEvents(room, options)),
    matchMessages: async (rooms, q, perRoom) => (
      await Promise.all(rooms.map((r) => remote.synced(r))), await matchMessages(rooms, q, perRoom)
    ),
    changeMessage: (input) => remote.holding(input.room, () => changeMessage(input)),
    importMessages: importMessages &&
      ((inputs) =>
        inputs.length === 0
          ? importMessages(inputs)
          : remote.holding(inputs[0].room, () => importMessages(inputs))),
  };
}

/**
 * A handle opened while a writer holds the file (`deno task counselor` beside `deno task start`):
 * everything but messages, which only the writer may add or change. Its reads of messages may lag
 * the journal.
 *
 * @example
 * const store = besideWriter(kvStore, "./data/parley.kv");
 */
export function besideWriter(store: Store, path: string): Store {
  const refuse = () =>
    Promise.reject(
      new StoreUnavailableError(`${path} is served by a running Parley server: messages go through it`),
    );
  return { ...store, appendMessage: refuse, changeMessage: refuse, importMessages: refuse };
}
