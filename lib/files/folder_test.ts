import { fileStoreContract } from "./contract.ts";
import { openFolderStore } from "./folder.ts";

const root = await Deno.makeTempDir({ prefix: "parley_files_" });
globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));

fileStoreContract("folder", () => openFolderStore(root));
