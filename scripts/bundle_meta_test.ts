import { deepEqual } from "node:assert/strict";
import { browserStrings, bundleMeta, closure, staticImports } from "./bundle_meta.ts";

Deno.test("[build] bundle meta - static imports followed, dynamic ones left to the page", () => {
  const imports = staticImports({
    "entry.en.js": 'import{a as b}from"./chunk-A.js";const l={X:()=>import("./X-1.js")};',
    "chunk-A.js": 'import"./chunk-B.js";export*from"./chunk-C.js";',
    "chunk-B.js": 'import"./chunk-A.js";',
  });
  deepEqual(imports["entry.en.js"], ["chunk-A.js"]);
  deepEqual(closure("entry.en.js", imports), ["entry.en.js", "chunk-A.js", "chunk-B.js", "chunk-C.js"]);
});

Deno.test("[build] bundle meta - the browser gets the strings its modules name, no others", () => {
  const catalog = {
    "chat.send": "Send",
    "common.ok": "OK",
    "errors.code.network": "Offline",
    "errors.bad_name": "Bad",
    "support.state.waiting": "Waiting",
    "room.members.one": "{count} member",
    "room.members.other": "{count} members",
    "auth.title": "Log in",
  };
  const sources =
    't("chat.send"); pageT()("errors.code.network"); t(`support.state.${s}`); t("room.members", { count })';
  deepEqual(Object.keys(browserStrings(catalog, sources)), [
    "chat.send",
    "common.ok",
    "errors.code.network",
    "support.state.waiting",
    "room.members.one",
    "room.members.other",
  ]);
});

Deno.test("[build] bundle meta - each island's chunk and what it needs, from real files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const write = (name: string, text: string) => Deno.writeTextFile(`${dir}/${name}`, text);
    await write("entry.en.js", 'import"./chunk-AAAA.js";const l={Pane:()=>import("./Pane-BBBB.js")};');
    await write("chunk-AAAA.js", "export const a=1;");
    await write("Pane-BBBB.js", 'import{a}from"./chunk-AAAA.js";export default a;');
    await write("PaneExtra-CCCC.js", "export default 2;");
    await write("widget.js", "(()=>{})();");
    const meta = await bundleMeta(new URL(`file://${dir}/`), ["en"], ["Pane", "PaneExtra"]);
    deepEqual(meta.entries, { en: ["entry.en.js", "chunk-AAAA.js"] });
    deepEqual(meta.islands, { Pane: ["Pane-BBBB.js", "chunk-AAAA.js"], PaneExtra: ["PaneExtra-CCCC.js"] });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
