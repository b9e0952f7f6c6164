/** Scenarios (a) fan-out, (b) many rooms, (c) idle, run against one started server; and their helpers. */
import type { LoadGen } from "./loadgen.ts";
import { cpuPercent, sample } from "./proc.ts";
import type { Target } from "./protocols.ts";
import type { Running } from "./servers.ts";
import { createRooms, guestCookies } from "./parley.ts";

export interface Sizes {
  fanoutReaders: number;
  fanoutSenders: number;
  stepSeconds: number;
  rates: number[];
  rooms: number;
  roomSize: number;
  roomsSeconds: number;
  idle: number;
  /** Small rooms (loops.ts): how many rooms of `smallReaders` readers and one sender. */
  smallRooms: number;
  smallReaders: number;
  /** Closed loop: messages each sender keeps in flight, and how long it runs. */
  inFlight: number;
  loopSeconds: number;
  /** Open loop for latency: messages per second over all the small rooms, and for how long. */
  latencyRate: number;
  latencySeconds: number;
  /** One room of `oneRoomReaders` readers and one sender, `oneRoomMessages` messages in a closed loop. */
  oneRoomReaders: number;
  oneRoomMessages: number;
}

export interface Step {
  rate: number;
  deliveriesPerSec: number;
  delivered: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
  cpu: number;
  /** CPU of the client processes, to show when the generator itself is the bottleneck. */
  clientCpu: number;
  /** Disconnects during the step: close code → count (1006: dropped without a close frame). */
  closes: Record<string, number>;
}

export interface Ctx {
  server: Running;
  gen: LoadGen;
  sizes: Sizes;
  log: (line: string) => void;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** " closes 3012×4, 1006×1" for a step's log line, or "" when nothing was cut off. */
export function describeCloses(closes: Record<string, number>): string {
  const parts = Object.entries(closes).map(([code, n]) => `${code}×${n}`);
  return parts.length ? `, disconnects ${parts.join(" ")}` : "";
}
const P99_LIMIT_MS = 100;
const MIN_DELIVERED = 0.95;

export async function targetOf(server: Running): Promise<Target> {
  const target: Target = { kind: server.kind, base: server.base };
  if (server.kind === "parley") target.cookies = await guestCookies(server.base, 20);
  return target;
}

export async function roomIds(target: Target, count: number): Promise<string[]> {
  if (target.kind !== "parley") return Array.from({ length: count }, (_, i) => `bench${i}`);
  return await createRooms(target.base, target.cookies![0], count);
}

/**
 * Splits connections over the client processes in contiguous runs of `per`; `isSender` marks the
 * connections (by overall index) whose receipts are echoes, not deliveries.
 */
export async function openAll(
  ctx: Ctx,
  target: Target,
  rooms: string[][],
  concurrency = 50,
  isSender?: (index: number) => boolean,
) {
  const n = ctx.gen.size, per = Math.ceil(rooms.length / n);
  const replies = await ctx.gen.all((i) => ({
    op: "open",
    target,
    rooms: rooms.slice(i * per, (i + 1) * per),
    concurrency,
    firstIndex: i * per,
    senders: isSender
      ? rooms.slice(i * per, (i + 1) * per).map((_, k) => k).filter((k) => isSender(i * per + k))
      : [],
  }));
  const opened = replies.reduce((s, r) => s + r.opened, 0);
  const ms = Math.max(...replies.map((r) => r.ms));
  const error = replies.find((r) => r.error)?.error as string | undefined;
  return { opened, per, connsPerSec: (opened / ms) * 1000, error };
}

export async function measure(
  ctx: Ctx,
  senders: (i: number) => { conn: number; room: string }[],
  rate: number[],
  seconds: number,
  fanout: number,
): Promise<Step> {
  await ctx.gen.all(() => ({ op: "reset" }));
  const before = sample(ctx.server.pid), clientsBefore = ctx.gen.pids.map(sample);
  await ctx.gen.all((i) => ({ op: "send", senders: senders(i), rate: rate[i] }));
  await sleep(seconds * 1000);
  await ctx.gen.all(() => ({ op: "stop" }));
  const after = sample(ctx.server.pid), clientsAfter = ctx.gen.pids.map(sample);
  await sleep(1000); // let in-flight messages land so their latency counts
  const t = await ctx.gen.totals();
  return {
    rate: rate.reduce((a, b) => a + b, 0),
    deliveriesPerSec: t.received / seconds,
    delivered: t.received,
    expected: t.sent * fanout,
    p50: t.hist.quantile(0.5),
    p99: t.hist.quantile(0.99),
    max: t.hist.max,
    cpu: cpuPercent(before, after),
    clientCpu: clientsBefore.reduce((sum, b, i) => sum + cpuPercent(b, clientsAfter[i]), 0),
    closes: t.closes,
  };
}

const passes = (s: Step) => s.p99 <= P99_LIMIT_MS && s.delivered >= MIN_DELIVERED * s.expected;

/** (a) One room, many readers; the send rate rises until p99 passes 100 ms or deliveries fall behind. */
export async function fanout(ctx: Ctx) {
  const { fanoutReaders: readers, fanoutSenders, stepSeconds, rates } = ctx.sizes;
  const target = await targetOf(ctx.server);
  const [room] = await roomIds(target, 1);
  const open = await openAll(ctx, target, Array.from({ length: readers }, () => [room]));
  if (open.opened < readers) throw new Error(`opened ${open.opened}/${readers}: ${open.error}`);
  await sleep(2000); // joins and presence settle
  const perProc = Math.max(1, Math.floor(fanoutSenders / ctx.gen.size));
  const senders = () => Array.from({ length: perProc }, (_, k) => ({ conn: k, room }));
  const split = (rate: number) => Array.from({ length: ctx.gen.size }, () => rate / ctx.gen.size);
  const steps: Step[] = [];
  for (const rate of rates) {
    let step = await measure(ctx, senders, split(rate), stepSeconds, readers);
    // One bad step may be a pause (GC, scheduler); "sustained" means it fails twice.
    if (!passes(step)) step = await measure(ctx, senders, split(rate), stepSeconds, readers);
    steps.push(step);
    ctx.log(
      `  fanout ${rate} msg/s → ${Math.round(step.deliveriesPerSec)} deliveries/s, p99 ${
        step.p99.toFixed(1)
      } ms, ` +
        `${((100 * step.delivered) / Math.max(1, step.expected)).toFixed(0)}% delivered, cpu ${
          step.cpu.toFixed(0)
        }% (clients ${step.clientCpu.toFixed(0)}%)${describeCloses(step.closes)}`,
    );
    if (!passes(step)) break;
    await sleep(500);
  }
  // A server that fails the first step is tried below it, so its table row still has a rate.
  for (const rate of [rates[0] / 2, rates[0] / 5, rates[0] / 10]) {
    if (steps.some(passes)) break;
    await sleep(1000);
    const step = await measure(ctx, senders, split(rate), stepSeconds, readers);
    steps.push(step);
    ctx.log(`  fanout ${rate} msg/s (below the first step) → p99 ${step.p99.toFixed(1)} ms`);
  }
  const good = steps.filter(passes);
  const best = good.reduce<Step | undefined>(
    (b, s) => (!b || s.deliveriesPerSec > b.deliveriesPerSec ? s : b),
    undefined,
  );
  let half: Step | undefined;
  if (best) {
    await sleep(1000);
    half = await measure(ctx, senders, split(best.rate / 2), stepSeconds, readers);
    ctx.log(
      `  fanout half load ${best.rate / 2} msg/s → p99 ${half.p99.toFixed(1)} ms${
        describeCloses(half.closes)
      }`,
    );
  }
  await ctx.gen.all(() => ({ op: "close" }));
  return { readers, senders: perProc * ctx.gen.size, best, half, steps, connsPerSec: open.connsPerSec };
}

/** (b) Many small rooms, each member sending every 5 s. */
export async function rooms(ctx: Ctx) {
  const { rooms: count, roomSize, roomsSeconds } = ctx.sizes;
  const target = await targetOf(ctx.server);
  const ids = await roomIds(target, count);
  const assignment = Array.from({ length: count * roomSize }, (_, i) => [ids[Math.floor(i / roomSize)]]);
  const open = await openAll(ctx, target, assignment);
  if (open.opened < assignment.length) {
    throw new Error(`opened ${open.opened}/${assignment.length}: ${open.error}`);
  }
  await sleep(2000);
  const senders = (i: number) =>
    assignment.slice(i * open.per, (i + 1) * open.per).map((r, k) => ({ conn: k, room: r[0] }));
  const rates = Array.from({ length: ctx.gen.size }, (_, i) => senders(i).length / 5);
  const step = await measure(ctx, senders, rates, roomsSeconds, roomSize);
  const rss = sample(ctx.server.pid).rss;
  ctx.log(
    `  rooms ${count}×${roomSize} → ${Math.round(step.deliveriesPerSec)} deliveries/s ` +
      `(${((100 * step.delivered) / Math.max(1, step.expected)).toFixed(0)}% of expected), p99 ${
        step.p99.toFixed(1)
      } ms${describeCloses(step.closes)}`,
  );
  await ctx.gen.all(() => ({ op: "close" }));
  return { rooms: count, roomSize, ...step, rssMiB: rss / 2 ** 20, connsPerSec: open.connsPerSec };
}

/** (c) As many idle connections as the machine allows, up to the size asked: memory per connection. */
export async function idle(ctx: Ctx) {
  const target = await targetOf(ctx.server);
  await sleep(500);
  const before = sample(ctx.server.pid);
  const open = await openAll(ctx, target, Array.from({ length: ctx.sizes.idle }, () => []), 64);
  await sleep(3000); // let the server finish the handshakes' allocations
  const after = sample(ctx.server.pid);
  const { closes } = await ctx.gen.totals();
  ctx.log(
    `  idle ${open.opened} connections, ${
      ((after.rss - before.rss) / open.opened / 1024).toFixed(1)
    } KiB each` +
      (open.error ? ` (stopped: ${open.error})` : "") + describeCloses(closes),
  );
  await ctx.gen.all(() => ({ op: "close" }));
  return {
    asked: ctx.sizes.idle,
    opened: open.opened,
    stoppedBy: open.error,
    connsPerSec: open.connsPerSec,
    kibPerConn: (after.rss - before.rss) / Math.max(1, open.opened) / 1024,
    rssBaseMiB: before.rss / 2 ** 20,
    rssMiB: after.rss / 2 ** 20,
    closes,
  };
}
