/**
 * The store's part for outgoing mail: a durable outbox, so mail waiting for the SMTP server survives a
 * restart or a crash (`lib/mail/mailer.ts` sends from it). Kept apart from `types.ts` so each store
 * implements it in a file of its own (`kv/outbox.ts`, `mongo/outbox.ts`).
 *
 * Delivery is at least once: a process killed after the SMTP server accepted a mail but before
 * `finishMail` leaves it in the outbox, and it is sent again once its lease has run out.
 */

/** One mail as the SMTP server gets it (the sender address is the mailer's). */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** A mail claimed from the outbox, leased to the caller. */
export interface QueuedMail {
  id: string;
  mail: Mail;
  /** Failed attempts so far (0 before the first). */
  attempts: number;
  /** This claim's lease: `retryMail` changes the mail only while it is still the mail's latest. */
  lease: string;
}

export interface OutboxStore {
  /** Stores `mail`, due at once; resolves with its id once it is written (it then survives a kill). */
  enqueueMail(mail: Mail): Promise<string>;
  /**
   * At most `limit` mails due at `now` (epoch ms), oldest due first, each leased to the caller until
   * `now + leaseMs`: no other call claims it before then, from this process or another, unless
   * `retryMail` makes it due sooner. A mail whose lease ran out (its holder died) is due again.
   */
  claimDueMail(now: number, leaseMs: number, limit: number): Promise<QueuedMail[]>;
  /** Removes a mail from the outbox (sent, or given up); nothing when it is gone already. */
  finishMail(id: string): Promise<void>;
  /**
   * Ends the caller's lease: the mail is due again at `nextAt` (epoch ms) after `attempts` failures.
   * Nothing when `lease` is no longer the mail's latest (it ran out and another caller claimed the
   * mail): a holder that lagged past its lease must not make another's mail due early, which would
   * let a third claim send it beside the second.
   */
  retryMail(id: string, lease: string, nextAt: number, attempts: number): Promise<void>;
}
