/**
 * Starts a throwaway Mailpit (a real SMTP server with an HTTP API) for tests, building the binary
 * once from the Go module proxy (CGO off) into ~/.cache/parley/bin, as ferretdb.ts does for FerretDB.
 * Mail is read back through Mailpit's HTTP API.
 */
import { waitFor } from "./wait.ts";
export const MAILPIT_VERSION = "v1.33.1";

export interface Mailpit {
  /** `smtp://127.0.0.1:<port>` for SMTP_URL. */
  smtpUrl: string;
  /** Mailpit's HTTP API, `http://127.0.0.1:<port>`. */
  apiUrl: string;
  /** Every message received so far, newest first (summaries). */
  messages(): Promise<MailpitMessage[]>;
  /** The plain-text body of one message. */
  text(id: string): Promise<string>;
  /** SIGSTOP / SIGCONT: the port still accepts TCP but nothing answers, like a hung mail server. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export interface MailpitMessage {
  ID: string;
  Subject: string;
  To: { Address: string }[];
  Snippet: string;
}

/** `$MAILPIT_BIN`, else under `$XDG_CACHE_HOME` (or `~/.cache`)`/parley/bin/`. */
export function mailpitBinPath(): string {
  const explicit = Deno.env.get("MAILPIT_BIN");
  if (explicit) return explicit;
  const cache = Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME") ?? "."}/.cache`;
  return `${cache}/parley/bin/mailpit-${MAILPIT_VERSION}`;
}

async function run(cmd: string, args: string[], options: Deno.CommandOptions = {}): Promise<void> {
  const out = await new Deno.Command(cmd, { ...options, args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
}

/**
 * The Mailpit binary's path, building it first when it is missing (once per machine; needs Go).
 *
 * @example
 * const bin = await ensureMailpit();
 */
export async function ensureMailpit(): Promise<string> {
  const bin = mailpitBinPath();
  try {
    await Deno.stat(bin);
    return bin;
  } catch { /* build it */ }
  console.log(`building Mailpit ${MAILPIT_VERSION} (once)…`);
  const work = await Deno.makeTempDir({ prefix: "parley_mailpit_build_" });
  try {
    await run("go", ["mod", "init", "parley.local/mailpit"], { cwd: work });
    await run("go", ["get", `github.com/axllent/mailpit@${MAILPIT_VERSION}`], { cwd: work });
    await Deno.mkdir(bin.slice(0, bin.lastIndexOf("/")) || ".", { recursive: true });
    await run("go", ["build", "-o", bin, "github.com/axllent/mailpit"], {
      cwd: work,
      env: { CGO_ENABLED: "0" },
    });
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
  return bin;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Starts Mailpit on free loopback ports (or SMTP on `smtpPort`) with its own database file; resolves
 * once its API answers.
 *
 * @example
 * const mail = await startMailpit();
 * try { ... SMTP_URL: mail.smtpUrl ... await mail.messages() } finally { await mail.stop(); }
 */
export async function startMailpit(options: { smtpPort?: number } = {}): Promise<Mailpit> {
  const bin = await ensureMailpit();
  const dir = await Deno.makeTempDir({ prefix: "parley_mailpit_" });
  const smtpPort = options.smtpPort ?? freePort(), httpPort = freePort();
  const child = new Deno.Command(bin, {
    args: [
      "--smtp",
      `127.0.0.1:${smtpPort}`,
      "--listen",
      `127.0.0.1:${httpPort}`,
      "--database",
      `${dir}/mailpit.db`,
      "--disable-version-check",
      "--quiet",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  let exited = false;
  const status = child.status.then((s) => (exited = true, s));
  const apiUrl = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    if (!exited) {
      child.kill("SIGCONT");
      child.kill("SIGTERM");
    }
    await status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  // Ready once its HTTP API answers.
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error("Mailpit exited during start-up");
        const res = await fetch(`${apiUrl}/api/v1/messages`).catch(() => null);
        await res?.body?.cancel();
        return res?.ok;
      },
      "Mailpit's API",
      { timeoutMs: 20_000, everyMs: 100 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    apiUrl,
    async messages() {
      const res = await fetch(`${apiUrl}/api/v1/messages`);
      return (await res.json()).messages ?? [];
    },
    async text(id) {
      const res = await fetch(`${apiUrl}/api/v1/message/${id}`);
      return (await res.json()).Text ?? "";
    },
    pause: () => void (!exited && child.kill("SIGSTOP")),
    resume: () => void (!exited && child.kill("SIGCONT")),
    stop,
  };
}
