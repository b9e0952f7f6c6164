/**
 * Closed-loop scenarios, where chat actually happens: (e) many small rooms, each with one sender that
 * keeps a few messages in flight, and (f) one room of ten. A sender is a member of its room and sends
 * its next message when one of its own comes back, so the server's speed sets the pace.
 */
import { cpuPercent, sample } from "./proc.ts";
import {
  type Ctx,
  describeCloses,
  measure,
  openAll,
  roomIds,
  sleep,
  type Step,
  targetOf,
} from "./scenarios.ts";
import type { Sender } from "./client.ts";
import type { Totals } from "./loadgen.ts";

export interface LoopResult {
  deliveriesPerSec: number;
  /** Messages per second the senders got back. */
  messagesPerSec: number;
  seconds: number;
  /** Deliveries counted once the loop drained, over the sends times the readers. */
  deliveredPct: number;
  p50: number;
  p99: number;
  cpu: number;
  clientCpu: number;
  closes: Record<string, number>;
}

/** Connection layout of rooms of one sender followed by `readers` readers; the sender comes first. */
export function layout(ids: string[], readers: number) {
  const per = readers + 1;
  const assignment = ids.flatMap((id) => Array.from({ length: per }, () => [id]));
  return { assignment, isSender: (i: number) => i % per === 0 };
}

/** The senders each client process holds (by its local connection index). */
export function sendersOf(assignment: string[][], isSender: (i: number) => boolean, procs: number) {
  const per = Math.ceil(assignment.length / procs);
  return (p: number): Sender[] =>
    assignment.slice(p * per, (p + 1) * per).flatMap((r, k) =>
      isSender(p * per + k) ? [{ conn: k, room: r[0] }] : []
    );
}

/** Runs a closed loop until `done` says so; deliveries/s from the counts at the moment it stopped. */
async function closedLoop(
  ctx: Ctx,
  senders: (p: number) => Sender[],
  readers: number,
  done: () => Promise<boolean>,
  total?: number,
): Promise<LoopResult> {
  await ctx.gen.all(() => ({ op: "reset" }));
  const before = sample(ctx.server.pid), clientsBefore = ctx.gen.pids.map(sample);
  const began = performance.timeOrigin + performance.now();
  const everyone = Array.from({ length: ctx.gen.size }, (_, p) => senders(p).length).reduce((a, b) => a + b);
  await ctx.gen.all((p) => ({
    op: "loop",
    senders: senders(p),
    inFlight: ctx.sizes.inFlight,
    total: total === undefined ? undefined : Math.ceil((total * senders(p).length) / everyone),
  }));
  while (!(await done())) await sleep(50);
  const stops = await ctx.gen.all(() => ({ op: "stop" }));
  const after = sample(ctx.server.pid), clientsAfter = ctx.gen.pids.map(sample);
  const seconds = (Math.max(...stops.map((s) => s.at)) - began) / 1000;
  await sleep(1000); // in-flight messages land, so the delivered share is about what was sent
  const t: Totals = await ctx.gen.totals();
  // With a fixed total the loop ends when the last reader has its copy: time it to that delivery.
  const span = total === undefined ? seconds : Math.max(0.001, (t.lastAt - began) / 1000);
  const atStop = stops.reduce((s, r) => s + r.received, 0);
  return {
    deliveriesPerSec: (total === undefined ? atStop : t.received) / span,
    messagesPerSec: (total === undefined ? stops.reduce((s, r) => s + r.echoed, 0) : t.echoed) / span,
    seconds: span,
    deliveredPct: (100 * t.received) / Math.max(1, t.sent * readers),
    p50: t.hist.quantile(0.5),
    p99: t.hist.quantile(0.99),
    cpu: cpuPercent(before, after),
    clientCpu: clientsBefore.reduce((sum, b, i) => sum + cpuPercent(b, clientsAfter[i]), 0),
    closes: t.closes,
  };
}

const describe = (r: LoopResult) =>
  `${Math.round(r.deliveriesPerSec)} deliveries/s (${Math.round(r.messagesPerSec)} msg/s), ` +
  `${r.deliveredPct.toFixed(0)}% delivered, p50/p99 ${r.p50.toFixed(1)}/${r.p99.toFixed(1)} ms, ` +
  `cpu ${r.cpu.toFixed(0)}% (clients ${r.clientCpu.toFixed(0)}%)${describeCloses(r.closes)}`;

/** (e) `smallRooms` rooms × (`smallReaders` readers + 1 sender): closed-loop throughput, then latency. */
export async function smallRooms(ctx: Ctx) {
  const { smallRooms: count, smallReaders: readers, loopSeconds, latencyRate, latencySeconds } = ctx.sizes;
  const target = await targetOf(ctx.server);
  const ids = await roomIds(target, count);
  const { assignment, isSender } = layout(ids, readers);
  const open = await openAll(ctx, target, assignment, 50, isSender);
  if (open.opened < assignment.length) {
    throw new Error(`opened ${open.opened}/${assignment.length}: ${open.error}`);
  }
  await sleep(2000); // joins and presence settle
  const senders = sendersOf(assignment, isSender, ctx.gen.size);
  const until = performance.now() + loopSeconds * 1000;
  const loop = await closedLoop(ctx, senders, readers, () => Promise.resolve(performance.now() >= until));
  ctx.log(
    `  small rooms ${count}×(${readers}+1), closed loop ${ctx.sizes.inFlight} in flight: ${describe(loop)}`,
  );
  await sleep(1000);
  const share = (p: number) => (latencyRate * senders(p).length) / count;
  const rates = Array.from({ length: ctx.gen.size }, (_, p) => share(p));
  const latency: Step = await measure(ctx, senders, rates, latencySeconds, readers);
  ctx.log(
    `  small rooms at ${latencyRate} msg/s: p50/p99 ${latency.p50.toFixed(1)}/${
      latency.p99.toFixed(1)
    } ms, ` +
      `${((100 * latency.delivered) / Math.max(1, latency.expected)).toFixed(0)}% delivered, cpu ${
        latency.cpu.toFixed(0)
      }%${describeCloses(latency.closes)}`,
  );
  await ctx.gen.all(() => ({ op: "close" }));
  return {
    rooms: count,
    readers,
    inFlight: ctx.sizes.inFlight,
    loop,
    latency,
    connsPerSec: open.connsPerSec,
  };
}

/** (f) One room of `oneRoomReaders` readers and one sender, `oneRoomMessages` messages, closed loop. */
export async function oneRoom(ctx: Ctx) {
  const { oneRoomReaders: readers, oneRoomMessages: messages } = ctx.sizes;
  const target = await targetOf(ctx.server);
  const ids = await roomIds(target, 1);
  const { assignment, isSender } = layout(ids, readers);
  const open = await openAll(ctx, target, assignment, 50, isSender);
  if (open.opened < assignment.length) {
    throw new Error(`opened ${open.opened}/${assignment.length}: ${open.error}`);
  }
  await sleep(1000);
  const senders = sendersOf(assignment, isSender, ctx.gen.size);
  // A generous bound: a server that loses messages must not hold the bench forever.
  const deadline = performance.now() + 30_000 + messages * 2;
  const received = async () =>
    (await ctx.gen.all(() => ({ op: "count" }))).reduce((n, c) => n + c.received, 0);
  const done = async () => performance.now() > deadline || (await received()) >= messages * readers;
  const loop = await closedLoop(ctx, senders, readers, done, messages);
  if (performance.now() > deadline) loop.deliveredPct = Math.min(loop.deliveredPct, 99.99);
  ctx.log(`  one room of ${readers}, ${messages} messages: ${describe(loop)}`);
  await ctx.gen.all(() => ({ op: "close" }));
  return { readers, messages, inFlight: ctx.sizes.inFlight, ...loop };
}
