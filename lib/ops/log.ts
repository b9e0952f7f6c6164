/**
 * Structured logs: one JSON line per event, with ids, never message text or passwords.
 *
 * @example
 * log.info("ws.open", { user: "u1", room: "r1" });
 */
function write(level: "info" | "warn" | "error", event: string, fields: Record<string, unknown>) {
  const line = JSON.stringify({ t: new Date().toISOString(), level, event, ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}

export const log = {
  /** Silenced with LOG_LEVEL=warn (tests and benchmarks). */
  info: (event: string, fields: Record<string, unknown> = {}) => {
    if (Deno.env.get("LOG_LEVEL") !== "warn" && Deno.env.get("LOG_LEVEL") !== "error") {
      write("info", event, fields);
    }
  },
  warn: (event: string, fields: Record<string, unknown> = {}) => {
    if (Deno.env.get("LOG_LEVEL") !== "error") write("warn", event, fields);
  },
  error: (event: string, fields: Record<string, unknown> = {}) => write("error", event, fields),
};
