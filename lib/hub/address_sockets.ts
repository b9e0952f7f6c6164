/**
 * WebSockets per client address, counted over every isolate of this process (MAX_SOCKETS_PER_ADDRESS).
 *
 * Why per process: under `deno serve`, Deno's native WebSocket reads a whole message (up to 64 MiB)
 * into memory before the app can look at its size, so what one address can make the server hold is
 * about its open sockets times one such message (measured: ~107 MiB of RSS per socket,
 * `scripts/frame_memory.ts`). The ws transport (`deno task start`) refuses such a frame from its
 * header, so there a socket costs at most MAX_FRAME_BYTES; the bound still caps sockets.
 * Memory is the process's, shared by its isolates, so the count is too: each isolate tells the others
 * of the same process its own counts on the bus (other processes' counts are ignored: their memory
 * is theirs). Addresses travel hashed.
 *
 * The bus is quick but not instant: sockets opened at the same moment on two isolates would each
 * see the other's count too late. So each isolate also keeps to its share of the bound,
 * `max(1, floor(max / isolates))`, which holds strictly whatever the timing; the bus count stops an
 * address that spreads its sockets unevenly.
 */
import type { Bus, BusEvent } from "@/lib/bus/types.ts";

/** FNV-1a, 32 bits, as hex: enough to tell addresses apart in one table, and no address on the wire. */
function hashOf(address: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < address.length; i++) h = Math.imul(h ^ address.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

/** Isolates of this process: `lib/ops/server.ts`'s workers or `deno serve --parallel`'s (DENO_JOBS, else one per core). */
function isolateCount(): number {
  let jobs = 0;
  try {
    jobs = Number(Deno.env.get("DENO_JOBS"));
  } catch { /* no env permission */ }
  return Math.max(1, jobs || navigator.hardwareConcurrency || 1);
}

function processId(): string {
  let host = "";
  try {
    host = Deno.hostname();
  } catch { /* the pid alone still tells the isolates of one process together */ }
  return `${host}:${Deno.pid}`;
}

export class AddressSockets {
  readonly #node = crypto.randomUUID().slice(0, 8);
  readonly #process = processId();
  readonly #local = new Map<string, number>();
  /** node → address hash → count, for the other isolates of this process. */
  readonly #others = new Map<string, Map<string, number>>();
  readonly #off: () => void;

  constructor(readonly bus: Bus) {
    this.#off = bus.subscribe((event) => this.#onBus(event));
    // A new isolate asks; the others answer with their tables (a restart of one isolate loses nothing).
    bus.publish({ t: "address-sockets", node: this.#node, process: this.#process, counts: {}, ask: true });
  }

  /**
   * True when `address` may open one more socket: below `max` over every isolate of the process,
   * and below this isolate's share of it.
   *
   * @example
   * if (!table.admits(address, config.maxSocketsPerAddress)) refuse();
   */
  admits(address: string, max: number, isolates = isolateCount()): boolean {
    const local = this.#local.get(hashOf(address)) ?? 0;
    return local < Math.max(1, Math.floor(max / isolates)) && this.count(address) < max;
  }

  /** Sockets `address` holds on every isolate of this process. */
  count(address: string): number {
    const key = hashOf(address);
    let n = this.#local.get(key) ?? 0;
    for (const table of this.#others.values()) n += table.get(key) ?? 0;
    return n;
  }

  /**
   * Counts a socket for `address`; the returned function uncounts it (call it once, on close).
   *
   * @example
   * const release = table.add(address); socket.addEventListener("close", release);
   */
  add(address: string): () => void {
    const key = hashOf(address);
    this.#set(key, (this.#local.get(key) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#set(key, (this.#local.get(key) ?? 1) - 1);
    };
  }

  close(): void {
    this.#off();
  }

  #set(key: string, n: number): void {
    if (n > 0) this.#local.set(key, n);
    else this.#local.delete(key);
    this.bus.publish({
      t: "address-sockets",
      node: this.#node,
      process: this.#process,
      counts: { [key]: n },
    });
  }

  #onBus(event: BusEvent): void {
    if (event.t !== "address-sockets" || event.process !== this.#process || event.node === this.#node) return;
    if (event.ask) {
      this.bus.publish({
        t: "address-sockets",
        node: this.#node,
        process: this.#process,
        counts: Object.fromEntries(this.#local),
        full: true,
      });
    }
    let table = this.#others.get(event.node);
    if (!table || event.full) this.#others.set(event.node, table = new Map());
    for (const [key, n] of Object.entries(event.counts)) {
      if (n > 0) table.set(key, n);
      else table.delete(key);
    }
  }
}

const tables = new WeakMap<Bus, AddressSockets>();

/**
 * The one table of a bus (one per isolate).
 *
 * @example
 * if (!addressSockets(bus).admits(address, config.maxSocketsPerAddress)) refuse();
 */
export function addressSockets(bus: Bus): AddressSockets {
  let table = tables.get(bus);
  if (!table) tables.set(bus, table = new AddressSockets(bus));
  return table;
}
