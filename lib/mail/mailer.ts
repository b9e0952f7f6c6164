/**
 * Outgoing mail over `SMTP_URL` with nodemailer. `send` only queues: a chat message never waits on
 * the mail server. A failed delivery is retried with growing pauses, each failure logged and
 * counted (`/metrics`: parley_mail_*), and dropped after the last attempt.
 */
// @deno-types="@types/nodemailer"
import nodemailer from "nodemailer";
import { log } from "@/lib/ops/log.ts";
import { mailCounters } from "@/lib/mail/counters.ts";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export { mailCounters };

export interface MailerOptions {
  /** Pauses before each retry; the mail is dropped when they run out. */
  retryMs?: number[];
  /** The sender address; default `parley@<SMTP host>`. */
  from?: string;
}

const RETRY_MS = [1_000, 5_000, 30_000, 120_000, 600_000];

/**
 * @example
 * const mailer = new Mailer("smtp://127.0.0.1:1025");
 * mailer.send({ to: "mina@example.com", subject: "Hi", text: "…" });
 */
export class Mailer {
  readonly #transport: nodemailer.Transporter;
  readonly #retryMs: number[];
  readonly #from: string;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(smtpUrl: string, options: MailerOptions = {}) {
    // Short timeouts: a server that is down is noticed fast, and the retry comes from the queue.
    this.#transport = nodemailer.createTransport(smtpUrl, {
      connectionTimeout: 5_000,
      greetingTimeout: 5_000,
      socketTimeout: 10_000,
    } as nodemailer.TransportOptions);
    this.#retryMs = options.retryMs ?? RETRY_MS;
    this.#from = options.from ?? `Parley <parley@${new URL(smtpUrl).hostname || "localhost"}>`;
  }

  /** Queues `mail`; resolves once it is sent or dropped (callers need not wait). */
  send(mail: Mail): Promise<boolean> {
    mailCounters.queued++;
    return this.#attempt(mail, 0);
  }

  async #attempt(mail: Mail, attempt: number): Promise<boolean> {
    try {
      await this.#transport.sendMail({ from: this.#from, ...mail });
      mailCounters.sent++;
      mailCounters.queued--;
      return true;
    } catch (error) {
      mailCounters.failures++;
      const wait = this.#retryMs[attempt];
      log.warn("mail.failed", { attempt: attempt + 1, retry: wait !== undefined, error: String(error) });
      if (wait === undefined) {
        mailCounters.dropped++;
        mailCounters.queued--;
        return false;
      }
      return await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          resolve(this.#attempt(mail, attempt + 1));
        }, wait);
        this.#timers.add(timer);
      });
    }
  }

  /** Stops retries (mail still waiting is dropped) and closes the connection pool. */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#transport.close();
  }
}
