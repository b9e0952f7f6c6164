/**
 * The program catalog and support conversations of the Deno KV store. The catalog is small (hundreds
 * of programs), so search filters in memory with a plain lowercase `includes`: no pattern is built
 * from the search text at all.
 */
import type { SupportState } from "@/lib/shared/protocol.ts";
import type {
  Program,
  ProgramPage,
  ProgramQuery,
  ProgramsAndSupport,
  SupportConversation,
} from "../types.ts";
import { assertStrings, withoutUndefined } from "../records.ts";
import {
  decodeCursor,
  encodeCursor,
  matchesStatus,
  pageLimit,
  programChanged,
  programOrder,
  timeMs,
} from "../programs_query.ts";
import { meetsSupportExpect, supportChanged } from "../support_expect.ts";
import { retryAtomic } from "./retry.ts";

/** The program and support methods of a KV store over `kv`. */
export function kvProgramsAndSupport(kv: Deno.Kv): ProgramsAndSupport {
  return {
    async upsertProgram(program) {
      assertStrings({ id: program.id });
      const record = withoutUndefined(program);
      return await retryAtomic(async () => {
        const entry = await kv.get<Program>(["program", program.id]);
        if (!programChanged(entry.value, record)) return { changed: false };
        const ok = (await kv.atomic().check(entry).set(["program", program.id], record).commit()).ok;
        return ok ? { changed: true } : undefined;
      });
    },

    async getProgram(id) {
      assertStrings({ id });
      return (await kv.get<Program>(["program", id])).value;
    },

    async searchPrograms(query: ProgramQuery): Promise<ProgramPage> {
      const needle = query.q ? String(query.q).toLowerCase() : "";
      const order = programOrder(query.status);
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const sign = order.descending ? -1 : 1;
      const keyOf = (p: Program) => timeMs(p[order.field]);
      const compare = (aKey: number, aId: string, bKey: number, bId: string) =>
        aKey !== bKey ? sign * (aKey - bKey) : aId < bId ? -1 : aId > bId ? 1 : 0;
      const found: Program[] = [];
      for await (const entry of kv.list<Program>({ prefix: ["program"] })) {
        const p = entry.value;
        if (!matchesStatus(p, query.status, query.now)) continue;
        if (
          needle && !`${p.title}`.toLowerCase().includes(needle) &&
          !`${p.description}`.toLowerCase().includes(needle)
        ) {
          continue;
        }
        if (after && compare(keyOf(p), p.id, after.key, after.id) <= 0) continue;
        found.push(p);
      }
      found.sort((a, b) => compare(keyOf(a), a.id, keyOf(b), b.id));
      const limit = pageLimit(query.limit);
      const programs = found.slice(0, limit);
      const last = programs.at(-1);
      return found.length > limit && last
        ? { programs, nextCursor: encodeCursor({ key: keyOf(last), id: last.id }) }
        : { programs };
    },

    async getOrCreateSupport(user, make) {
      assertStrings({ userId: user.id });
      const byUser = ["supportByUser", user.id];
      return await retryAtomic(async () => {
        const existing = await kv.get<string>(byUser);
        if (existing.value) {
          const conversation = await kv.get<SupportConversation>(["support", existing.value]);
          if (conversation.value) return conversation.value;
        }
        const made = make();
        const room = withoutUndefined(made.room);
        const conversation = withoutUndefined(made.conversation);
        const { lastSeq: _lastSeq, ...storedRoom } = room;
        const result = await kv.atomic().check(existing)
          .check({ key: ["room", room.id], versionstamp: null })
          .set(["room", room.id], storedRoom)
          .set(["support", conversation.room], conversation)
          .set(byUser, conversation.room)
          .commit();
        return result.ok ? conversation : undefined;
      });
    },

    async getSupport(room) {
      assertStrings({ room });
      return (await kv.get<SupportConversation>(["support", room])).value;
    },

    async listSupport(state?: SupportState) {
      const list: SupportConversation[] = [];
      for await (const entry of kv.list<SupportConversation>({ prefix: ["support"] })) {
        if (!state || entry.value.state === state) list.push(entry.value);
      }
      return list.sort(bySupportAge);
    },

    async updateSupport(room, patch, expect) {
      assertStrings({ room });
      return await retryAtomic(async () => {
        const entry = await kv.get<SupportConversation>(["support", room]);
        if (!entry.value) return null;
        // Checked on every attempt: the commit below only lands on the version read here.
        if (!meetsSupportExpect(entry.value, expect)) throw supportChanged();
        const next = withoutUndefined({
          ...entry.value,
          ...(patch.state ? { state: patch.state } : {}),
          ...(patch.counselor ? { counselor: patch.counselor } : {}),
          ...(patch.offline !== undefined ? { offline: patch.offline } : {}),
          ...(patch.contact ? { contact: patch.contact } : {}),
          updatedAt: new Date().toISOString(),
        });
        const ok = (await kv.atomic().check(entry).set(["support", room], next).commit()).ok;
        return ok ? next : undefined;
      });
    },
  };
}

/** The queue order: oldest conversation first, then by room id. */
export function bySupportAge(a: SupportConversation, b: SupportConversation): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.room < b.room ? -1 : a.room > b.room ? 1 : 0;
}
