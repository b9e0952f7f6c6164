/**
 * The parts support on other sites adds to one isolate: counselor availability, the typical reply
 * time, and (with SMTP_URL) mail to visitors who left. `attachWidget` makes them once per app and
 * hooks them after support's own handling of stored messages: a visitor's message while every
 * counselor is away flags the conversation "left while away"; a counselor's reply to a visitor who
 * left an address and is not in the chat goes out by mail, never holding up the message itself.
 */
import type { Services } from "@/lib/ops/services.ts";
import type { Message } from "@/lib/shared/protocol.ts";
import type { Store, SupportConversation } from "@/lib/store/types.ts";
import { Availability } from "@/lib/support/availability.ts";
import { replyTimeReader } from "@/lib/support/reply_time.ts";
import { Mailer } from "@/lib/mail/mailer.ts";
import { isLocale, translator } from "@/lib/shared/i18n/mod.ts";
import { log } from "@/lib/ops/log.ts";

export interface WidgetParts {
  availability: Availability;
  replyMinutes: () => Promise<number | undefined>;
  /** Only with SMTP_URL. */
  mailer?: Mailer;
}

const parts = new WeakMap<Services, WidgetParts>();

/**
 * The widget parts of an app's services (made by {@link attachWidget}).
 *
 * @example
 * const { availability } = widgetOf(c.var.services);
 */
export function widgetOf(services: Services): WidgetParts {
  const found = parts.get(services);
  if (!found) throw new Error("attachWidget(services) was not called");
  return found;
}

/** The anchor widget.js opens the chat for, so a mailed link lands in the conversation. */
export const OPEN_HASH = "#parley-chat";

/**
 * Makes the widget parts for `s` and hooks them into the hub (after support's hook).
 *
 * @example
 * attachSupport(s.hub, s.store);
 * attachWidget(s);
 */
export function attachWidget(s: Services): WidgetParts {
  const made: WidgetParts = {
    availability: new Availability({ node: s.hub.nodeId, bus: s.bus }),
    replyMinutes: replyTimeReader(s.store),
    mailer: s.config.smtpUrl ? new Mailer(s.config.smtpUrl) : undefined,
  };
  parts.set(s, made);
  const inner = s.hub.onMessageStored;
  const notSupport = new Set<string>();
  s.hub.onMessageStored = async (message: Message) => {
    const conversation = notSupport.has(message.room) ? null : await s.store.getSupport(message.room);
    if (!conversation) {
      if (notSupport.size > 10_000) notSupport.clear();
      notSupport.add(message.room);
      return await inner?.(message);
    }
    await markOffline(s.store, made, conversation, message);
    await inner?.(message);
    mailReply(s, made, conversation, message);
  };
  return made;
}

/** Flags a visitor's message while nobody is there; a counselor's reply lifts the flag. */
async function markOffline(
  store: Store,
  widget: WidgetParts,
  conversation: SupportConversation,
  message: Message,
): Promise<void> {
  if (message.kind === "system") return;
  if (message.author.id === conversation.user.id) {
    if (conversation.offline || widget.availability.view().available) return;
    await store.updateSupport(conversation.room, { offline: true });
  } else if (message.author.role === "counselor" && conversation.offline) {
    await store.updateSupport(conversation.room, { offline: false });
  }
}

function mailReply(s: Services, widget: WidgetParts, conversation: SupportConversation, message: Message) {
  const contact = conversation.contact;
  if (!widget.mailer || !contact || message.kind === "system") return;
  if (message.author.role !== "counselor" || message.author.id === conversation.user.id) return;
  // A visitor who is in the chat reads the reply there.
  if (s.hub.presence(conversation.room).members.some((m) => m.id === conversation.user.id)) return;
  const { t } = translator(isLocale(contact.locale) ? contact.locale : "en");
  const link = `${contact.page ?? s.config.widgetOrigins[0] ?? ""}${OPEN_HASH}`;
  const text = message.text ?? message.program?.title ?? "";
  widget.mailer.send({
    to: contact.email,
    subject: t("widget.mail.subject"),
    text: t("widget.mail.body", { counselor: message.author.name, text, link }),
  }).then((sent) => sent || log.error("mail.dropped", { room: conversation.room }));
}
