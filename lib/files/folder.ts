/** Attachments in a folder on this machine (`FILES_PATH`, default `./data/files`). */
import { assertKey, type FileStore } from "./types.ts";

/**
 * @example
 * const files = await openFolderStore("./data/files");
 * await files.put("room/file", bytes);
 */
export function openFolderStore(root: string): Promise<FileStore> {
  // The folder is made by the first upload, not here: a read-only deployment (Deno Deploy) that
  // never receives a file must start without writing anything.
  const path = (key: string) => {
    assertKey(key);
    return `${root}/${key}`;
  };
  const store: FileStore = {
    kind: "folder",
    async put(key, data) {
      const file = path(key);
      await Deno.mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true });
      // Written aside and renamed: a reader never sees half a file, a crash never leaves one.
      const temp = `${file}.${crypto.randomUUID()}.part`;
      try {
        await Deno.writeFile(temp, data);
        await Deno.rename(temp, file);
      } catch (error) {
        await Deno.remove(temp).catch(() => {});
        throw error;
      }
    },
    async get(key) {
      try {
        const file = await Deno.open(path(key), { read: true });
        const { size } = await file.stat();
        return { body: file.readable, size };
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return null;
        throw error;
      }
    },
    async delete(key) {
      await Deno.remove(path(key)).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
    },
    close: () => Promise.resolve(),
  };
  return Promise.resolve(store);
}
