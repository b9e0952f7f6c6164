/**
 * A conversation as a document: every message in order, for the record. The user may read their own
 * (without private notes); counselors read any (notes marked as such).
 */
import type { Message } from "@/lib/shared/protocol.ts";
import type { Session, Store, SupportConversation } from "@/lib/store/types.ts";
import type { Translator } from "@/lib/shared/i18n/mod.ts";
import { listVisibleMessages } from "@/lib/store/visible.ts";
import { notFound } from "@/lib/web/errors.ts";
import { noticeText } from "@/lib/shared/notice_view.ts";

const PAGE = 100;

export interface Transcript {
  conversation: SupportConversation;
  messages: Message[];
}

/**
 * Loads the conversation and all the messages `session` may read. A user asking for another's
 * conversation is told it does not exist.
 *
 * @example
 * const { conversation, messages } = await loadTranscript(store, session, roomId);
 */
export async function loadTranscript(store: Store, session: Session, room: string): Promise<Transcript> {
  const conversation = await store.getSupport(room);
  if (!conversation || (session.role !== "counselor" && conversation.user.id !== session.userId)) {
    throw notFound("console.err.noConversation");
  }
  const messages: Message[] = [];
  for (let after = 0;;) {
    const page = await listVisibleMessages(store, room, { after, limit: PAGE }, session.role);
    messages.push(...page);
    if (page.length < PAGE) break;
    after = page[page.length - 1].seq;
  }
  return { conversation, messages: messages.filter((m) => !m.deleted) };
}

/** One message as a transcript line's body (a program card as its title and link, a notice in `t`'s language). */
export function messageBody(t: Translator, m: Message): string {
  if (m.kind === "system") return noticeText(t.t, m);
  if (m.kind === "program" && m.program) {
    return `[${t.t("console.transcript.program")}] ${m.program.title} — ${m.program.url}`;
  }
  const text = m.text ?? "";
  return m.file ? `${text}${text ? " " : ""}[${m.file.name}]` : text;
}

/**
 * The plain-text download.
 *
 * @example
 * const text = transcriptText(translator("ko"), transcript);
 */
export function transcriptText(t: Translator, { conversation, messages }: Transcript): string {
  const lines = [t.t("console.transcript.title", { name: conversation.user.name }), ""];
  for (const m of messages) {
    const note = m.private ? ` (${t.t("console.transcript.note")})` : "";
    const who = m.kind === "system" ? "—" : `${m.author.name}${note}:`;
    lines.push(`[${t.dateTime(m.at)}] ${who} ${messageBody(t, m)}`);
  }
  if (messages.length === 0) lines.push(t.t("console.transcript.empty"));
  return lines.join("\n") + "\n";
}
