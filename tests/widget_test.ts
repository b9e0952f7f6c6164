/**
 * Support on other sites against the real server (`lib/ops/server.ts`, two workers): counselor
 * availability follows console sockets on whichever isolate holds them, and "away", which outlives a
 * restart; the widget's token session authenticates HTTP and the WebSocket without a cookie; a reply to a visitor who
 * left is mailed through a real SMTP server (Mailpit), and a mail server that is down never holds up
 * the reply: the mail is retried, its failures counted in /metrics, and it arrives once SMTP is up.
 */
import assert from "node:assert/strict";
import { startServer, type TestServer, withServer } from "@/tests/support/server.ts";
import { api, type Frame, rawUpgrade, TestSocket } from "@/tests/support/client.ts";
import { startMailpit } from "@/tests/support/mailpit.ts";
import { counselorCookie } from "@/tests/support/counselor_login.ts";
import { waitFor } from "@/tests/support/wait.ts";

const SITE = "https://shop.example";

/** Asks (over fresh connections, so both isolates answer in turn) until `available` is `want`. */
async function untilAvailable(url: string, want: boolean, ms = 10_000): Promise<Frame> {
  let seen: Frame = {};
  let inARow = 0;
  return await waitFor(
    async () => {
      seen = (await api(url, "/api/support/availability")).body;
      // Several answers in a row: both isolates must agree, not just the one that holds the socket.
      inARow = seen.available === want ? inARow + 1 : 0;
      return inARow >= 4 && seen;
    },
    `available=${want} (last answer ${JSON.stringify(seen)})`,
    { timeoutMs: ms },
  );
}

/** The props /console hands its away toggle (the islands' JSON blob, in page order: the toggle first). */
async function awayToggleProps(url: string, cookie: string): Promise<unknown> {
  const page = await fetch(`${url}/console`, { headers: { cookie } });
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /data-island="AwayToggle" data-index="0"/);
  const blob = html.match(/<script type="application\/json" id="__parley_islands">(.*?)<\/script>/s);
  assert.ok(blob, "the islands' props");
  return JSON.parse(blob[1])[0];
}

async function open(url: string, init: { cookie?: string; token?: string }): Promise<TestSocket> {
  const ws = init.token
    ? new WebSocket(url, ["parley", `parley-token.${init.token}`])
    // @ts-ignore: Deno's WebSocket takes headers as a second-argument option
    : new WebSocket(url, { headers: { cookie: init.cookie } });
  const socket = new TestSocket(ws);
  await new Promise<void>((resolve) => {
    ws.onopen = () => resolve();
    socket.closed.then(() => resolve());
  });
  return socket;
}

Deno.test("[widget] availability - a console socket on any isolate counts, away and closing end it", async () => {
  await withServer(async (server) => {
    const cookie = await counselorCookie(server.url, server.kvPath);
    assert.equal((await untilAvailable(server.url, false)).counselors, 0);
    // A counselor's socket that is not a console tab (a chat room) does not count.
    const chat = await open(server.wsUrl, { cookie });
    await untilAvailable(server.url, false);
    const consoleTab = await open(`${server.wsUrl}?console`, { cookie });
    assert.equal((await untilAvailable(server.url, true)).counselors, 1);

    const away = await api(server.url, "/api/support/away", { body: { away: true }, cookie });
    assert.equal(away.status, 200);
    await untilAvailable(server.url, false);
    await api(server.url, "/api/support/away", { body: { away: false }, cookie });
    await untilAvailable(server.url, true);
    // Only counselors may say so.
    const visitor = await api(server.url, "/api/support/away", { body: { away: true } });
    assert.equal(visitor.status, 401);

    await consoleTab.close();
    await untilAvailable(server.url, false);
    await chat.close();
  }, { env: { WIDGET_ORIGINS: SITE } });
});

Deno.test("[widget] away - a restarted server on the same KV file still shows the counselor away", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-away-" });
  const kvPath = `${dir}/parley.kv`;
  const env = { WIDGET_ORIGINS: SITE };
  let server: TestServer | undefined;
  try {
    server = await startServer({ kvPath, env });
    const cookie = await counselorCookie(server.url, kvPath);
    const before = await open(`${server.wsUrl}?console`, { cookie });
    await untilAvailable(server.url, true);
    assert.equal((await api(server.url, "/api/support/away", { body: { away: true }, cookie })).status, 200);
    await untilAvailable(server.url, false);
    await before.close();
    await server.stop();

    server = await startServer({ kvPath, env });
    // The console opened again, on the new process: the visitor still sees nobody there.
    const after = await open(`${server.wsUrl}?console`, { cookie });
    assert.equal((await untilAvailable(server.url, false)).counselors, 0);
    // And the console's toggle, after the reload, starts as "away".
    assert.deepEqual(await awayToggleProps(server.url, cookie), { away: true });
    // The tab was counted all along: back from away, the counselor is there at once.
    await api(server.url, "/api/support/away", { body: { away: false }, cookie });
    assert.equal((await untilAvailable(server.url, true)).counselors, 1);
    await after.close();
  } catch (error) {
    console.error(`--- server output (last 8 KB) ---\n${server?.output().slice(-8_192)}\n---`);
    throw error;
  } finally {
    await server?.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("[widget] availability - a console tab that vanished without a close frame stops counting", async () => {
  await withServer(async (server) => {
    const cookie = await counselorCookie(server.url, server.kvPath);
    // A tab whose machine went away: the upgrade happened, then nothing is ever read or answered,
    // not even the server's pings. WS_IDLE_TIMEOUT (the heartbeat, 30 s by default) drops it.
    const gone = await rawUpgrade(`${server.url}/ws?console`, { cookie });
    assert.equal(gone.status, 101);
    await untilAvailable(server.url, true);
    const started = Date.now();
    await untilAvailable(server.url, false, 15_000);
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    gone.conn.close();
  }, { env: { WIDGET_ORIGINS: SITE, WS_IDLE_TIMEOUT: "2" } });
});

Deno.test("[widget] mail - SMTP down never holds a reply; the mail is retried and arrives", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const smtpPort = (listener.addr as Deno.NetAddr).port;
  listener.close(); // nothing listens there yet: every delivery fails at once
  let mail: Awaited<ReturnType<typeof startMailpit>> | undefined;
  try {
    await withServer(async (server) => {
      const cookie = await counselorCookie(server.url, server.kvPath);
      // The widget's session comes as a token for a listed site only.
      const refused = await api(server.url, "/api/widget/session", {
        body: { origin: "https://evil.example" },
      });
      assert.equal(refused.status, 403);
      const made = await api(server.url, "/api/widget/session", { body: { origin: SITE } });
      assert.equal(made.status, 201);
      const { token, room } = made.body;
      assert.equal(made.headers.get("set-cookie"), null, "a token, not a cookie");
      const bearer = { authorization: `Bearer ${token}`, "content-type": "application/json" };
      const contact = (email: string) =>
        fetch(`${server.url}/api/widget/contact`, {
          method: "POST",
          headers: bearer,
          body: JSON.stringify({ email, page: `${SITE}/pricing#top`, locale: "ko" }),
        });
      const bad = await contact("not an address");
      assert.equal(bad.status, 400);
      assert.equal((await bad.json()).error.code, "bad_email");
      assert.equal((await contact("visitor@example.com")).status, 200);

      // The visitor writes over a socket that has only the token, then leaves.
      const visitor = await open(server.wsUrl, { token });
      assert.equal(visitor.ws.protocol, "parley");
      assert.equal((await visitor.join(room)).type, "joined");
      visitor.send({ type: "send", room, clientId: "v1", text: "Anyone there?" });
      await visitor.next((f) => f.type === "ack");
      await visitor.close();

      // The counselor's reply is acknowledged at once, however the mail fares.
      const counselor = await open(server.wsUrl, { cookie });
      await counselor.join(room);
      const started = Date.now();
      counselor.send({ type: "send", room, clientId: "c1", text: "Yes, we are here." });
      await counselor.next((f) => f.type === "ack");
      assert.ok(Date.now() - started < 2_000, "the reply waited on the mail server");

      const failures = async () => {
        const text = await (await fetch(`${server.url}/metrics`)).text();
        return [...text.matchAll(/^parley_mail_failures_total\{[^}]*\} (\d+)$/gm)]
          .reduce((sum, m) => sum + Number(m[1]), 0);
      };
      await waitFor(async () => await failures() >= 1, "a mail failure counted", { everyMs: 100 });

      // SMTP comes up: a later retry delivers the mail, with the link back to the page.
      mail = await startMailpit({ smtpPort });
      const found = await waitFor(async () => (await mail!.messages())[0], "the retried mail", {
        timeoutMs: 20_000,
        everyMs: 200,
      });
      assert.equal(found.To[0].Address, "visitor@example.com");
      // Written in the language the visitor read the widget in.
      assert.equal(found.Subject, "상담사가 메시지에 답했습니다");
      const text = await mail.text(found.ID);
      assert.match(text, /Yes, we are here\./);
      assert.ok(text.includes(`${SITE}/pricing#parley-chat`), text);
      await counselor.close();
    }, { env: { WIDGET_ORIGINS: SITE, SMTP_URL: `smtp://127.0.0.1:${smtpPort}` } });
  } finally {
    await mail?.stop();
  }
});
