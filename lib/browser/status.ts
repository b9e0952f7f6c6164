import { type Translator, translator } from "@/lib/shared/i18n/mod.ts";
import { CloseCode } from "@/lib/shared/protocol.ts";

/**
 * The connection state of the browser's chat socket as the panes show it, and the reconnect
 * schedule: first retry after 2 s, then doubling with jitter up to 30 s. Pure and browser-safe.
 */

/** "closed" carries the seconds until the next try (null: not retrying, e.g. signed out). */
export type ConnectionStatus =
  | { state: "connecting" }
  | { state: "open" }
  | { state: "closed"; retryIn: number | null; reason?: string; code?: number };

/** The timers the connection uses, so tests can drive time by hand. */
export interface Clock {
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(id: number): void;
  now(): number;
}

const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 30_000;

/**
 * The wait before reconnect attempt `attempt` (0-based): 2 s first, then doubling with ±20 % jitter,
 * never past 30 s.
 *
 * @example
 * retryDelay(0, Math.random); // 2000
 */
export function retryDelay(attempt: number, random: () => number): number {
  if (attempt <= 0) return FIRST_RETRY_MS;
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt);
  return Math.min(MAX_RETRY_MS, Math.round(base * (0.8 + 0.4 * random())));
}

/** The real timers. */
export const browserClock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as number,
  clearTimeout: (id) => clearTimeout(id),
  now: () => Date.now(),
};

/**
 * Whether two statuses read the same on screen (a countdown that moved is a change).
 *
 * @example
 * sameStatus({ state: "open" }, { state: "open" }); // true
 */
export function sameStatus(a: ConnectionStatus, b: ConnectionStatus): boolean {
  if (a.state !== b.state) return false;
  return a.state !== "closed" ||
    (b.state === "closed" && a.retryIn === b.retryIn && a.reason === b.reason && a.code === b.code);
}

/**
 * The status line of a chat pane.
 *
 * @example
 * statusText({ state: "closed", retryIn: 4 }); // "Connection is closed — reconnecting in 4 s"
 */
export function statusText(status: ConnectionStatus, { t }: Translator = translator("en")): string {
  if (status.state === "open") return t("chat.conn.open");
  if (status.state === "connecting") return t("chat.conn.connecting");
  if (status.retryIn === null) {
    // The server's close reason is English; the code says the same in the reader's language.
    const reason = status.code === CloseCode.loggedOut || status.code === CloseCode.unauthorized
      ? t("chat.err.signedOut")
      : status.code === CloseCode.tooManySockets
      ? t("chat.tooManyTabs")
      : t("chat.conn.notReconnecting");
    return t("chat.conn.closedNoRetry", { reason });
  }
  if (status.retryIn === 0) return t("chat.conn.reconnectingNow");
  return t("chat.conn.reconnectingIn", { seconds: status.retryIn });
}
