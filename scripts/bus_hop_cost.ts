/**
 * What one bus event between two Workers costs, BroadcastChannel against a MessagePort: one Worker
 * posts `--events` events shaped like the hub's (`{t:"lines"}` with 5 message lines, 10 a timer
 * turn), the other receives them. Prints the process's CPU µs per event (both Workers and the main
 * thread, which idles) and how many lines arrived, twice per kind, alternating.
 *
 * deno run -A scripts/bus_hop_cost.ts [--events=20000]
 */
/// <reference lib="deno.worker" />
import { parseArgs } from "node:util";
import { cpuUsage } from "node:process";

const LINE = JSON.stringify({
  type: "message",
  room: "01JD0000000000000000000000",
  message: {
    id: "01JD0000000000000000000001",
    seq: 123,
    room: "01JD0000000000000000000000",
    kind: "text",
    author: { id: "u_0123456789ab", name: "Sender 12", role: "user" },
    text: "a message of a realistic length, about sixty characters long",
    at: "2026-12-02T15:00:00.000Z",
  },
});

type Command =
  | { t: "receive"; kind: string; port: MessagePort }
  | { t: "send"; kind: string; events: number; port: MessagePort }
  | { t: "count" };

if (new URL(import.meta.url).searchParams.has("worker")) {
  let lines = 0;
  self.onmessage = (e: MessageEvent<Command>) => {
    const c = e.data;
    if (c.t === "receive") {
      const onEvent = (ev: MessageEvent) => void (lines += ev.data.lines.length);
      if (c.kind === "broadcast") new BroadcastChannel("bus-hop").onmessage = onEvent;
      else c.port.onmessage = onEvent;
      self.postMessage({ t: "ready" });
    } else if (c.t === "count") {
      self.postMessage({ t: "count", lines });
    } else {
      const channel = c.kind === "broadcast" ? new BroadcastChannel("bus-hop") : undefined;
      let sent = 0;
      const turn = () => {
        for (let k = 0; k < 10 && sent < c.events; k++, sent++) {
          const lines = Array.from({ length: 5 }, (_, i) => ({
            room: `r${sent % 100}`,
            seq: sent * 5 + i,
            author: "u",
            kind: "text",
            at: "2026-12-02T15:00:00.000Z",
            line: LINE,
          }));
          (channel ?? c.port).postMessage({ t: "lines", lines });
        }
        if (sent < c.events) setTimeout(turn, 0);
        else self.postMessage({ t: "sent" });
      };
      turn();
    }
  };
} else {
  const { values } = parseArgs({
    args: Deno.args,
    options: { events: { type: "string", default: "20000" } },
  });
  const events = Number(values.events);
  const next = (w: Worker, t: string) =>
    new Promise<{ lines?: number }>((resolve) => {
      const on = (e: MessageEvent) => {
        if (e.data.t !== t) return;
        w.removeEventListener("message", on);
        resolve(e.data);
      };
      w.addEventListener("message", on);
    });
  for (const kind of ["broadcast", "port", "broadcast", "port"]) {
    const url = new URL("?worker", import.meta.url);
    const [sender, receiver] = [new Worker(url, { type: "module" }), new Worker(url, { type: "module" })];
    const { port1, port2 } = new MessageChannel();
    const ready = next(receiver, "ready");
    receiver.postMessage({ t: "receive", kind, port: port1 }, [port1]);
    await ready;
    const cpu0 = cpuUsage();
    const sent = next(sender, "sent");
    sender.postMessage({ t: "send", kind, events, port: port2 }, [port2]);
    await sent;
    // Until every line arrived (a port queues them all) or, on a channel that dropped some, 2 s.
    let lines = 0;
    for (const until = Date.now() + 2_000; lines < events * 5 && Date.now() < until;) {
      const counted = next(receiver, "count");
      receiver.postMessage({ t: "count" });
      lines = (await counted).lines!;
    }
    const cpu = cpuUsage(cpu0);
    console.log(JSON.stringify({
      kind,
      events,
      linesReceived: lines,
      linesSent: events * 5,
      cpuUsPerEvent: Math.round(((cpu.user + cpu.system) / events) * 10) / 10,
    }));
    sender.terminate();
    receiver.terminate();
  }
}
