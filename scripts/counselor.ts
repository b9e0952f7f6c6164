/**
 * `deno task counselor <username> [--set-password]`: makes a counselor account, or promotes an
 * existing user. The only way to get the role: nothing on the web grants it.
 *
 * The password is read from the terminal with echo off (typed twice), or from the first line of stdin
 * when stdin is not a terminal (`printf '%s\n' "$PW" | deno task counselor mina`); never from argv,
 * where every user of the machine can read it in the process list and it lands in shell history.
 * A new account needs one; promoting an existing user asks for none unless `--set-password` is given.
 *
 * Uses the same store as the server: MONGODB_URI, else KV_PATH (default ./data/parley.kv).
 * Sessions are snapshots: a promoted user logs in again to get the console.
 */
import { ulid } from "ulid";
import { loadConfig } from "@/lib/ops/config.ts";
import { parseArgs } from "node:util";
import { openStore } from "@/lib/store/mod.ts";
import { validatePassword, validateUsername } from "@/lib/accounts/accounts.ts";
import { hashPassword } from "@/lib/accounts/password.ts";
import { setPasswordEverywhere } from "@/lib/accounts/password_change.ts";
import { openBus } from "@/lib/bus/mod.ts";
import { fatal } from "@/lib/ops/fatal.ts";

const USAGE = "usage: deno task counselor <username> [--set-password]   (the password is read from stdin)";

function readArgs(args: string[]): { username: string; setPassword: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { "set-password": { type: "boolean" } } });
  } catch {
    throw new Error(USAGE); // an unknown flag
  }
  const names = parsed.positionals;
  if (names.length !== 1) {
    throw new Error(
      names.length > 1
        ? `one username only; passwords are never taken from the command line (it leaks into ps and history)\n${USAGE}`
        : USAGE,
    );
  }
  return { username: names[0], setPassword: parsed.values["set-password"] === true };
}

/** Reads one line from a terminal without echoing it. Ctrl-C aborts. */
async function readHidden(prompt: string): Promise<string> {
  const encoder = new TextEncoder();
  await Deno.stdout.write(encoder.encode(prompt));
  Deno.stdin.setRaw(true);
  const bytes: number[] = [];
  const buf = new Uint8Array(64);
  try {
    while (true) {
      const n = await Deno.stdin.read(buf);
      if (n === null) break;
      for (const b of buf.subarray(0, n)) {
        if (b === 3) throw new Error("cancelled");
        if (b === 13 || b === 10) return new TextDecoder().decode(new Uint8Array(bytes));
        if (b === 127 || b === 8) {
          // Drop a whole UTF-8 character: its continuation bytes, then its lead byte.
          while (bytes.length > 0 && (bytes[bytes.length - 1] & 0xc0) === 0x80) bytes.pop();
          bytes.pop();
        } else bytes.push(b);
      }
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  } finally {
    Deno.stdin.setRaw(false);
    await Deno.stdout.write(encoder.encode("\n"));
  }
}

/** The first line of stdin, without its line ending. */
async function readFirstLine(): Promise<string> {
  const text = await new Response(Deno.stdin.readable).text();
  return text.split(/\r?\n/, 1)[0] ?? "";
}

async function readPassword(username: string): Promise<string> {
  let password: string;
  if (Deno.stdin.isTerminal()) {
    password = await readHidden("Password: ");
    validatePassword(password, username);
    if ((await readHidden("Repeat password: ")) !== password) throw new Error("the passwords differ");
  } else {
    password = await readFirstLine();
    validatePassword(password, username);
  }
  return password;
}

async function main(): Promise<void> {
  const { username, setPassword } = readArgs(Deno.args);
  validateUsername(username);
  const config = loadConfig();
  const store = await openStore(config);
  try {
    const user = await store.getUserByUsername(username);
    if (!user) {
      const passwordHash = await hashPassword(await readPassword(username));
      const id = ulid();
      await store.createUser({
        id,
        username,
        role: "counselor",
        passwordHash,
        createdAt: new Date().toISOString(),
      });
      console.log(`created counselor "${username}" (${id}) in the ${store.kind} store`);
      return;
    }
    if (setPassword) {
      const hash = await hashPassword(await readPassword(user.username));
      // Every session of the user ends: its record now, its sockets through the bus. Only Redis
      // reaches a running server from this process; on BroadcastChannel the sockets close when
      // they next reconnect or load a page (the session is gone from the store either way).
      const bus = config.redisUrl ? await openBus(config) : null;
      const hub = bus && { endSession: (session: string) => bus.publish({ t: "session-ended", session }) };
      try {
        const ended = await setPasswordEverywhere(store, hub, user.id, hash);
        console.log(`password changed; ${ended} session(s) of "${user.username}" ended`);
      } finally {
        await bus?.close();
      }
    }
    await store.setUserRole(user.id, "counselor");
    console.log(
      `${
        user.role === "counselor" ? "already a counselor" : "promoted to counselor"
      }: "${user.username}" (${user.id})` +
        `${setPassword ? ", password changed" : ""}; their open sessions have the role from their next page`,
    );
  } finally {
    await store.close();
  }
}

if (import.meta.main) await main().catch(fatal);
