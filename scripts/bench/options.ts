/** The bench's command line and the sizes of a full and of a `--quick` run. */
import { SERVER_KINDS, type ServerKind } from "./protocols.ts";
import type { Sizes } from "./scenarios.ts";

/** Scenarios that run against every server, in order; `history` and `pages` are Parley's alone. */
export const SCENARIOS = ["smallrooms", "oneroom", "fanout", "rooms", "idle", "history", "pages"] as const;
export type Scenario = typeof SCENARIOS[number];

export interface Options {
  quick: boolean;
  only: ServerKind[];
  scenarios: Scenario[];
  clients: number;
  /** Write the run to docs/bench/<date>.json and re-render docs/benchmarks.md from it. */
  save: boolean;
  json?: string;
  md?: string;
  historySize: number;
  sizes: Sizes;
}

const FANOUT_RATES = [100, 200, 300, 400, 550, 700, 850, 1000, 1250, 1500, 2000, 3000, 4000, 6000];

export const FULL: Sizes = {
  fanoutReaders: 1000,
  fanoutSenders: 10,
  stepSeconds: 3,
  rates: FANOUT_RATES,
  rooms: 500,
  roomSize: 10,
  roomsSeconds: 8,
  idle: 10_000,
  smallRooms: 100,
  smallReaders: 5,
  inFlight: 8,
  loopSeconds: 8,
  latencyRate: 200,
  latencySeconds: 8,
  oneRoomReaders: 10,
  oneRoomMessages: 5000,
};

export const QUICK: Sizes = {
  ...FULL,
  fanoutReaders: 200,
  fanoutSenders: 4,
  stepSeconds: 2,
  rates: FANOUT_RATES.slice(0, 5),
  rooms: 50,
  roomsSeconds: 3,
  idle: 1000,
  loopSeconds: 3,
  latencySeconds: 3,
  oneRoomMessages: 1000,
};

function list<T extends string>(value: string | undefined, all: readonly T[], what: string): T[] {
  if (value === undefined) return [...all];
  const names = value.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !all.includes(n as T));
  if (unknown.length) throw new Error(`unknown ${what}: ${unknown.join(", ")} (known: ${all.join(", ")})`);
  return names as T[];
}

/**
 * Reads `--quick --only=parley,centrifugo --scenario=smallrooms,oneroom --clients=2 --save
 * --json=FILE --md=FILE --history-size=N`.
 *
 * @example
 * parseOptions(["--quick", "--only=parley"]).only // ["parley"]
 */
export function parseOptions(args: string[]): Options {
  const flags: Record<string, string> = {};
  for (const arg of args) {
    const [k, ...v] = arg.replace(/^--/, "").split("=");
    flags[k] = v.length ? v.join("=") : "true";
  }
  const known = ["quick", "only", "scenario", "clients", "save", "json", "md", "history-size"];
  const unknown = Object.keys(flags).filter((k) => !known.includes(k));
  if (unknown.length) {
    throw new Error(`unknown flag: --${unknown.join(", --")} (known: --${known.join(", --")})`);
  }
  const quick = flags.quick === "true";
  const clients = Number(flags.clients ?? 2);
  if (!Number.isInteger(clients) || clients < 1) throw new Error(`--clients must be a whole number ≥ 1`);
  const historySize = Number(flags["history-size"] ?? (quick ? 10_000 : 1_000_000));
  if (!Number.isInteger(historySize) || historySize < 200) throw new Error(`--history-size must be ≥ 200`);
  return {
    quick,
    only: list(flags.only, SERVER_KINDS, "server"),
    scenarios: list(flags.scenario, SCENARIOS, "scenario"),
    clients,
    save: flags.save === "true",
    json: flags.json,
    md: flags.md,
    historySize,
    sizes: quick ? QUICK : FULL,
  };
}
