/**
 * `deno task start`: checks the configuration (and that the database answers) in this process, so a
 * bad value stops start-up with one clear line, then runs `lib/ops/server.ts` (one worker per core, each a
 * `node:http` server on PORT, WebSockets by `ws`) and passes signals through.
 */
import { loadConfig } from "@/lib/ops/config.ts";
import { openStore } from "@/lib/store/mod.ts";
import { openBus } from "@/lib/bus/mod.ts";
import { fatal } from "@/lib/ops/fatal.ts";

const config = await Promise.resolve().then(() => loadConfig()).catch(fatal);
await (async () => {
  const store = await openStore(config);
  await store.close();
  const bus = await openBus(config);
  await bus.close();
})().catch(fatal);

const root = new URL("..", import.meta.url);
const child = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", "lib/ops/server.ts", "--port", String(config.port)],
  cwd: root,
  stdin: "null",
}).spawn();
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.addSignalListener(signal, () => child.kill(signal));
}
const status = await child.status;
Deno.exit(status.code);
