/**
 * Starts a throwaway SeaweedFS (master, volume, filer and its S3 gateway in one `weed server`) on
 * loopback for the S3 FileStore's tests, building the binary once when it is missing, like
 * `ferretdb.ts`. The S3 gateway gets one identity, so every request is really signed and checked.
 */
import { freePorts } from "./ports.ts";
import { waitFor } from "./wait.ts";

/** A pinned snapshot of the Go module (no tagged release of the v3 line is a Go module version). */
export const SEAWEEDFS_VERSION = "v0.0.0-20261109003541-7506e5f91cd6";
const MODULE = "github.com/seaweedfs/seaweedfs";

export interface SeaweedFS {
  /** `http://KEY:SECRET@127.0.0.1:<port>/<bucket>`, the form `S3_URL` takes. */
  s3Url: string;
  stop(): Promise<void>;
}

/** `$SEAWEEDFS_BIN`, else `~/.cache/parley/bin/weed-<version>` (or under `$XDG_CACHE_HOME`). */
export function weedBinPath(): string {
  const explicit = Deno.env.get("SEAWEEDFS_BIN");
  if (explicit) return explicit;
  const cache = Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME") ?? "."}/.cache`;
  return `${cache}/parley/bin/weed-${SEAWEEDFS_VERSION}`;
}

async function run(cmd: string, args: string[], options: Deno.CommandOptions = {}): Promise<string> {
  const out = await new Deno.Command(cmd, { ...options, args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr).trim() || text}`,
    );
  }
  return text;
}

/**
 * Builds `weed` from the Go module proxy. Its go.mod has a `replace`, which `go install pkg@version`
 * refuses, so the module is downloaded, copied out of the read-only cache and built in place.
 */
async function buildWeed(bin: string): Promise<void> {
  console.log(`building SeaweedFS ${SEAWEEDFS_VERSION} (once; several minutes)…`);
  const work = await Deno.makeTempDir({ prefix: "parley_weed_build_" });
  try {
    const info = JSON.parse(
      await run("go", ["mod", "download", "-json", `${MODULE}@${SEAWEEDFS_VERSION}`], {
        cwd: work,
      }),
    );
    const src = `${work}/src`;
    await run("cp", ["-r", info.Dir, src]);
    await run("chmod", ["-R", "u+w", src]);
    await Deno.mkdir(bin.slice(0, bin.lastIndexOf("/")) || ".", { recursive: true });
    await run("go", ["build", "-o", `${bin}.partial`, "./weed"], { cwd: src, env: { CGO_ENABLED: "0" } });
    await Deno.rename(`${bin}.partial`, bin);
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/**
 * The `weed` binary's path, building it first when it is missing (once per machine).
 *
 * @example
 * const bin = await ensureSeaweedFS();
 */
export async function ensureSeaweedFS(): Promise<string> {
  const bin = weedBinPath();
  try {
    await Deno.stat(bin);
  } catch {
    await buildWeed(bin);
  }
  return bin;
}

/**
 * Starts SeaweedFS with a temp data dir; resolves once its S3 gateway answers a signed request.
 *
 * @example
 * const weed = await startSeaweedFS();
 * try { const files = await openS3Store(parseS3Url(weed.s3Url)); … } finally { await weed.stop(); }
 */
export async function startSeaweedFS(): Promise<SeaweedFS> {
  const bin = await ensureSeaweedFS();
  const dir = await Deno.makeTempDir({ prefix: "parley_weed_" });
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc] = freePorts(8);
  const key = "parleytest", secret = crypto.randomUUID().replaceAll("-", "");
  await Deno.writeTextFile(
    `${dir}/s3.json`,
    JSON.stringify({
      identities: [{
        name: "parley",
        credentials: [{ accessKey: key, secretKey: secret }],
        actions: ["Admin", "Read", "List", "Write"],
      }],
    }),
  );
  await Deno.mkdir(`${dir}/data`);
  const process = new Deno.Command(bin, {
    args: [
      "server",
      `-dir=${dir}/data`,
      "-ip=127.0.0.1",
      "-ip.bind=127.0.0.1",
      `-master.port=${master}`,
      `-master.port.grpc=${masterGrpc}`,
      "-master.telemetry=false",
      "-master.volumeSizeLimitMB=64",
      `-volume.port=${volume}`,
      `-volume.port.grpc=${volumeGrpc}`,
      "-volume.max=4",
      "-filer",
      `-filer.port=${filer}`,
      `-filer.port.grpc=${filerGrpc}`,
      "-s3",
      `-s3.port=${s3}`,
      `-s3.port.grpc=${s3Grpc}`,
      "-s3.port.iceberg=0",
      "-s3.port.lance=0",
      `-s3.config=${dir}/s3.json`,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let exited = false;
  const status = process.status.finally(() => exited = true);
  // Kept for the error message when start-up fails; drained so the pipe never fills.
  let log = "";
  (async () => {
    for await (const chunk of process.stderr.pipeThrough(new TextDecoderStream())) {
      log = (log + chunk).slice(-4000);
    }
  })().catch(() => {});
  const stop = async () => {
    if (!exited) process.kill("SIGTERM");
    const timer = setTimeout(() => !exited && process.kill("SIGKILL"), 5_000);
    await status;
    clearTimeout(timer);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  const s3Url = `http://${key}:${secret}@127.0.0.1:${s3}/parley-test`;
  try {
    await waitForS3(s3Url, () => exited);
  } catch (error) {
    await stop();
    throw new Error(`SeaweedFS did not start: ${(error as Error).message}\n${log}`);
  }
  return { s3Url, stop };
}

/** Until a bucket can be made and written: the gateway answers before its filer and volume are ready. */
async function waitForS3(s3Url: string, exited: () => boolean): Promise<void> {
  const { openS3Store, parseS3Url } = await import("@/lib/files/s3.ts");
  let last: unknown;
  await waitFor(
    async () => {
      if (exited()) throw new Error("weed exited during start-up");
      try {
        const files = await openS3Store(parseS3Url(s3Url));
        await files.put("ready/probe", new Uint8Array([1]));
        await files.delete("ready/probe");
        return true;
      } catch (error) {
        last = error;
        return false;
      }
    },
    "a writable bucket",
    { timeoutMs: 60_000, everyMs: 250 },
  ).catch((error) => {
    throw new Error(`${error.message}: ${last}`);
  });
}
