/**
 * Attachments over HTTP, on both stores: upload (members only, size and type limits, cleaned names,
 * per-user bounds) and download (members only, headers that keep an upload from running as Parley).
 */
import assert from "node:assert/strict";
import sharp from "sharp";
import { onBothStores, type TestApp } from "@/tests/support/app.ts";
import { call, makeSession } from "@/tests/support/sessions.ts";
import type { Session } from "@/lib/store/types.ts";
import { SESSION_COOKIE } from "@/lib/accounts/auth.ts";

async function png(width = 64, height = 40): Promise<Uint8Array> {
  const image = sharp({ create: { width, height, channels: 3, background: { r: 10, g: 120, b: 200 } } });
  return new Uint8Array(await image.png().toBuffer());
}

function upload(t: TestApp, room: string, session: Session | null, bytes: Uint8Array, name = "photo.png") {
  const form = new FormData();
  form.append(
    "file",
    new File([bytes as Uint8Array<ArrayBuffer>], name, { type: "application/octet-stream" }),
  );
  const headers: Record<string, string> = { accept: "application/json" };
  if (session) headers.cookie = `${SESSION_COOKIE}=${session.id}`;
  return t.app.request(`/api/rooms/${room}/files`, { method: "POST", body: form, headers }, {
    remoteAddr: { hostname: "127.0.0.1", port: 40000, transport: "tcp" },
  });
}

async function setup(t: TestApp) {
  const owner = await makeSession(t.services.store, "user", "owner");
  const room = await t.services.store.createRoom({
    name: `files ${crypto.randomUUID()}`,
    visibility: "private",
    ownerId: owner.userId,
  });
  await t.services.store.addMember(room.id, owner.userId);
  const stranger = await makeSession(t.services.store, "user", "stranger");
  return { owner, room: room.id, stranger };
}

onBothStores((kind, open) => {
  const test = (name: string, fn: (t: TestApp) => Promise<void>, env: Record<string, string> = {}) =>
    Deno.test(`[files:${kind}] ${name}`, async () => {
      const t = await open({ env });
      try {
        await fn(t);
      } finally {
        await t.close();
      }
    });

  test("upload - an image is stored with its type from the bytes, its size and a thumbnail", async (t) => {
    const { owner, room } = await setup(t);
    const bytes = await png(640, 400);
    const res = await upload(t, room, owner, bytes, "holiday.jpg");
    assert.equal(res.status, 201);
    const { file } = await res.json();
    assert.equal(file.type, "image/png");
    assert.equal(file.name, "holiday.jpg");
    assert.equal(file.size, bytes.length);
    assert.equal(file.width, 640);
    assert.equal(file.height, 400);
    assert.equal(file.url, `/api/rooms/${room}/files/${file.id}`);
    const got = await call(t.app, file.url, { session: owner });
    assert.equal(got.status, 200);
    assert.equal(got.res.headers.get("content-type"), "image/png");
    assert.equal(got.res.headers.get("x-content-type-options"), "nosniff");
    assert.match(got.res.headers.get("content-security-policy")!, /sandbox/);
    assert.match(got.res.headers.get("content-disposition")!, /^inline; filename="holiday.jpg"/);
    const thumb = await t.app.request(file.thumbUrl, {
      headers: { cookie: `${SESSION_COOKIE}=${owner.id}` },
    });
    assert.equal(thumb.headers.get("content-type"), "image/webp");
    const meta = await sharp(new Uint8Array(await thumb.arrayBuffer())).metadata();
    assert.equal(meta.width, 480);
    assert.equal(meta.height, 300);
  });

  test("download - members only: a stranger and no session are refused", async (t) => {
    const { owner, room, stranger } = await setup(t);
    const { file } = await (await upload(t, room, owner, await png())).json();
    assert.equal((await call(t.app, file.url, { session: stranger })).status, 403);
    assert.equal((await call(t.app, file.url)).status, 401);
    assert.equal((await upload(t, room, stranger, await png())).status, 403);
    assert.equal((await upload(t, room, null, await png())).status, 401);
    assert.equal((await call(t.app, `/api/rooms/${room}/files/nope`, { session: owner })).status, 404);
  });

  test("upload - HTML or SVG named as an image is served as plain text to download, sandboxed", async (t) => {
    const { owner, room } = await setup(t);
    for (
      const text of [
        "<html><script>alert(1)</script></html>",
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
      ]
    ) {
      const res = await upload(t, room, owner, new TextEncoder().encode(text), "cat.png");
      assert.equal(res.status, 201);
      const { file } = await res.json();
      assert.equal(file.type, "text/plain");
      assert.equal(file.width, undefined);
      const got = await call(t.app, file.url, { session: owner });
      assert.equal(got.res.headers.get("content-type"), "text/plain; charset=utf-8");
      assert.match(got.res.headers.get("content-disposition")!, /^attachment; /);
      assert.match(got.res.headers.get("content-security-policy")!, /default-src 'none'.*sandbox/);
      assert.equal(got.json, text);
    }
  });

  test("upload - a type Parley does not accept is 415", async (t) => {
    const { owner, room } = await setup(t);
    const elf = new Uint8Array(256);
    elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
    const res = await upload(t, room, owner, elf, "photo.png");
    assert.equal(res.status, 415);
    assert.equal((await res.json()).error.code, "unsupported_type");
  });

  test("upload - a file name's path parts, control characters and bidi overrides are cleaned", async (t) => {
    const { owner, room } = await setup(t);
    const res = await upload(
      t,
      room,
      owner,
      new TextEncoder().encode("hello"),
      "../../etc/re\u202Eport\u0007 \u200f.txt",
    );
    const { file } = await res.json();
    assert.equal(file.name, "report .txt");
    const got = await call(t.app, file.url, { session: owner });
    assert.match(got.res.headers.get("content-disposition")!, /filename="report .txt"/);
  });

  test("upload - past MAX_UPLOAD_BYTES is 413, before the body is all read", async (t) => {
    const { owner, room } = await setup(t);
    // With a Content-Length: refused from the header.
    const big = new Uint8Array(40_000).fill(65);
    const res = await upload(t, room, owner, big, "big.txt");
    assert.equal(res.status, 413);
    // Streamed with no length: refused once the count passes the limit, long before the end.
    let pulled = 0;
    const total = 4 * 1024 * 1024;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += 16 * 1024;
        controller.enqueue(new Uint8Array(16 * 1024).fill(66));
      },
    });
    const streamed = await t.app.request(`/api/rooms/${room}/files`, {
      method: "POST",
      body,
      headers: { cookie: `${SESSION_COOKIE}=${owner.id}`, "content-type": "multipart/form-data; boundary=x" },
    });
    assert.equal(streamed.status, 413);
    assert.ok(pulled < total / 4, `read ${pulled} of ${total} bytes`);
    // Just under the limit is fine.
    assert.equal((await upload(t, room, owner, new Uint8Array(9_000).fill(65), "ok.txt")).status, 201);
  }, { MAX_UPLOAD_BYTES: "10000" });

  test("upload - uploads per user per minute are bounded (429)", async (t) => {
    const { owner, room } = await setup(t);
    for (let i = 0; i < 2; i++) assert.equal((await upload(t, room, owner, await png())).status, 201);
    const res = await upload(t, room, owner, await png());
    assert.equal(res.status, 429);
    assert.ok(res.headers.get("retry-after"));
  }, { UPLOADS_PER_MINUTE: "2" });
});
