/**
 * The parts support on other sites adds to one isolate: counselor availability, the typical reply
 * time, and (with SMTP_URL) mail to visitors who left. `widgetQueue` wraps the support queue's hub
 * plugin so that, around support's own handling of a stored message, a visitor's message while every
 * counselor is away flags the conversation "left while away" (before the queue line goes out), a
 * counselor's reply lifts the flag, and a reply to a visitor who left an address and is not in the
 * chat goes out by mail, never holding up the message itself.
 */
import type { Services } from "@/lib/ops/services.ts";
import type { Config } from "@/lib/ops/config.ts";
import type { Bus } from "@/lib/bus/types.ts";
import type { Message } from "@/lib/shared/protocol.ts";
import type { Store, SupportConversation } from "@/lib/store/types.ts";
import type { HubPlugin, PluginHost } from "@/lib/hub/plugins.ts";
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

/** The anchor widget.js opens the chat for, so a mailed link lands in the conversation. */
export const OPEN_HASH = "#parley-chat";

/**
 * Makes the widget parts of one isolate (`lib/ops/boot.ts` does, once); `mail: false` leaves out the
 * mailer and its loop over the outbox.
 *
 * @example
 * const widget = widgetParts(config, store, bus);
 */
export function widgetParts(
  config: Config,
  store: Store,
  bus: Bus,
  { mail = true }: { mail?: boolean } = {},
): WidgetParts {
  return {
    availability: new Availability({ node: crypto.randomUUID().slice(0, 8), bus, store }),
    replyMinutes: replyTimeReader(store),
    // Its loop at once sends what an earlier process left in the outbox.
    mailer: mail && config.smtpUrl ? new Mailer(config.smtpUrl, store) : undefined,
  };
}

const made = new WeakMap<Services, WidgetParts>();

/**
 * The widget parts of an app's services; services built without them get parts that answer
 * availability (with no flagging or mail, which need {@link widgetQueue} in the hub).
 *
 * @example
 * const { availability } = widgetOf(c.var.services);
 */
export function widgetOf(services: Services): WidgetParts {
  if (services.widget) return services.widget;
  let parts = made.get(services);
  // Nobody closes these parts, so no mailer loop: it mails through `widgetQueue` only anyway.
  if (!parts) {
    made.set(services, parts = widgetParts(services.config, services.store, services.bus, { mail: false }));
  }
  return parts;
}

/**
 * The support queue's plugin with the widget's work around it.
 *
 * @example
 * new Hub({ store, bus, config, plugins: [widgetQueue(supportQueue(store), widget, store, config)] });
 */
export function widgetQueue(
  support: HubPlugin,
  widget: WidgetParts,
  store: Store,
  config: Config,
): HubPlugin {
  let host: PluginHost | undefined;
  return {
    ...support,
    setup(h) {
      host = h;
      support.setup?.(h);
    },
    async onMessageStored(message) {
      // A private note is for counselors: it lifts no offline flag and is never mailed to a visitor.
      if (message.private) return await support.onMessageStored?.(message);
      const conversation = await store.getSupport(message.room);
      if (conversation) await markOffline(store, widget, conversation, message);
      await support.onMessageStored?.(message);
      if (conversation && host) mailReply(host, config, widget, conversation, message);
    },
  };
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

function mailReply(
  host: PluginHost,
  config: Config,
  widget: WidgetParts,
  conversation: SupportConversation,
  message: Message,
): void {
  const contact = conversation.contact;
  if (!widget.mailer || !contact || message.kind === "system") return;
  if (message.author.role !== "counselor" || message.author.id === conversation.user.id) return;
  // A visitor who is in the chat reads the reply there.
  if (host.presence(conversation.room).members.some((m) => m.id === conversation.user.id)) return;
  const { t } = translator(isLocale(contact.locale) ? contact.locale : "en");
  const link = `${contact.page ?? config.widgetOrigins[0] ?? ""}${OPEN_HASH}`;
  const text = message.text ?? message.program?.title ?? "";
  widget.mailer.send({
    to: contact.email,
    subject: t("widget.mail.subject"),
    text: t("widget.mail.body", { counselor: message.author.name, text, link }),
  }).catch((error) => log.error("mail.not_queued", { room: conversation.room, error: String(error) }));
}
