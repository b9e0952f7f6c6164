/**
 * A clean stop on SIGTERM/SIGINT under `deno serve --parallel`, in every isolate.
 *
 * Deno 2.9's `deno serve` adds its own SIGTERM/SIGINT listeners once the module has loaded; they
 * abort the server and force-close upgraded WebSockets with 1001 at once, before the close frames
 * an app writes (1012, "restarting") leave. So listeners added after `onShutdown` are held until
 * our stop has finished. Without any listener an isolate holding a BroadcastChannel may also
 * ignore SIGTERM.
 */
const SIGNALS: Deno.Signal[] = ["SIGTERM", "SIGINT"];

export interface ShutdownOptions {
  /** Exit even if `stop` has not finished by then. Default 4000 ms. */
  graceMs?: number;
}

/**
 * @example
 * onShutdown(() => closeServices(services));
 */
export function onShutdown(stop: () => Promise<void>, { graceMs = 4_000 }: ShutdownOptions = {}): void {
  let stopping: Promise<void> | undefined;
  const run = () => {
    if (!stopping) {
      // A safety net that does not itself keep the isolate alive.
      Deno.unrefTimer(setTimeout(() => Deno.exit(0), graceMs));
      stopping = stop().catch((err) => console.error(`parley: shutdown failed: ${err}`));
    }
    return stopping;
  };
  for (const signal of SIGNALS) Deno.addSignalListener(signal, () => void run());
  // No Deno.exit after a clean stop: in `--parallel` it would end the whole process while other
  // isolates are still closing their sockets. Each isolate ends once the held listeners (deno
  // serve's) have stopped its server and nothing else is open.
  const add = Deno.addSignalListener;
  Deno.addSignalListener = (signal, handler) =>
    add(signal, SIGNALS.includes(signal) ? () => void run().finally(handler) : handler);
}
