/**
 * Attachments on the S3 FileStore through the real server: `S3_URL` pointing at a SeaweedFS S3
 * gateway started for this file; upload, members-only download, and the file gone with its message.
 */
import assert from "node:assert/strict";
import { startSeaweedFS } from "@/tests/support/seaweedfs.ts";
import { startServer } from "@/tests/support/server.ts";
import { api, connect, createRoom, guest } from "@/tests/support/client.ts";

Deno.test("[files:s3] server - upload, download and delete with S3_URL", async () => {
  const weed = await startSeaweedFS();
  try {
    const server = await startServer({ env: { S3_URL: weed.s3Url } });
    try {
      const ann = await guest(server.url, "ann");
      const room = (await createRoom(server.url, ann.cookie, "s3 room")).id;
      const form = new FormData();
      form.append("file", new File([new TextEncoder().encode("kept in a bucket")], "note.txt"));
      const up = await fetch(`${server.url}/api/rooms/${room}/files`, {
        method: "POST",
        body: form,
        headers: { cookie: ann.cookie },
      });
      assert.equal(up.status, 201);
      const { file } = await up.json();
      const got = await fetch(server.url + file.url, { headers: { cookie: ann.cookie } });
      assert.equal(await got.text(), "kept in a bucket");
      assert.equal(got.headers.get("x-content-type-options"), "nosniff");
      const a = await connect(server.wsUrl, ann.cookie);
      await a.join(room);
      a.send({ type: "send", room, clientId: "f1", file: file.id });
      const ack = await a.next((f) => f.type === "ack");
      a.send({ type: "delete", room, id: ack.id });
      await a.next((f) => f.type === "update" && f.message.deleted);
      // The delete's file removal runs right after the change is stored: wait for it to land.
      const deadline = Date.now() + 5_000;
      let status = 200;
      while (status !== 404 && Date.now() < deadline) {
        status =
          (await api(server.url, file.url, { cookie: ann.cookie }).catch(() => ({ status: 200 }))).status;
      }
      assert.equal(status, 404);
      await a.close();
    } finally {
      await server.stop();
    }
  } finally {
    await weed.stop();
  }
});
