/**
 * Outgoing mail over `SMTP_URL` with nodemailer, from the store's durable outbox (`lib/store/outbox.ts`).
 * `send` only writes the mail to the outbox: a chat message never waits on the mail server, and mail
 * waiting for it survives a restart. One loop per mailer claims the mail that is due (its own, and mail
 * an earlier or another process left), hands it to nodemailer, and finishes it once the server accepted
 * it; a failed delivery is retried with growing pauses, each failure logged and counted (`/metrics`:
 * parley_mail_*), and dropped after the last attempt. Delivery is at least once: a process killed after
 * the server accepted a mail but before it was finished sends it again once its lease has run out.
 */
// @deno-types="@types/nodemailer"
import nodemailer from "nodemailer";
import { log } from "@/lib/ops/log.ts";
import { mailCounters } from "@/lib/mail/counters.ts";
import type { Mail, OutboxStore, QueuedMail } from "@/lib/store/outbox.ts";

export type { Mail };
export { mailCounters };

export interface MailerOptions {
  /** Pauses before each retry; the mail is dropped when they run out. */
  retryMs?: number[];
  /** The sender address; default `parley@<SMTP host>`. */
  from?: string;
  /** How often the outbox is looked at for retries that came due and mail other processes left. */
  pollMs?: number;
  /** How long a claimed mail is this mailer's alone; well past one SMTP attempt's timeouts. */
  leaseMs?: number;
}

const RETRY_MS = [1_000, 5_000, 30_000, 120_000, 600_000];
const POLL_MS = 1_000;
const LEASE_MS = 60_000;
/** Mails claimed at once; a full batch is followed by another at once. */
const BATCH = 10;
/** What a delivery under way resolves to when the mailer closes first. */
const CLOSED = Symbol("closed");

/**
 * @example
 * const mailer = new Mailer("smtp://127.0.0.1:1025", store);
 * await mailer.send({ to: "mina@example.com", subject: "Hi", text: "…" });
 * await mailer.close();
 */
export class Mailer {
  readonly #transport: nodemailer.Transporter;
  readonly #outbox: OutboxStore;
  readonly #retryMs: number[];
  readonly #from: string;
  readonly #pollMs: number;
  readonly #leaseMs: number;
  readonly #loop: Promise<void>;
  #closed = false;
  #closing = Promise.withResolvers<typeof CLOSED>();
  /** Set by `send` and `close`, so a nap that begins after them does not happen. */
  #kicked = true;
  #wake = () => {};

  /** Starts the loop: its first look at the outbox is at once (mail left by an earlier process). */
  constructor(smtpUrl: string, outbox: OutboxStore, options: MailerOptions = {}) {
    // Short timeouts: a server that is down is noticed fast, and the retry comes from the outbox.
    this.#transport = nodemailer.createTransport(smtpUrl, {
      connectionTimeout: 5_000,
      greetingTimeout: 5_000,
      socketTimeout: 10_000,
    } as nodemailer.TransportOptions);
    this.#outbox = outbox;
    this.#retryMs = options.retryMs ?? RETRY_MS;
    this.#from = options.from ?? `Parley <parley@${new URL(smtpUrl).hostname || "localhost"}>`;
    this.#pollMs = options.pollMs ?? POLL_MS;
    this.#leaseMs = options.leaseMs ?? LEASE_MS;
    this.#loop = this.#run();
  }

  /** Writes `mail` to the outbox (resolved: it survives a kill) and wakes the loop to send it. */
  async send(mail: Mail): Promise<void> {
    await this.#outbox.enqueueMail(mail);
    mailCounters.queued++;
    this.#kick();
  }

  /**
   * Stops the loop and closes the connection. A delivery under way is not waited for: its mail stays
   * in the outbox and is tried again once its lease runs out (here or in another process).
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#closing.resolve(CLOSED);
    this.#kick();
    await this.#loop;
    this.#transport.close();
  }

  #kick(): void {
    this.#kicked = true;
    this.#wake();
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      this.#kicked = false;
      let full = false;
      try {
        const due = await this.#outbox.claimDueMail(Date.now(), this.#leaseMs, BATCH);
        for (const queued of due) if (!this.#closed) await this.#deliver(queued);
        full = due.length === BATCH;
      } catch (error) {
        // The store is unreachable: the mail is safe in it, the next look tries again.
        log.warn("mail.outbox_failed", { error: String(error) });
      }
      if (!full) await this.#nap();
    }
  }

  /** Resolves after `pollMs`, or sooner on a kick. */
  #nap(): Promise<void> {
    if (this.#kicked) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.#pollMs);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async #deliver({ id, mail, attempts, lease }: QueuedMail): Promise<void> {
    const attempt = this.#transport.sendMail({ from: this.#from, ...mail }).then(() => null, (e) => e);
    const error = await Promise.race([attempt, this.#closing.promise]);
    if (error === CLOSED) return;
    if (error === null) {
      await this.#outbox.finishMail(id);
      mailCounters.sent++;
      mailCounters.queued--;
      return;
    }
    mailCounters.failures++;
    const wait = this.#retryMs[attempts];
    log.warn("mail.failed", {
      mail: id,
      attempt: attempts + 1,
      retry: wait !== undefined,
      error: String(error),
    });
    if (wait === undefined) {
      await this.#outbox.finishMail(id);
      mailCounters.dropped++;
      mailCounters.queued--;
      log.error("mail.dropped", { mail: id, attempts: attempts + 1 });
      return;
    }
    await this.#outbox.retryMail(id, lease, Date.now() + wait, attempts + 1);
  }
}
