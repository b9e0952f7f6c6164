import { ConfigError } from "@/lib/ops/config_error.ts";

/** Everything Parley reads from the environment, checked once at start. */
export interface Config {
  port: number;
  mongodbUri?: string;
  kvPath: string;
  redisUrl?: string;
  rateBurst: number;
  ratePerSecond: number;
  allowedOrigins: string[];
  /** Limits of SPEC.md; each configurable for load tests. */
  maxTextLength: number;
  maxFrameBytes: number;
  maxBufferedBytes: number;
  maxSocketsPerSession: number;
  maxBodyBytes: number;
  guestSessionsPerMinute: number;
  /** Attachments: a folder, or an S3-compatible bucket (wins when set). */
  filesPath: string;
  s3Url?: string;
  maxUploadBytes: number;
  /** Uploads one user may make per minute, across every isolate and process. */
  uploadsPerMinute: number;
  /** How long after sending the author may still edit a message (ms). */
  editWindowMs: number;
  /** Proxies whose `X-Forwarded-For` / `-Host` / `-Proto` are believed (TRUSTED_PROXIES). */
  trustedProxies: string[];
  /** Rooms one user, and one address, may create per hour. */
  roomsPerUserPerHour: number;
  roomsPerAddressPerHour: number;
  /** Rooms one socket may be in at once; joins per socket: a burst (a reconnect rejoins all), then a rate. */
  maxRoomsPerSocket: number;
  joinBurst: number;
  joinsPerSecond: number;
  /** WebSockets one client address may hold at once on one server process (the memory bound). */
  maxSocketsPerAddress: number;
  /** Public rooms per lobby page (`GET /api/rooms`). */
  lobbyPageSize: number;
  /** Seconds of silence (no pong) after which a socket counts as gone (WS_IDLE_TIMEOUT). */
  wsIdleTimeout: number;
  /** Sites (origins) that may embed the support widget (WIDGET_ORIGINS); none by default. */
  widgetOrigins: string[];
  /** Mail server for offline replies (SMTP_URL); unset: no e-mail is offered. */
  smtpUrl?: string;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) {
    throw new ConfigError(`${name} must be a number >= ${min}, got "${raw}"`);
  }
  return n;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URI: "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(
      `${name} must start with ${protocols.map((p) => `${p}//`).join(" or ")}, got "${raw}"`,
    );
  }
  return raw;
}

function origins(env: Env, name = "ALLOWED_ORIGINS", strict = false): string[] {
  const raw = env[name] ?? "";
  return raw.split(",").map((s) => s.trim()).filter(Boolean).map((o) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(o);
    } catch { /* reported below */ }
    // An origin is scheme://host[:port] and nothing more: a path or a typo must not widen or miss.
    const exact = parsed?.origin === o.replace(/\/$/, "").toLowerCase() &&
      ["http:", "https:"].includes(parsed.protocol);
    if (!parsed || (strict && !exact)) {
      throw new ConfigError(`${name} has an entry that is not an origin (https://host[:port]): "${o}"`);
    }
    return parsed.origin;
  });
}

function addresses(env: Env): string[] {
  return (env.TRUSTED_PROXIES ?? "").split(",").map((s) => s.trim()).filter(Boolean).map((a) => {
    if (!/^[0-9a-fA-F:.]+$/.test(a)) {
      throw new ConfigError(`TRUSTED_PROXIES has an entry that is not an IP address: "${a}"`);
    }
    return a.startsWith("::ffff:") && a.includes(".") ? a.slice(7) : a;
  });
}

/**
 * Reads and validates the configuration; throws {@link ConfigError} with one clear line.
 *
 * @example
 * const config = loadConfig({ PORT: "8080" });
 */
export function loadConfig(env: Env = Deno.env.toObject()): Config {
  return {
    port: int(env, "PORT", 8000, 0),
    mongodbUri: url(env, "MONGODB_URI", ["mongodb:", "mongodb+srv:"]),
    // On Deno Deploy (DENO_DEPLOYMENT_ID is set) nothing may be written to disk: "" opens the app's
    // attached KV database (Deno.openKv() without a path).
    kvPath: env.KV_PATH || (env.DENO_DEPLOYMENT_ID ? "" : "./data/parley.kv"),
    redisUrl: url(env, "REDIS_URL", ["redis:", "rediss:"]),
    rateBurst: int(env, "RATE_BURST", 20, 1),
    ratePerSecond: int(env, "RATE_PER_SECOND", 1, 0),
    allowedOrigins: origins(env),
    maxTextLength: int(env, "MAX_TEXT_LENGTH", 2000, 1),
    maxFrameBytes: int(env, "MAX_FRAME_BYTES", 16 * 1024, 256),
    maxBufferedBytes: int(env, "MAX_BUFFERED_BYTES", 1024 * 1024, 1024),
    maxSocketsPerSession: int(env, "MAX_SOCKETS_PER_SESSION", 20, 1),
    maxBodyBytes: int(env, "MAX_BODY_BYTES", 64 * 1024, 256),
    guestSessionsPerMinute: int(env, "GUEST_SESSIONS_PER_MINUTE", 30, 1),
    filesPath: env.FILES_PATH || "./data/files",
    s3Url: url(env, "S3_URL", ["http:", "https:"]),
    maxUploadBytes: int(env, "MAX_UPLOAD_BYTES", 10 * 1024 * 1024, 1),
    uploadsPerMinute: int(env, "UPLOADS_PER_MINUTE", 20, 1),
    editWindowMs: int(env, "EDIT_WINDOW_SECONDS", 15 * 60, 0) * 1000,
    trustedProxies: addresses(env),
    roomsPerUserPerHour: int(env, "ROOMS_PER_USER_PER_HOUR", 20, 1),
    roomsPerAddressPerHour: int(env, "ROOMS_PER_ADDRESS_PER_HOUR", 60, 1),
    maxRoomsPerSocket: int(env, "MAX_ROOMS_PER_SOCKET", 50, 1),
    joinBurst: int(env, "JOIN_BURST", 20, 1),
    joinsPerSecond: int(env, "JOINS_PER_SECOND", 5, 1),
    maxSocketsPerAddress: int(env, "MAX_SOCKETS_PER_ADDRESS", 64, 1),
    lobbyPageSize: int(env, "LOBBY_PAGE_SIZE", 50, 1),
    wsIdleTimeout: int(env, "WS_IDLE_TIMEOUT", 30, 1),
    widgetOrigins: origins(env, "WIDGET_ORIGINS", true),
    smtpUrl: url(env, "SMTP_URL", ["smtp:", "smtps:"]),
  };
}
