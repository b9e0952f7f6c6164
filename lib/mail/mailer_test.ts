/**
 * The mailer against a real SMTP server (Mailpit): mail written while the server is down survives a
 * restart (a new mailer on the reopened store sends it), and mail a dead process held is sent once
 * its lease runs out; each arrives exactly once.
 */
import assert from "node:assert/strict";
import { mailCounters, Mailer } from "@/lib/mail/mailer.ts";
import { openKvStore } from "@/lib/store/kv/mod.ts";
import type { Store } from "@/lib/store/types.ts";
import { type Mailpit, startMailpit } from "@/tests/support/mailpit.ts";
import { waitFor } from "@/tests/support/wait.ts";

const FAST = { retryMs: [100, 100, 100, 100], pollMs: 50 };

/** A KV file in a fresh folder, reopened by `fn` as a restarted process would; removed afterwards. */
async function withKvFile(fn: (open: () => Promise<Store>) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "parley_mailer_test_" });
  try {
    await fn(() => openKvStore(`${dir}/store.kv`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function withMailpit(fn: (mailpit: Mailpit) => Promise<void>): Promise<void> {
  const mailpit = await startMailpit();
  try {
    await fn(mailpit);
  } finally {
    await mailpit.stop();
  }
}

/** `smtp://` at a loopback port nobody listens on: every delivery fails at once. */
function closedSmtpUrl(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return `smtp://127.0.0.1:${port}`;
}

/** Waits until `mailer` counted one more sent mail (its finishMail is done), then closes it. */
async function closeAfterSent(mailer: Mailer, sentBefore: number): Promise<void> {
  try {
    await waitFor(() => mailCounters.sent > sentBefore, "the mail finished in the outbox", {
      timeoutMs: 20_000,
    });
  } finally {
    await mailer.close();
  }
}

/** The one message in Mailpit, checked to be `to`'s. */
async function onlyMessageTo(mailpit: Mailpit, to: string, text: string): Promise<void> {
  const messages = await mailpit.messages();
  assert.equal(messages.length, 1, `Mailpit holds ${messages.length} messages`);
  assert.equal(messages[0].To[0].Address, to);
  assert.match(await mailpit.text(messages[0].ID), new RegExp(text));
}

Deno.test("[mailer] outbox - mail written while SMTP is down is sent once by the next process", async () => {
  await withMailpit((mailpit) =>
    withKvFile(async (open) => {
      const mail = { to: "visitor@example.com", subject: "A reply", text: "Kept across a restart" };
      const first = await open();
      const failuresBefore = mailCounters.failures;
      const down = new Mailer(closedSmtpUrl(), first, FAST);
      try {
        await down.send(mail);
        await waitFor(() => mailCounters.failures > failuresBefore, "a failed delivery");
      } finally {
        // As a restart would: the process goes, its mail stays in the store.
        await down.close();
        await first.close();
      }

      const second = await open();
      try {
        const sentBefore = mailCounters.sent;
        await closeAfterSent(new Mailer(mailpit.smtpUrl, second, FAST), sentBefore);
        await onlyMessageTo(mailpit, mail.to, mail.text);
        // Finished, not merely leased: nothing is left to claim, however late.
        assert.deepEqual(await second.claimDueMail(Date.now() + 3_600_000, 1, 10), []);
      } finally {
        await second.close();
      }
    })
  );
});

Deno.test("[mailer] outbox - mail a dead process held is sent once its lease has run out", async () => {
  await withMailpit((mailpit) =>
    withKvFile(async (open) => {
      const store = await open();
      try {
        const mail = { to: "late@example.com", subject: "A reply", text: "Held by a process that died" };
        const id = await store.enqueueMail(mail);
        // The dead process claimed it and never finished it.
        const leaseMs = 300;
        const claimedAt = Date.now();
        assert.deepEqual((await store.claimDueMail(claimedAt, leaseMs, 10)).map((m) => m.id), [id]);
        const sentBefore = mailCounters.sent;
        await closeAfterSent(new Mailer(mailpit.smtpUrl, store, FAST), sentBefore);
        assert.ok(Date.now() >= claimedAt + leaseMs, "sent while the dead process still held it");
        await onlyMessageTo(mailpit, mail.to, mail.text);
      } finally {
        await store.close();
      }
    })
  );
});
