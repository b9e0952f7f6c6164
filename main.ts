/**
 * Parley's entry: `deno serve --parallel main.ts` runs the default export in one isolate per core.
 * A bad configuration stops start-up with one clear line.
 */
import { loadConfig } from "@/lib/ops/config.ts";
import { closeServices, openServices } from "@/lib/ops/boot.ts";
import { createApp } from "@/lib/web/app.ts";
import { fatal } from "@/lib/ops/fatal.ts";
import { onShutdown } from "@/lib/ops/shutdown.ts";

const services = await Promise.resolve().then(() => openServices(loadConfig())).catch(fatal);

// Sockets get 1012 and the bus and store close before the process exits (see lib/ops/shutdown.ts).
onShutdown(() => closeServices(services));

export default createApp(services);
