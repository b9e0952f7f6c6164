/**
 * This isolate's mail figures (one sample per node in /metrics); kept apart from the SMTP client.
 * `queued` is what this isolate put in the outbox less what it sent or dropped: another process may
 * send it, so only the sum over nodes is the outbox's backlog.
 */
export const mailCounters = { sent: 0, failures: 0, dropped: 0, queued: 0 };
