/**
 * docs/benchmarks.md, written from one run's JSON: the prose says how the bench works, every table and
 * figure comes from the JSON. `deno run -A scripts/bench/render.ts docs/bench/<file>.json` rewrites it.
 */
import { closesText, renderTable, type Results, sumCloses, type Table, tables } from "./report.ts";
import { historyTable, pageWeightTables, targets } from "./summary.ts";

const HOW = `\`deno task bench\` starts each server itself on loopback, drives it from separate Deno client
processes (scripts/bench/client.ts) over real WebSockets, stops it, and starts it afresh for the next
scenario. Every server gets the same client code; only the few lines that speak each protocol differ
(scripts/bench/protocols.ts).

The client sockets are \`ws\`'s (npm), which turn Nagle's algorithm off (TCP_NODELAY) as browsers and
Node load generators do. Runs before 2026-12-02 used Deno's own WebSocket client, which leaves it on:
after a first small frame the next ones wait for its ACK, up to Linux's 40 ms delayed ACK when the
server answers late (measured: the 2nd to 4th of four frames sent 1 ms apart arrived 35–42 ms late on
Deno's client, under 2 ms on \`ws\`). \`BENCH_CLIENT=deno\` still uses it. \`ws\` in Deno costs the client
more CPU per frame, so where the clients' CPU (shown beside the server's) nears 100% of their share,
the generator is the limit, not the server. In the fan-out, a server that sends each reader a frame
per message has the 1,000 readers parse 1,000 frames per message, while Parley's frames carry every
message of an 8 ms window: part of its lead there is frames saved on both ends, not server speed alone
(the clients' CPU is in the run's log and JSON for every step).

- **Parley**: what \`deno task start\` runs (\`lib/ops/server.ts\`: one worker per core, \`node:http\` + \`ws\`, and
  the KV file's one writer of messages in the main thread; the Servers table's version says which, as
  runs before it used \`deno serve --parallel main.ts\`, and \`PARLEY_TRANSPORT=native\` still does), the
  embedded Deno KV store; every message is stored (and synced to disk) before it is acknowledged and
  delivered.
- **Centrifugo v6.9.1**, built from the Go module proxy (\`github.com/centrifugal/centrifugo/v6@v6.9.1\`,
  \`CGO_ENABLED=0\`) into \`~/.cache/parley/bin\`: memory engine, history of 1,000 per channel, publishing
  from clients allowed (scripts/bench/peers/centrifugo/config.json). Centrifugo bundles several JSON
  objects into one frame, one per line; the client splits every frame and answers every ping (\`{}\`).
- **Socket.IO 4.8** and **FastAPI + uvicorn** in the shapes of the seed projects, and a plain Node **ws**
  broadcast server (scripts/bench/peers/): join a room, broadcast to it, store nothing.

Scenarios:

- **smallrooms**: 100 rooms × (5 readers + 1 sender). Closed loop: each sender keeps 8 messages in flight
  and sends the next when one of its own comes back; deliveries/s count what the readers got in the
  window, and server CPU is the server's whole process tree over it (100% = one core). Then an open loop
  at 200 msg/s spread over the rooms for the latency (p50 / p99, sender to reader).
- **oneroom**: one room of 10 readers + 1 sender, 5,000 messages in a closed loop, 8 in flight; timed to
  the last reader's last copy.
- **fanout**: one room of 1,000 readers, 10 senders, the send rate raised step by step until p99 passes
  100 ms or less than 95% is delivered (a failing step is tried twice; a server that fails the first step,
  100 msg/s, is tried at 50, 20 and 10).
- **rooms**: 500 rooms of 10, each member sending every 5 s. **idle**: idle connections up to 10,000,
  resident memory per connection.
- **history** (Parley): a room of 1,000,000 messages on Deno KV (100,000 on FerretDB, which seeds too
  slowly for more in the time budget), the p99 of a history page and of join-with-\`since\` replaying 100.
- **pages** (Parley): bytes on the wire of every page and asset for \`Accept-Encoding\` identity, gzip and
  br, and the widget once the server serves it: \`/widget.js\` (what a host site loads) and its \`/widget\`
  frame.

Every disconnect a client sees is counted by its close code (1006: dropped without a close frame) and
shown beside the step it happened in, with every \`error\` frame Parley answered a send with (\`error:<code>\`):
a refused send never comes back, so it would otherwise only show as a lower rate.

Parley's per-connection and per-address abuse limits (send rate, sockets per session and per address,
rooms per hour, joins per second) are raised for the bench, since every connection comes from 127.0.0.1
on a handful of guest sessions; everything else runs as configured by default.

Parley's KV file sits in a fresh directory under \`$TMPDIR\` (default \`/tmp\`, on the disk), so each commit
waits for the disk's fsync as in production. On a machine whose disk is busy with other work that wait
dominates Parley's latency: on 2026-12-01, with eight agents sharing the machine, p50 at 200 msg/s in
small rooms was 201 ms with the KV file on disk and 1.8 ms with \`TMPDIR=/dev/shm\` (tmpfs, no fsync),
back to back. Quote figures from a quiet machine with the store on disk; the tmpfs run is a diagnosis.

Flags: \`--only=parley,centrifugo,socketio,fastapi,ws\`, \`--scenario=smallrooms,oneroom,fanout,rooms,idle,history,pages\`,
\`--quick\` (small sizes, short steps: proves the harness, not the figures), \`--clients=N\` (client
processes, default 2), \`--history-size=N\`, \`--json=FILE\`, \`--md=FILE\`, and \`--save\` (writes
\`docs/bench/<date>.json\` and rewrites this page from it). A full run, every server and every scenario,
is sized to take about 12 minutes on a 2-core machine; the time it took is written below.`;

function section(t: Table): string {
  return renderTable(t, true);
}

/** The whole page for one run. */
export function benchmarksPage(results: Results, jsonPath: string): string {
  const m = results.machine;
  const quick = results.command.includes("--quick");
  const noisy = m.loadBefore !== undefined && Number(String(m.loadBefore).split(" ")[0]) > 0.5;
  const out: string[] = [
    "# Benchmarks",
    "",
    "<!-- Written by scripts/bench/render.ts from the run's JSON: edit the script, not this page. -->",
    "",
    HOW,
    "",
    "## The run",
    "",
    `Run on ${results.date}${results.startedAt ? ` (started ${results.startedAt})` : ""} with`,
    "",
    "```sh",
    results.command,
    "```",
    "",
    `Machine: ${m.cpu}, ${m.nproc} cores (nproc), ${m.memory}, ${m.os}, Deno ${m.deno}; Parley's store under ` +
    `${m.storeDir ?? "/tmp"}. ` +
    `Load average before the run: ${m.loadBefore ?? "–"}; after: ${m.loadAfter ?? "–"}` +
    (m.cpuPressureBefore
      ? ` (time tasks waited for a CPU over the last minute: ${m.cpuPressureBefore} before, ` +
        `${m.cpuPressureAfter ?? "–"} after)`
      : "") +
    ". " +
    `${results.seconds ? `The run took ${Math.round(results.seconds / 60)} min. ` : ""}` +
    `Load: ${results.generator}. Raw figures: [${jsonPath}](${jsonPath.replace(/^docs\//, "")}).`,
  ];
  if (quick || noisy) {
    out.push(
      "",
      `> **Read these figures with care.** ${
        quick ? "This was a `--quick` run: small sizes and short steps, to prove the harness works. " : ""
      }${noisy ? "The machine was not quiet (see the load average): other work shared its cores. " : ""}` +
        "The figures to quote come from a full run on a quiet machine: `deno task bench --save`.",
    );
  }
  out.push(
    "",
    "## Targets",
    "",
    section({ title: "Against the targets", head: ["target", "measured", ""], rows: targets(results) }),
  );
  out.push("", "## Throughput and latency");
  for (const t of tables(results)) out.push("", section(t));
  const h = historyTable(results);
  if (h) out.push("", "## History", "", section(h));
  const pw = results.servers.find((s) => s.kind === "parley")?.pages;
  if (pw) {
    out.push("", "## Page weight", "");
    out.push(pageWeightTables(pw).map(section).join("\n\n"));
  }
  const failures = results.servers.flatMap((s) =>
    Object.entries(s.errors).map(([scenario, e]) => `- ${s.kind} ${scenario}: ${e}`)
  );
  if (failures.length) out.push("", "## What failed", "", ...failures);
  const closes = results.servers.map((s) => {
    const all = [
      s.smallrooms?.loop.closes,
      s.smallrooms?.latency.closes,
      s.oneroom?.closes,
      s.rooms?.closes,
      s.idle?.closes,
    ]
      .concat(s.fanout?.steps.map((x) => x.closes) ?? []);
    return `${s.kind}: ${closesText(sumCloses(...all))}`;
  });
  out.push(
    "",
    `Disconnects (by close code) and refused sends (\`error:<code>\`) over the whole run — ${
      closes.join("; ")
    }.`,
    "",
  );
  return out.join("\n");
}
