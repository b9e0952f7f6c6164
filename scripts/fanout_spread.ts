/**
 * How long one message takes to reach every reader of a big room on an otherwise idle server:
 * `deno run -A scripts/fanout_spread.ts [--readers 1000] [--messages 5]`.
 *
 * Starts the real server (what `deno task start` runs, two workers, a temp KV file), puts the readers in
 * one room from this one process, then sends one message at a time, half a second apart, and prints
 * when the first, the middle and the last reader had it. With no load at all, the spread between
 * first and last is what the fan-out bench's p99 cannot go below on this machine.
 */
import { parseArgs } from "node:util";
import { startServer, type Transport } from "../tests/support/server.ts";
import { connect, createRoom, guest } from "../tests/support/client.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    readers: { type: "string", default: "1000" },
    messages: { type: "string", default: "5" },
    // ws (lib/ops/server.ts, as `deno task start`) or native (`deno serve --parallel`).
    transport: { type: "string", default: "ws" },
  },
});
const readerCount = Number(flags.readers);
const messageCount = Number(flags.messages);
const server = await startServer({
  jobs: 2,
  transport: flags.transport as Transport,
  env: { MAX_SOCKETS_PER_SESSION: String(readerCount + 10) },
});
const readers: WebSocket[] = [];
try {
  const { cookie } = await guest(server.url, "spread");
  const room = await createRoom(server.url, cookie, `spread ${Date.now()}`);
  let sentAt = 0;
  const arrivals: number[] = [];
  for (let i = 0; i < readerCount; i++) {
    // @ts-ignore: Deno's WebSocket takes headers as a second-argument option
    const ws = new WebSocket(server.wsUrl, { headers: { cookie } });
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    ws.onmessage = (e) => {
      if (String(e.data).includes("~spread")) arrivals.push(performance.now() - sentAt);
    };
    ws.send(JSON.stringify({ type: "join", room: room.id }));
    readers.push(ws);
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const writer = await connect(server.wsUrl, cookie);
  await writer.join(room.id);
  const ms = (x: number | undefined) => `${(x ?? NaN).toFixed(1)} ms`;
  console.log(`${readerCount} readers in one room, 2 isolates; one message at a time:`);
  for (let k = 0; k < messageCount; k++) {
    arrivals.length = 0;
    sentAt = performance.now();
    writer.send({ type: "send", room: room.id, clientId: `spread-${k}`, text: `~spread ${k}` });
    await new Promise((resolve) => setTimeout(resolve, 500));
    arrivals.sort((a, b) => a - b);
    console.log(
      `  message ${k + 1}: ${arrivals.length} readers had it; first ${ms(arrivals[0])}, ` +
        `middle ${ms(arrivals[arrivals.length >> 1])}, last ${ms(arrivals.at(-1))}`,
    );
  }
  await writer.close();
} finally {
  for (const ws of readers) ws.close();
  await server.stop();
}
