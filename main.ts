/**
 * Parley's entry: `deno serve --parallel main.ts` runs the default export in one isolate per core.
 * A bad configuration stops start-up with one clear line.
 */
import { loadConfig } from "@/lib/config.ts";
import { closeServices, openServices } from "@/lib/boot.ts";
import { createApp } from "@/lib/app.ts";
import { fatal } from "@/lib/fatal.ts";

const services = await Promise.resolve().then(() => openServices(loadConfig())).catch(fatal);

// Without this a `--parallel` isolate holding a BroadcastChannel can ignore SIGTERM.
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.addSignalListener(signal, () => {
    closeServices(services).finally(() => Deno.exit(0));
  });
}

export default createApp(services);
