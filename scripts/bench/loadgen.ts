/** Drives the client processes (client.ts) with JSON lines; merges what they measure. */
import type { ClientStats, Command } from "./client.ts";
import { decode, Histogram } from "./stats.ts";
import { sumCloses } from "./report.ts";

interface Proc {
  child: Deno.ChildProcess;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  lines: AsyncIterator<string>;
  /** Commands are answered in order; this chains them so replies never cross. */
  queue: Promise<unknown>;
}

export interface Totals {
  received: number;
  sent: number;
  echoed: number;
  hist: Histogram;
  /** Close codes the servers sent (or 1006: no close frame), with counts, over every process. */
  closes: Record<string, number>;
  /** The last delivery's arrival, epoch ms. */
  lastAt: number;
}

async function* splitLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffer = "";
  for await (const chunk of decode(stream)) {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf("\n")) !== -1) {
      yield buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
    }
  }
}

export class LoadGen {
  private constructor(private procs: Proc[]) {}

  get pids(): number[] {
    return this.procs.map((p) => p.child.pid);
  }

  get size(): number {
    return this.procs.length;
  }

  static start(count: number): LoadGen {
    const script = new URL("./client.ts", import.meta.url).pathname;
    const procs = Array.from({ length: count }, () => {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", script],
        stdin: "piped",
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      return {
        child,
        writer: child.stdin.getWriter(),
        lines: splitLines(child.stdout)[Symbol.asyncIterator](),
        queue: Promise.resolve(),
      };
    });
    return new LoadGen(procs);
  }

  // deno-lint-ignore no-explicit-any
  call(i: number, cmd: Command): Promise<any> {
    const p = this.procs[i];
    const run = async () => {
      await p.writer.write(new TextEncoder().encode(JSON.stringify(cmd) + "\n"));
      const { value, done } = await p.lines.next();
      if (done) throw new Error("client process ended");
      return JSON.parse(value);
    };
    const result = p.queue.then(run, run);
    p.queue = result.catch(() => {});
    return result;
  }

  // deno-lint-ignore no-explicit-any
  all(make: (i: number) => Command): Promise<any[]> {
    return Promise.all(this.procs.map((_, i) => this.call(i, make(i))));
  }

  async totals(): Promise<Totals> {
    const hist = new Histogram();
    let received = 0, sent = 0, echoed = 0, lastAt = 0;
    let closes: Record<string, number> = {};
    for (const s of (await this.all(() => ({ op: "stats" }))) as ClientStats[]) {
      received += s.received;
      sent += s.sent;
      echoed += s.echoed;
      hist.merge(s.hist);
      closes = sumCloses(closes, s.closes);
      lastAt = Math.max(lastAt, s.lastAt);
    }
    return { received, sent, echoed, hist, closes, lastAt };
  }

  async stop(): Promise<void> {
    for (const p of this.procs) {
      await p.writer.close().catch(() => {});
      await p.child.stdout.cancel().catch(() => {});
      await p.child.status;
    }
  }
}
