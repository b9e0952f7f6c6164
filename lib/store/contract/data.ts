/**
 * Test data factories and helpers of the store contract (`randomX()` makes unique, valid records).
 */
import assert from "node:assert/strict";
import { ulid } from "ulid";
import { StoreError } from "@/lib/store/errors.ts";
import type { UserRef } from "@/lib/shared/protocol.ts";
import type { NewMessage, Program, Room, Store, SupportConversation, User } from "../types.ts";

export interface ContractOptions {
  /** Opens a second, independent store over the same data (another process's view). */
  twin?: (store: Store) => Promise<Store>;
  /** Extra Deno.test options, e.g. sanitizers a driver's connection pool cannot satisfy. */
  testOptions?: Omit<Deno.TestDefinition, "name" | "fn">;
}

export type ContractTest = (subject: string, fn: (store: Store) => Promise<void>) => void;

let counter = 0;
/** A unique, URL-safe id for test data. */
export const randomId = (prefix = "t") =>
  `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${crypto.randomUUID().slice(0, 8)}`;

export function randomUserRef(role: UserRef["role"] = "user"): UserRef {
  return { id: randomId("u"), name: `Name ${randomId()}`, role };
}

export function randomUser(overrides: Partial<User> = {}): User {
  return {
    id: randomId("u"),
    username: `User_${randomId()}`,
    role: "user",
    passwordHash: `hash:${randomId()}`,
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

export function randomMessage(
  room: string,
  author = randomUserRef(),
  overrides: Partial<NewMessage> = {},
): NewMessage {
  return { room, kind: "text", author, clientId: randomId("c"), text: `hello ${randomId()}`, ...overrides };
}

export function randomProgram(overrides: Partial<Program> = {}): Program {
  const id = randomId("p");
  return {
    id,
    title: `Program ${id}`,
    description: `About ${id}`,
    startsAt: "2030-01-01T09:00:00.000Z",
    endsAt: "2030-02-01T09:00:00.000Z",
    price: 120000,
    currency: "KRW",
    url: `https://example.com/programs/${id}`,
    tags: ["course"],
    updatedAt: new Date().toISOString(),
    ...overrides,
  };
}

export function randomSupport(user: UserRef): () => { room: Room; conversation: SupportConversation } {
  return () => {
    const now = new Date().toISOString();
    const room: Room = {
      id: ulid(),
      name: `Support: ${user.name}`,
      visibility: "support",
      ownerId: user.id,
      createdAt: now,
      lastSeq: 0,
    };
    return { room, conversation: { room: room.id, user, state: "waiting", createdAt: now, updatedAt: now } };
  };
}

export async function createPublic(store: Store, name = `Room ${randomId()}`) {
  return await store.createRoom({ name, visibility: "public", ownerId: randomId("u") });
}

/** Rejects with a store error of this class and code (stores never throw HTTP errors). */
export async function assertStoreError(
  promise: Promise<unknown>,
  type: new (...args: never[]) => StoreError,
  code: string,
) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${error}`);
    assert.equal(error.code, code);
    return true;
  });
}

/**
 * Resolves once the wall clock is past `at` (ms since the epoch): the stores stamp and expire by it,
 * so this is the event a test of an expiry or of an order by time waits for.
 *
 * @example
 * await clockPast(expiresAt);
 */
export async function clockPast(at: number): Promise<void> {
  while (Date.now() <= at) await new Promise((resolve) => setTimeout(resolve, 1));
}
