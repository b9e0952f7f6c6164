/**
 * Attachments as a hub plugin: a `send {file}` carries a file only its uploader put in that room,
 * and a deleted message's file is removed from the FileStore.
 */
import type { HubPlugin } from "@/lib/hub/plugins.ts";
import type { FileStore } from "./types.ts";
import { readMeta, removeFile, toFileRef } from "./files.ts";
import { log } from "@/lib/ops/log.ts";

/**
 * @example
 * new Hub({ store, bus, config, plugins: [attachments(files)] });
 */
export function attachments(files: FileStore): HubPlugin {
  return {
    name: "attachments",
    async resolveFile(id, room, session) {
      const meta = await readMeta(files, room, id);
      if (!meta) return null;
      return meta.uploader === session.userId ? toFileRef(meta) : "forbidden";
    },
    async fileRemoved(room, file) {
      await removeFile(files, room, file.id);
      log.info("files.removed", { room, file: file.id });
    },
  };
}
