/**
 * Rewrites docs/benchmarks.md from one run's JSON:
 * `deno run -A scripts/bench/render.ts docs/bench/2026-12-01.json` (default: the newest in docs/bench/).
 */
import { benchmarksPage } from "./docs_page.ts";
import type { Results } from "./report.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** The newest run in docs/bench/ (file names start with the date, so the last in order). */
export function newestRun(dir = `${ROOT}docs/bench`): string | undefined {
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".json")).sort();
  return names.length ? `docs/bench/${names[names.length - 1]}` : undefined;
}

/** Writes the page for the run at `json` (a path relative to the repository) and returns the page's path. */
export function renderDocs(json: string): string {
  const results: Results = JSON.parse(Deno.readTextFileSync(`${ROOT}${json}`));
  const page = `${ROOT}docs/benchmarks.md`;
  Deno.writeTextFileSync(page, benchmarksPage(results, json));
  // The page and the JSON are checked by `deno fmt --check` like every other file.
  new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", json, "docs/benchmarks.md"], cwd: ROOT })
    .outputSync();
  return page;
}

if (import.meta.main) {
  const json = Deno.args[0]?.replace(ROOT, "") ?? newestRun();
  if (!json) {
    console.error("render: no run given and none in docs/bench/");
    Deno.exit(1);
  }
  console.log(`wrote ${renderDocs(json)} from ${json}`);
}
