/** This isolate's mail figures (one sample per node in /metrics); kept apart from the SMTP client. */
export const mailCounters = { sent: 0, failures: 0, dropped: 0, queued: 0 };
