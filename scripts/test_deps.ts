/**
 * Makes sure what the test suite talks to is on this machine, installing what is missing:
 * FerretDB, Mailpit and SeaweedFS (built from the Go module proxy, once, into ~/.cache/parley/bin), and redis-server and
 * Chromium from Debian's packages (when running as root with apt-get). A missing piece that cannot be
 * installed stops the run with one clear line: tests never quietly skip it.
 */
import { ensureFerretDB } from "@/tests/support/ferretdb.ts";
import { ensureMailpit } from "@/tests/support/mailpit.ts";
import { ensureSeaweedFS } from "@/tests/support/seaweedfs.ts";

async function has(cmd: string): Promise<boolean> {
  const out = await new Deno.Command("sh", { args: ["-c", `command -v ${cmd}`], stdout: "null" }).output();
  return out.success;
}

async function run(cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stdout: "inherit", stderr: "inherit" }).output();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed`);
}

const missing: string[] = [];
if (!(await has("redis-server"))) missing.push("redis-server");
if (!(await has("chromium")) && !(await has("/usr/bin/chromium"))) missing.push("chromium");
if (missing.length > 0) {
  if (!(await has("apt-get"))) {
    console.error(
      `parley tests: ${missing.join(" and ")} missing; install them (Debian: apt-get install -y ${
        missing.join(" ")
      })`,
    );
    Deno.exit(1);
  }
  console.log(`installing ${missing.join(", ")} from Debian's packages…`);
  await run("apt-get", ["update", "-qq"]);
  await run("apt-get", ["install", "-y", "-qq", ...missing]);
}
if (!Deno.env.get("MONGODB_URI")) await ensureFerretDB();
// The real SMTP server of the widget's mail tests.
await ensureMailpit();
// The S3 FileStore's tests talk to a real SeaweedFS S3 gateway.
await ensureSeaweedFS();
