/**
 * `deno task counselor`: creates or promotes a counselor on the server's store (KV file or MongoDB),
 * with the password from stdin and never from argv.
 */
import assert from "node:assert/strict";
import { openKvStore } from "@/lib/store/kv/mod.ts";
import { openMongoStore } from "@/lib/store/mongo/mod.ts";
import type { Store } from "@/lib/store/types.ts";
import { hashPassword, verifyPassword } from "@/lib/accounts/password.ts";
import { sharedFerretDB } from "@/tests/support/ferretdb.ts";

const SCRIPT = new URL("../scripts/counselor.ts", import.meta.url).pathname;

async function run(args: string[], env: Record<string, string>, stdin = "") {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, ...args],
    env: { LOG_LEVEL: "warn", ...env },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin));
  await writer.close();
  const out = await child.output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b).trim();
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

const ferret = sharedFerretDB();

for (const kind of ["kv", "mongo"] as const) {
  Deno.test(`[counselor:${kind}] task - creates, promotes, reads the password from stdin only`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "parley_counselor_" });
    const env: Record<string, string> = kind === "kv" ? { KV_PATH: `${dir}/parley.kv` } : {
      MONGODB_URI: `${(await ferret.get()).replace(/\/$/, "")}/parley_counselor_${
        crypto.randomUUID().slice(0, 8)
      }`,
    };
    const open = async (): Promise<Store> =>
      kind === "kv" ? await openKvStore(env.KV_PATH) : await openMongoStore(env.MONGODB_URI);
    try {
      // A password on the command line is refused and nothing is made.
      const argv = await run(["dana", "a good long password"], env);
      assert.equal(argv.code, 1);
      assert.match(argv.stderr, /never taken from the command line/);

      const weak = await run(["dana"], env, "short\n");
      assert.equal(weak.code, 1);
      assert.match(weak.stderr, /at least 8/);
      assert.equal(weak.stderr.split("\n").length, 1, "one line, no stack trace");

      const made = await run(["dana"], env, "a good long password\nignored second line\n");
      assert.equal(made.code, 0, made.stderr);
      assert.match(made.stdout, /created counselor "dana"/);

      // An existing user is promoted; the role is what the store says.
      let store = await open();
      const eliId = crypto.randomUUID();
      // Eli is signed in while being promoted.
      const eliSession = {
        id: `s-${crypto.randomUUID()}`,
        userId: eliId,
        name: "eli",
        role: "user" as const,
        createdAt: new Date().toISOString(),
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      };
      try {
        const dana = await store.getUserByUsername("DANA");
        assert.equal(dana?.role, "counselor");
        assert.ok(await verifyPassword("a good long password", dana!.passwordHash));
        await store.createUser({
          id: eliId,
          username: "eli",
          role: "user",
          passwordHash: await hashPassword("eli's own password"),
          createdAt: new Date().toISOString(),
        });
        await store.putSession(eliSession);
      } finally {
        await store.close();
      }
      const promoted = await run(["Eli"], env);
      assert.equal(promoted.code, 0, promoted.stderr);
      assert.match(promoted.stdout, /promoted to counselor/);
      store = await open();
      try {
        const eli = await store.getUserByUsername("eli");
        assert.equal(eli?.role, "counselor");
        assert.ok(
          await verifyPassword("eli's own password", eli!.passwordHash),
          "promotion keeps the password",
        );
        assert.equal((await store.getSession(eliSession.id))?.role, "counselor", "no new login needed");
      } finally {
        if (kind === "mongo") await (store as Store & { drop(): Promise<void> }).drop();
        await store.close();
      }
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  });
}
