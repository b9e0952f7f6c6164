/**
 * Private rooms over HTTP and the WebSocket, on both stores: invite codes, membership, who can read
 * and join, rotation; and sessions that end (logout, login) closing their sockets with 4403.
 */
import assert from "node:assert/strict";
import { accountLimits } from "@/lib/accounts/accounts.ts";
import { CloseCode } from "@/lib/shared/protocol.ts";
import { onBothStores, type TestApp, type TestClient } from "@/tests/support/app.ts";
import { connect } from "@/tests/support/client.ts";
import { awaitRoomInWindow } from "@/tests/support/windows.ts";

const PW = "correct horse battery";
let n = 0;
const unique = (prefix: string) => `${prefix}_${Date.now().toString(36)}${(n++).toString(36)}`;

interface RoomJson {
  id: string;
  name: string;
  visibility: string;
  inviteCode?: string;
}

async function user(t: TestApp): Promise<TestClient> {
  const c = t.client();
  const r = await c.post("/api/signup", { username: unique("u"), password: PW });
  assert.equal(r.status, 201);
  return c;
}

async function guest(t: TestApp, nickname = "guest"): Promise<TestClient> {
  const c = t.client();
  assert.equal((await c.post("/api/session", { nickname })).status, 201);
  return c;
}

async function privateRoom(owner: TestClient): Promise<RoomJson> {
  const r = await owner.post("/api/rooms", { name: unique("hideout"), visibility: "private" });
  assert.equal(r.status, 201);
  return r.json as unknown as RoomJson;
}

async function lobby(c: TestClient): Promise<{ rooms: RoomJson[]; mine: RoomJson[] }> {
  const r = await c.get("/api/rooms");
  assert.equal(r.status, 200);
  return r.json as unknown as { rooms: RoomJson[]; mine: RoomJson[] };
}

onBothStores((kind, open) => {
  const test = (name: string, fn: (t: TestApp) => Promise<void>) =>
    Deno.test(`[private:${kind}] ${name}`, async () => {
      const t = await open();
      try {
        await fn(t);
      } finally {
        await t.close();
      }
    });

  test("create - a private room carries an unguessable, URL-safe invite code", async (t) => {
    const owner = await user(t);
    const codes = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const room = await privateRoom(owner);
      assert.equal(room.visibility, "private");
      // ≥ 80 random bits: 22 base64url characters carry 128.
      assert.match(room.inviteCode!, /^[A-Za-z0-9_-]{22,}$/);
      codes.add(room.inviteCode!);
    }
    assert.equal(codes.size, 5);
    const pub = await owner.post("/api/rooms", { name: unique("open"), visibility: "public" });
    assert.equal(pub.json!.inviteCode, undefined);
  });

  test("non-members - no lobby entry, history 403, socket join refused with `forbidden`", async (t) => {
    const owner = await user(t);
    const room = await privateRoom(owner);
    const { wsUrl } = t.listen();
    for (const outsider of [await user(t), await guest(t)]) {
      const view = await lobby(outsider);
      assert.ok(!view.rooms.some((r) => r.id === room.id));
      assert.ok(!view.mine.some((r) => r.id === room.id));
      const history = await outsider.get(`/api/rooms/${room.id}/messages`);
      assert.equal(history.status, 403);
      assert.ok(!JSON.stringify(history.json).includes(room.inviteCode!));
      const ws = await connect(wsUrl, outsider.cookie);
      try {
        const answer = await ws.join(room.id);
        assert.equal(answer.type, "error");
        assert.equal(answer.code, "forbidden");
        // Refused, not thrown out: the socket stays usable.
        ws.send({ type: "ping" });
        await ws.next((f) => f.type === "pong");
        ws.send({ type: "send", room: room.id, clientId: unique("c"), text: "let me in" });
        const err = await ws.next((f) => f.type === "error");
        assert.ok(["forbidden", "not_joined"].includes(err.code));
      } finally {
        await ws.close();
      }
    }
    assert.deepEqual(await t.services.store.listMessages(room.id, { limit: 10 }), []);
    // The anonymous public sees nothing either.
    assert.ok(!(await lobby(t.client())).rooms.some((r) => r.id === room.id));
    assert.equal((await t.client().get(`/api/rooms/${room.id}/messages`)).status, 403);
  });

  test("join - the invite code makes the caller a member: lobby `mine`, history, socket", async (t) => {
    const owner = await user(t);
    const room = await privateRoom(owner);
    const { wsUrl } = t.listen();
    const ownerWs = await connect(wsUrl, owner.cookie);
    try {
      assert.equal((await ownerWs.join(room.id)).type, "joined");
      ownerWs.send({ type: "send", room: room.id, clientId: unique("c"), text: "welcome" });
      await ownerWs.next((f) => f.type === "ack");

      for (const member of [await user(t), await guest(t, "visitor")]) {
        const joined = await member.post("/api/rooms/join", { code: room.inviteCode });
        assert.equal(joined.status, 200);
        assert.equal(joined.json!.id, room.id);
        assert.ok(
          (await lobby(member)).mine.some((r) => r.id === room.id && r.inviteCode === room.inviteCode),
        );
        assert.ok(
          !(await lobby(member)).rooms.some((r) => r.id === room.id),
          "private rooms stay out of the public list",
        );
        const history = await member.get(`/api/rooms/${room.id}/messages`);
        assert.equal(history.status, 200);
        assert.equal((history.json!.messages as { text: string }[])[0].text, "welcome");
        const ws = await connect(wsUrl, member.cookie);
        try {
          const frame = await ws.join(room.id);
          assert.equal(frame.type, "joined");
          assert.equal(frame.messages.at(-1).text, "welcome");
        } finally {
          await ws.close();
        }
        // Joining twice is harmless.
        assert.equal((await member.post("/api/rooms/join", { code: room.inviteCode })).status, 200);
      }
    } finally {
      await ownerWs.close();
    }
  });

  test("join - needs a session; unknown codes 404, then 429 after repeated misses", async (t) => {
    const owner = await user(t);
    const room = await privateRoom(owner);
    assert.equal((await t.client().post("/api/rooms/join", { code: room.inviteCode })).status, 401);
    accountLimits(t.services.config, { inviteFailuresPerAddress: 3 });
    await awaitRoomInWindow(15 * 60_000);
    const prober = await guest(t);
    for (let i = 0; i < 3; i++) {
      const r = await prober.post("/api/rooms/join", { code: `${"A".repeat(20)}${i}x` });
      assert.equal(r.status, 404);
    }
    const r = await prober.post("/api/rooms/join", { code: room.inviteCode });
    assert.equal(r.status, 429);
    assert.ok(Number(r.res.headers.get("retry-after")) > 0);
  });

  test("many-to-many - a user has many rooms, a room many members", async (t) => {
    const owners = [await user(t), await user(t), await user(t)];
    const rooms = await Promise.all(owners.map(privateRoom));
    const members = [await user(t), await user(t)];
    for (const m of members) {
      for (const room of rooms) {
        assert.equal((await m.post("/api/rooms/join", { code: room.inviteCode })).status, 200);
      }
      const mine = (await lobby(m)).mine.map((r) => r.id).sort();
      assert.deepEqual(mine, rooms.map((r) => r.id).sort());
    }
    for (const [i, owner] of owners.entries()) {
      assert.deepEqual((await lobby(owner)).mine.map((r) => r.id), [rooms[i].id]);
    }
    for (const room of rooms) {
      for (const m of members) {
        assert.ok(await t.services.store.isMember(room.id, (await m.get("/api/me")).json!.id as string));
      }
    }
  });

  test("rotate - only the owner; the old code stops working, members stay", async (t) => {
    const owner = await user(t);
    const room = await privateRoom(owner);
    const member = await user(t);
    assert.equal((await member.post("/api/rooms/join", { code: room.inviteCode })).status, 200);

    const byMember = await member.post(`/api/rooms/${room.id}/invite`);
    assert.equal(byMember.status, 403);
    const outsider = await user(t);
    assert.equal((await outsider.post(`/api/rooms/${room.id}/invite`)).status, 403);
    assert.equal((await t.client().post(`/api/rooms/${room.id}/invite`)).status, 401);
    assert.equal((await owner.post(`/api/rooms/01NOSUCHROOM0000000000000/invite`)).status, 404);

    const rotated = await owner.post(`/api/rooms/${room.id}/invite`);
    assert.equal(rotated.status, 200);
    const fresh = rotated.json!.inviteCode as string;
    assert.match(fresh, /^[A-Za-z0-9_-]{22,}$/);
    assert.notEqual(fresh, room.inviteCode);

    const late = await user(t);
    assert.equal((await late.post("/api/rooms/join", { code: room.inviteCode })).status, 404);
    assert.equal(await t.services.store.getRoomByInvite(room.inviteCode!), null);
    assert.equal((await late.post("/api/rooms/join", { code: fresh })).status, 200);
    assert.equal((await member.get(`/api/rooms/${room.id}/messages`)).status, 200, "members stay members");
    assert.equal((await lobby(owner)).mine.find((r) => r.id === room.id)?.inviteCode, fresh);

    const pub = await owner.post("/api/rooms", { name: unique("open"), visibility: "public" });
    assert.equal((await owner.post(`/api/rooms/${pub.json!.id}/invite`)).status, 400);
  });

  test("sessions - logout closes the session's sockets with 4403; so does login over a guest", async (t) => {
    const { wsUrl } = t.listen();
    const c = await user(t);
    const sockets = [await connect(wsUrl, c.cookie), await connect(wsUrl, c.cookie)];
    const bystander = await user(t);
    const other = await connect(wsUrl, bystander.cookie);
    try {
      assert.equal((await c.post("/api/logout")).status, 204);
      for (const ws of sockets) assert.equal((await ws.closed).code, CloseCode.loggedOut);
      other.send({ type: "ping" });
      await other.next((f) => f.type === "pong");

      const g = await guest(t);
      const guestWs = await connect(wsUrl, g.cookie);
      assert.equal((await g.post("/api/signup", { username: unique("up"), password: PW })).status, 201);
      assert.equal((await guestWs.closed).code, CloseCode.loggedOut);
      // The new session connects.
      const again = await connect(wsUrl, g.cookie);
      again.send({ type: "ping" });
      await again.next((f) => f.type === "pong");
      await again.close();
    } finally {
      for (const ws of sockets) await ws.close();
      await other.close();
    }
  });
});
