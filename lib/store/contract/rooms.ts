/**
 * The rooms part of the store contract: creating and finding rooms (names unique without regard to
 * case among public rooms, invite codes), listing public rooms page by page, memberships, and ids
 * that refuse anything but strings.
 */
import assert from "node:assert/strict";
import { StoreConflictError } from "@/lib/store/errors.ts";
import {
  assertStoreError,
  type ContractTest,
  createPublic,
  randomId,
  randomMessage,
  randomSupport,
} from "./data.ts";

export function registerRoomContract(test: ContractTest): void {
  test("createRoom - returns the stored room with an id and lastSeq 0", async (store) => {
    const room = await store.createRoom({ name: "Lobby Chat", visibility: "public", ownerId: "u1" });
    assert.equal(typeof room.id, "string");
    assert.equal(room.lastSeq, 0);
    assert.equal(room.inviteCode, undefined);
    assert.ok(!Number.isNaN(Date.parse(room.createdAt)));
    assert.deepEqual(await store.getRoom(room.id), room);
    assert.equal(await store.getRoom("nope"), null);
  });

  test("createRoom - public names are unique without regard to case; private ones block nothing", async (store) => {
    await createPublic(store, "Coffee Talk");
    await assertStoreError(
      store.createRoom({ name: "coffee TALK", visibility: "public", ownerId: "x" }),
      StoreConflictError,
      "room_exists",
    );
    // A private room may share a public name, and its own name never blocks a public room.
    await store.createRoom({
      name: "coffee talk",
      visibility: "private",
      ownerId: "x",
      inviteCode: randomId(),
    });
    await store.createRoom({ name: "Tea Room", visibility: "private", ownerId: "x", inviteCode: randomId() });
    await store.createRoom({ name: "Tea Room", visibility: "private", ownerId: "y", inviteCode: randomId() });
    await createPublic(store, "tea room");
    // Support rooms are named after their user and never block or clash.
    const make = randomSupport({ id: "u1", name: "Coffee Talk", role: "user" })().room;
    await store.createRoom({ name: make.name, visibility: "support", ownerId: "u1" });
    await store.createRoom({ name: make.name, visibility: "support", ownerId: "u2" });
  });

  test("getRoomByName - finds public rooms case-insensitively, never private ones", async (store) => {
    const room = await createPublic(store, "Night Owls 서울");
    assert.deepEqual(await store.getRoomByName("night owls 서울"), room);
    // The same name typed decomposed (NFD) is the same name.
    assert.deepEqual(await store.getRoomByName("night owls 서울".normalize("NFD")), room);
    assert.equal(await store.getRoomByName("night owls"), null);
    await store.createRoom({
      name: "Hidden Den",
      visibility: "private",
      ownerId: "u",
      inviteCode: randomId(),
    });
    assert.equal(await store.getRoomByName("hidden den"), null);
  });

  test("getRoomByInvite - looks up and rotates invite codes", async (store) => {
    const room = await store.createRoom({
      name: "Secret",
      visibility: "private",
      ownerId: "u1",
      inviteCode: "code-1",
    });
    assert.equal(room.inviteCode, "code-1");
    assert.deepEqual(await store.getRoomByInvite("code-1"), room);
    await store.setInviteCode(room.id, "code-2");
    assert.equal(await store.getRoomByInvite("code-1"), null);
    assert.equal((await store.getRoomByInvite("code-2"))?.id, room.id);
    assert.equal((await store.getRoom(room.id))?.inviteCode, "code-2");
    assert.equal(await store.getRoomByInvite("nope"), null);
  });

  test("listPublicRooms - lists only public rooms, with their lastSeq", async (store) => {
    const a = await createPublic(store);
    const b = await createPublic(store);
    await store.createRoom({ name: "Hidden", visibility: "private", ownerId: "u", inviteCode: randomId() });
    await store.appendMessage(randomMessage(b.id));
    const rooms = await store.listPublicRooms({ limit: 10 });
    assert.deepEqual(rooms.map((r) => r.id), [a.id, b.id]);
    assert.deepEqual(rooms.map((r) => r.lastSeq), [0, 1]);
  });

  test("listPublicRooms - pages by id, oldest first, each page bounded", async (store) => {
    const made = [];
    for (let i = 0; i < 7; i++) made.push((await createPublic(store)).id);
    const seen: string[] = [];
    let after: string | undefined;
    while (true) {
      const page = await store.listPublicRooms({ limit: 3, after });
      assert.ok(page.length <= 3);
      seen.push(...page.map((r) => r.id));
      if (page.length < 3) break;
      after = page.at(-1)!.id;
    }
    assert.deepEqual(seen, made);
  });

  test("addMember - records memberships, idempotently", async (store) => {
    const a = await createPublic(store);
    const b = await store.createRoom({
      name: "Club",
      visibility: "private",
      ownerId: "u",
      inviteCode: randomId(),
    });
    await createPublic(store);
    await store.addMember(a.id, "u1");
    await store.addMember(a.id, "u1");
    await store.addMember(b.id, "u1");
    assert.equal(await store.isMember(a.id, "u1"), true);
    assert.equal(await store.isMember(a.id, "u2"), false);
    assert.deepEqual((await store.listRoomsOf("u1")).map((r) => r.id).sort(), [a.id, b.id].sort());
    assert.deepEqual(await store.listRoomsOf("u2"), []);
  });

  test("ids - non-string input is refused with a TypeError", async (store) => {
    const evil = { $ne: "" } as unknown as string;
    await assert.rejects(store.getRoom(evil), TypeError);
    await assert.rejects(store.getUserByUsername(evil), TypeError);
    await assert.rejects(store.getSession(evil), TypeError);
    await assert.rejects(store.getProgram(evil), TypeError);
    await assert.rejects(store.appendMessage(randomMessage(evil)), TypeError);
    await assert.rejects(store.getRoomByInvite(evil), TypeError);
  });
}
