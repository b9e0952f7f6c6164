/**
 * `deno task programs:load [file]`: loads a program catalog (a JSON array of records, default
 * scripts/data/programs.json) into the store the server uses (MONGODB_URI, else KV_PATH). Every
 * record is validated; bad ones are reported with their line and skipped, and the exit code is 1.
 * Loading is idempotent: a second run of the same file reports "0 changed".
 */
import type { Store } from "@/lib/store/types.ts";
import { validateProgram } from "@/lib/programs/programs.ts";

export interface CatalogRecord {
  /** 1-based line where the record starts in the file. */
  line: number;
  value: unknown;
}

export interface LoadReport {
  changed: number;
  unchanged: number;
  bad: { line: number; error: string }[];
}

/** Line (1-based) of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The line where each top-level element of a JSON array starts: a small scan that skips strings and
 * counts bracket depth, so any formatting of the file works.
 */
function elementLines(text: string): number[] {
  const lines: number[] = [];
  let depth = 0;
  let line = 1;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\n") line++;
    if (/\s/.test(ch)) continue;
    if (depth === 1 && expectValue && ch !== "]") {
      lines.push(line);
      expectValue = false;
    }
    if (ch === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if (ch === "[" || ch === "{") {
      depth++;
      if (depth === 1) expectValue = true;
    } else if (ch === "]" || ch === "}") depth--;
    else if (ch === "," && depth === 1) expectValue = true;
  }
  return lines;
}

/**
 * Parses a catalog file into records with their line numbers; throws an Error naming the line when
 * the file is not a JSON array.
 *
 * @example
 * parseCatalog('[\n{"id":"a"}\n]'); // [{ line: 2, value: { id: "a" } }]
 */
export function parseCatalog(text: string): CatalogRecord[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const position = /position (\d+)/.exec(message);
    const where = position ? `line ${lineAt(text, Number(position[1]))}: ` : "";
    throw new Error(`${where}not valid JSON (${message})`);
  }
  if (!Array.isArray(data)) throw new Error("line 1: the catalog must be a JSON array of programs");
  const lines = elementLines(text);
  return data.map((value, i) => ({ line: lines[i] ?? 0, value }));
}

/**
 * Validates every record and upserts the good ones; duplicates of an id in one file are bad records.
 *
 * @example
 * const report = await loadCatalog(store, await Deno.readTextFile(file));
 */
export async function loadCatalog(store: Store, text: string, now = new Date()): Promise<LoadReport> {
  const report: LoadReport = { changed: 0, unchanged: 0, bad: [] };
  const seen = new Map<string, number>();
  const good = [];
  for (const record of parseCatalog(text)) {
    const result = validateProgram(record.value, now);
    if (!result.ok) {
      report.bad.push({ line: record.line, error: result.error });
      continue;
    }
    const first = seen.get(result.program.id);
    if (first !== undefined) {
      report.bad.push({
        line: record.line,
        error: `id: "${result.program.id}" is already used on line ${first}`,
      });
      continue;
    }
    seen.set(result.program.id, record.line);
    good.push(result.program);
  }
  for (const program of good) {
    const { changed } = await store.upsertProgram(program);
    if (changed) report.changed++;
    else report.unchanged++;
  }
  return report;
}

async function main(): Promise<number> {
  const { loadConfig } = await import("@/lib/ops/config.ts");
  const { openStore } = await import("@/lib/store/mod.ts");
  const file = Deno.args[0] ?? new URL("./data/programs.json", import.meta.url).pathname;
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err) {
    console.error(`Cannot read ${file}: ${err instanceof Error ? err.message : err}`);
    return 1;
  }
  let store: Store;
  try {
    store = await openStore(loadConfig());
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 1;
  }
  try {
    const report = await loadCatalog(store, text);
    for (const bad of report.bad) console.error(`${file}:${bad.line}: ${bad.error}`);
    console.log(
      `${report.changed} changed, ${report.unchanged} unchanged, ${report.bad.length} bad (${store.kind} store)`,
    );
    return report.bad.length > 0 ? 1 : 0;
  } catch (err) {
    console.error(`${file}: ${err instanceof Error ? err.message : err}`);
    return 1;
  } finally {
    await store.close();
  }
}

if (import.meta.main) Deno.exit(await main());
