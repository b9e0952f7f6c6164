import { equal } from "node:assert/strict";
import { newestRun } from "./render.ts";

Deno.test("[bench] render - the day's full run is newer than its quick and partial runs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (
      const name of ["2026-11-30.json", "2026-12-01.json", "2026-12-01-quick.json", "2026-12-01-partial.json"]
    ) {
      await Deno.writeTextFile(`${dir}/${name}`, "{}");
    }
    await Deno.writeTextFile(`${dir}/notes.md`, "");
    equal(newestRun(dir), "docs/bench/2026-12-01.json");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
