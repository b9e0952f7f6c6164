import assert from "node:assert/strict";
import { openKvStore } from "@/lib/store/kv/mod.ts";
import type { Session, Store } from "@/lib/store/types.ts";
import type { Message, SupportSummary } from "@/lib/shared/protocol.ts";
import {
  ALREADY_CLAIMED,
  claimSupport,
  closeSupport,
  listQueue,
  markRead,
  onSupportMessage,
  openSupport,
  resolveProgram,
  type SupportDeps,
} from "@/lib/support/support.ts";
import { HttpError } from "@/lib/web/errors.ts";

function randomSession(role: Session["role"], name = `${role}-${crypto.randomUUID().slice(0, 6)}`): Session {
  const now = new Date();
  return {
    id: crypto.randomUUID(),
    userId: `${role[0]}_${crypto.randomUUID()}`,
    name,
    role,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
  };
}

interface Recorder extends SupportDeps {
  delivered: Message[];
  published: SupportSummary[];
}

async function withDeps(fn: (deps: Recorder) => Promise<void>) {
  const store: Store = await openKvStore(":memory:");
  const deps: Recorder = {
    store,
    delivered: [],
    published: [],
    hub: {
      deliver: (m) => deps.delivered.push(m),
      publishSupport: (s) => deps.published.push(s),
    },
  };
  try {
    await fn(deps);
  } finally {
    await store.close();
  }
}

/** A message from `session` in the room, as the hub would store it, followed by the hook. */
async function userSays(deps: SupportDeps, session: Session, room: string, text: string): Promise<Message> {
  const { message } = await deps.store.appendMessage({
    room,
    kind: "text",
    author: { id: session.userId, name: session.name, role: session.role },
    clientId: crypto.randomUUID(),
    text,
  });
  await onSupportMessage(deps, message);
  return message;
}

Deno.test("[support] openSupport - one conversation per user, waiting, silent until the first message", async () => {
  await withDeps(async (deps) => {
    const user = randomSession("guest", "민지");
    const first = await openSupport(deps, user);
    const again = await openSupport(deps, user);
    assert.equal(first.room, again.room);
    assert.equal(first.state, "waiting");
    assert.equal((await deps.store.getRoom(first.room))?.visibility, "support");
    const counselor = randomSession("counselor");
    assert.deepEqual(await listQueue(deps.store, counselor), []);
    assert.equal(deps.published.length, 0);

    await userSays(deps, user, first.room, "안녕하세요, 데이터 과정 문의드려요");
    assert.equal(deps.published.length, 1);
    assert.equal(deps.published[0].unread, 1);
    const queue = await listQueue(deps.store, counselor, "waiting");
    assert.equal(queue.length, 1);
    assert.equal(queue[0].user.name, "민지");
    assert.equal(queue[0].lastMessage?.text, "안녕하세요, 데이터 과정 문의드려요");
    assert.equal(queue[0].unread, 1);
  });
});

Deno.test("[support] claim and close - states, system messages, conflicts, reopen by the user", async () => {
  await withDeps(async (deps) => {
    const user = randomSession("user");
    const mina = randomSession("counselor", "mina");
    const jun = randomSession("counselor", "jun");
    const { room } = await openSupport(deps, user);
    await userSays(deps, user, room, "hello");

    const claimed = await claimSupport(deps, mina, room);
    assert.equal(claimed.state, "active");
    assert.equal(claimed.counselor?.name, "mina");
    assert.equal(deps.delivered.at(-1)?.text, "mina joined");
    assert.equal(deps.delivered.at(-1)?.kind, "system");
    assert.equal((await claimSupport(deps, mina, room)).state, "active", "claiming again is fine");
    await assert.rejects(
      () => claimSupport(deps, jun, room),
      (e: unknown) => e instanceof HttpError && e.status === 409,
    );
    await assert.rejects(
      () => claimSupport(deps, user, room),
      (e: unknown) => e instanceof HttpError && e.status === 403,
    );
    await assert.rejects(
      () => claimSupport(deps, mina, "nope"),
      (e: unknown) => e instanceof HttpError && e.status === 404,
    );
    assert.equal((await listQueue(deps.store, mina, "active"))[0].unread, 0, "the claim read what was there");

    const closed = await closeSupport(deps, mina, room);
    assert.equal(closed.state, "closed");
    assert.match(deps.delivered.at(-1)?.text ?? "", /closed the conversation/);
    const delivered = deps.delivered.length;
    await closeSupport(deps, mina, room);
    assert.equal(deps.delivered.length, delivered, "closing twice adds nothing");

    await userSays(deps, user, room, "one more question");
    assert.equal((await deps.store.getSupport(room))?.state, "waiting");
    assert.equal(deps.published.at(-1)?.state, "waiting");
    assert.equal(
      (await listQueue(deps.store, jun, "waiting"))[0].unread,
      2,
      "jun never read: both user lines",
    );
  });
});

Deno.test("[support] claim - two counselors claiming at the same instant: one wins, the other gets 409", async () => {
  await withDeps(async (deps) => {
    for (let round = 0; round < 5; round++) {
      const user = randomSession("guest");
      const mina = randomSession("counselor", "mina");
      const jun = randomSession("counselor", "jun");
      const { room } = await openSupport(deps, user);
      await userSays(deps, user, room, "hello");
      const before = deps.delivered.length;
      const settled = await Promise.allSettled([
        claimSupport(deps, mina, room),
        claimSupport(deps, jun, room),
      ]);
      const won = settled.filter((s) => s.status === "fulfilled");
      const lost = settled.filter((s) => s.status === "rejected");
      assert.equal(won.length, 1, "exactly one claim wins");
      const error = (lost[0] as PromiseRejectedResult).reason;
      assert.ok(error instanceof HttpError);
      assert.equal(error.status, 409);
      assert.equal(error.code, "already_claimed");
      assert.ok(error.message.startsWith(ALREADY_CLAIMED), error.message);
      const winner = (won[0] as PromiseFulfilledResult<SupportSummary>).value.counselor;
      assert.deepEqual((await deps.store.getSupport(room))?.counselor, winner);
      const joined = deps.delivered.slice(before).filter((m) => m.kind === "system");
      assert.deepEqual(joined.map((m) => m.text), [`${winner?.name} joined`], "one 'joined' line only");
    }
  });
});

Deno.test("[support] unread - per counselor, read marks never move back, replies claim", async () => {
  await withDeps(async (deps) => {
    const user = randomSession("guest");
    const mina = randomSession("counselor", "mina");
    const jun = randomSession("counselor", "jun");
    const { room } = await openSupport(deps, user);
    const m1 = await userSays(deps, user, room, "one");
    await userSays(deps, user, room, "two");
    await markRead(deps.store, mina, room, m1.seq);
    assert.equal((await listQueue(deps.store, mina))[0].unread, 1);
    assert.equal((await listQueue(deps.store, jun))[0].unread, 2);
    await markRead(deps.store, mina, room, 0);
    assert.equal((await listQueue(deps.store, mina))[0].unread, 1);

    // A counselor's reply to a waiting conversation claims it and reads it.
    await userSays(deps, jun, room, "Hi, I can help");
    const conversation = await deps.store.getSupport(room);
    assert.equal(conversation?.state, "active");
    assert.equal(conversation?.counselor?.name, "jun");
    assert.equal(deps.delivered.at(-1)?.text, "jun joined");
    assert.equal((await listQueue(deps.store, jun))[0].unread, 0);
    await assert.rejects(
      () => markRead(deps.store, user, room, 1),
      (e: unknown) => e instanceof HttpError && e.status === 403,
    );
  });
});

Deno.test("[support] onSupportMessage - ignores other rooms; resolveProgram snapshots", async () => {
  await withDeps(async (deps) => {
    const owner = randomSession("user");
    const room = await deps.store.createRoom({
      name: "general",
      visibility: "public",
      ownerId: owner.userId,
    });
    await userSays(deps, owner, room.id, "hi");
    assert.equal(deps.published.length, 0);
    assert.equal(await resolveProgram(deps.store, "missing"), null);
    await deps.store.upsertProgram({
      id: "p1",
      title: "코딩 캠프",
      description: "d",
      startsAt: "2027-01-01T00:00:00.000Z",
      endsAt: "2027-02-01T00:00:00.000Z",
      price: 1000,
      currency: "KRW",
      url: "https://x.example/p1",
      tags: [],
      updatedAt: "2026-11-22T00:00:00.000Z",
    });
    assert.deepEqual(await resolveProgram(deps.store, "p1"), {
      id: "p1",
      title: "코딩 캠프",
      startsAt: "2027-01-01T00:00:00.000Z",
      endsAt: "2027-02-01T00:00:00.000Z",
      price: 1000,
      currency: "KRW",
      url: "https://x.example/p1",
    });
  });
});
