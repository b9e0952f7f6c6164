/**
 * Attachments in an S3-compatible bucket (`S3_URL`), for deployments on many machines. Requests are
 * signed with AWS Signature V4 by `aws4fetch` (a few KB over `fetch`, where the AWS SDK would bring
 * hundreds of modules for four calls). Path-style addressing, which every S3-compatible server takes.
 *
 * `S3_URL` = `http(s)://ACCESS_KEY:SECRET@host[:port]/bucket[?region=REGION]`.
 */
import { AwsClient } from "aws4fetch";
import { ConfigError } from "@/lib/ops/config_error.ts";
import { assertKey, type FileStore } from "./types.ts";

export interface S3Location {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Reads `S3_URL`; throws ConfigError (one line) for a malformed one.
 *
 * @example
 * parseS3Url("http://key:secret@127.0.0.1:8333/parley"); // { endpoint: "http://127.0.0.1:8333", bucket: "parley", … }
 */
export function parseS3Url(raw: string): S3Location {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`S3_URL is not a valid URL: "${raw}"`);
  }
  const bucket = url.pathname.replace(/^\/+|\/+$/g, "");
  if (!["http:", "https:"].includes(url.protocol) || !bucket || bucket.includes("/")) {
    throw new ConfigError(`S3_URL must look like http(s)://KEY:SECRET@host/bucket, got "${url.origin}"`);
  }
  if (!url.username || !url.password) throw new ConfigError("S3_URL needs KEY:SECRET@ before the host");
  return {
    endpoint: url.origin,
    bucket,
    region: url.searchParams.get("region") ?? "us-east-1",
    accessKeyId: decodeURIComponent(url.username),
    secretAccessKey: decodeURIComponent(url.password),
  };
}

async function check(res: Response, what: string, ok: number[] = []): Promise<Response> {
  if (res.ok || ok.includes(res.status)) return res;
  const text = (await res.text().catch(() => "")).slice(0, 200).replace(/\s+/g, " ");
  throw new Error(`S3 ${what} failed: ${res.status} ${text}`);
}

/**
 * Opens the bucket, making it when it is missing.
 *
 * @example
 * const files = await openS3Store(parseS3Url(Deno.env.get("S3_URL")!));
 */
export async function openS3Store(where: S3Location): Promise<FileStore> {
  const client = new AwsClient({
    accessKeyId: where.accessKeyId,
    secretAccessKey: where.secretAccessKey,
    region: where.region,
    service: "s3",
  });
  const base = `${where.endpoint}/${encodeURIComponent(where.bucket)}`;
  const at = (key: string) => {
    assertKey(key);
    return `${base}/${key}`;
  };
  const head = await client.fetch(base, { method: "HEAD" });
  await head.body?.cancel();
  if (head.status === 404) {
    const made = await client.fetch(base, { method: "PUT" });
    await check(made, "create bucket", [409]);
    await made.body?.cancel();
  } else await check(head, "open bucket");

  return {
    kind: "s3",
    async put(key, data) {
      const res = await client.fetch(at(key), {
        method: "PUT",
        body: data as Uint8Array<ArrayBuffer>,
        headers: { "content-type": "application/octet-stream" },
      });
      await check(res, "put");
      await res.body?.cancel();
    },
    async get(key) {
      const res = await client.fetch(at(key));
      if (res.status === 404) {
        await res.body?.cancel();
        return null;
      }
      await check(res, "get");
      return { body: res.body!, size: Number(res.headers.get("content-length") ?? 0) };
    },
    async delete(key) {
      const res = await client.fetch(at(key), { method: "DELETE" });
      await check(res, "delete", [404]);
      await res.body?.cancel();
    },
    close: () => Promise.resolve(),
  };
}
