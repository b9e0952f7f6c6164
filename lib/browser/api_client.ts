/**
 * The browser's calls to Parley's JSON API. Browser-safe: fetch only, types only from the server.
 * Every failure becomes an `ApiError` carrying the server's `{error: {code, message}}`.
 */
import type { Message, UserRef } from "@/lib/shared/protocol.ts";
import { DEFAULT_LOCALE, isLocale, translator } from "@/lib/shared/i18n/mod.ts";

/** The page's language (`<html lang>`), for the few messages the browser writes itself. */
function pageT() {
  const lang = globalThis.document?.documentElement.lang;
  return translator(isLocale(lang) ? lang : DEFAULT_LOCALE).t;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = "ApiError";
  }
}

/** The room fields the browser uses (RoomView of lib/rooms/rooms.ts). */
export interface RoomInfo {
  id: string;
  name: string;
  visibility: "public" | "private" | "support";
  inviteCode?: string;
  count?: number;
}

let bearer: string | undefined;

/**
 * Sends `token` as `Authorization: Bearer` on every call from now on (the widget frame, which has
 * no cookie of ours on a site that blocks third-party cookies).
 *
 * @example
 * useApiToken(token);
 */
export function useApiToken(token: string): void {
  bearer = token;
}

/**
 * GETs or POSTs JSON and returns the parsed answer.
 *
 * @example
 * const me = await api<UserRef>("/api/session", { nickname: "mina" });
 */
export async function api<T>(path: string, body?: unknown, method?: "PUT" | "DELETE"): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: method ?? (body === undefined ? "GET" : "POST"),
      headers: {
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError(0, "network", pageT()("errors.code.network"));
  }
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const err = data?.error ?? {};
    throw new ApiError(res.status, err.code ?? "http", err.message ?? pageT()("errors.code.internal"));
  }
  return data as T;
}

/**
 * Starts a guest session with a nickname.
 *
 * @example
 * const me = await startGuest("mina");
 */
export function startGuest(nickname: string): Promise<UserRef> {
  return api<UserRef>("/api/session", { nickname });
}

/**
 * One page of older history: messages with seq < before, oldest first.
 *
 * @example
 * const { messages, hasMore } = await olderMessages(roomId, 51);
 */
export function olderMessages(room: string, before: number, limit = 50) {
  return api<{ messages: Message[]; hasMore: boolean }>(
    `/api/rooms/${encodeURIComponent(room)}/messages?before=${before}&limit=${limit}`,
  );
}

/** The message text of any thrown value, for an inline error. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : pageT()("chat.err.generic");
}
