import type { AppContext, PageProps } from "@/lib/web/app_env.ts";
import type { Message, Presence, SupportState, UserRef } from "@/lib/shared/protocol.ts";
import { newGuestId, startSession } from "@/lib/accounts/auth.ts";
import { limitGuestSessions } from "@/lib/accounts/guest_limit.ts";
import { HttpError } from "@/lib/web/errors.ts";
import { checkName } from "@/lib/shared/names.ts";
import { readForm } from "@/lib/web/http.ts";
import { openSupport } from "@/lib/support/support.ts";
import { userRefOf } from "@/lib/accounts/user_ref.ts";
import { historyPage } from "@/lib/rooms/history.ts";
import ChatPane from "@/islands/ChatPane.tsx";
import SupportStatus from "@/islands/SupportStatus.tsx";
import SupportRating from "@/islands/SupportRating.tsx";
import AvailabilityLine from "@/islands/AvailabilityLine.tsx";
import { localizeError, translator } from "@/lib/shared/i18n/mod.ts";

type Data =
  | {
    room: string;
    state: SupportState;
    counselor?: string;
    me: UserRef;
    history: { messages: Message[]; hasMore: boolean; lastSeq: number };
    presence: Presence;
    rated?: number;
  }
  | { ask: true; error?: string; nickname?: string };

const HISTORY = 50;

export const title = (props: PageProps<Data>) => translator(props.locale).t("support.title");

export const handler = {
  async GET(c: AppContext) {
    const session = c.get("session");
    if (!session) return c.var.render({ ask: true } satisfies Data);
    const { store, hub } = c.var.services;
    const conversation = await openSupport(c.var.services, session);
    const [{ messages, hasMore }, rating] = await Promise.all([
      historyPage(store, conversation.room, { limit: HISTORY, role: session.role }),
      store.getRating(conversation.room),
    ]);
    return c.var.render(
      {
        room: conversation.room,
        state: conversation.state,
        counselor: conversation.counselor?.name,
        me: userRefOf(session),
        history: { messages, hasMore, lastSeq: messages.at(-1)?.seq ?? 0 },
        presence: hub.presence(conversation.room),
        ...(rating ? { rated: rating.score } : {}),
      } satisfies Data,
    );
  },
  /** The no-JavaScript way in: a nickname form that starts a guest session, then back to GET. */
  async POST(c: AppContext) {
    const form = await readForm(c);
    const typed = String(form.nickname ?? "").slice(0, 1024);
    const check = checkName("nickname", typed);
    if (!check.ok) {
      const error = c.var.i18n.t(`limits.name.${check.problem}`, { min: check.min, max: check.max });
      return c.var.render({ ask: true, error, nickname: typed } satisfies Data, { status: 400 });
    }
    const nickname = check.name;
    try {
      await limitGuestSessions(c);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      const error = localizeError(c.get("locale"), err.code, err.message);
      return c.var.render({ ask: true, error, nickname } satisfies Data, { status: err.status });
    }
    if (!c.get("session")) await startSession(c, { userId: newGuestId(), name: nickname, role: "guest" });
    return c.redirect("/support", 303);
  },
};

/** The user's own conversation with the counselors (or, without a session, a nickname form). */
export default function SupportPage({ data, locale }: PageProps<Data>) {
  const { t } = translator(locale);
  if ("ask" in data) {
    const [before, after] = t("support.orLogIn", { link: "\u0000" }).split("\u0000");
    return (
      <section class="panel narrow support-start">
        <link rel="stylesheet" href="/static/console.css" />
        <h1>{t("support.title")}</h1>
        <p>{t("support.intro")}</p>
        <form method="post" action="/support" class="nickname-form">
          <label for="support-nickname">{t("support.yourName")}</label>
          <div class="row">
            <input
              id="support-nickname"
              name="nickname"
              autoComplete="nickname"
              maxLength={32}
              required
              value={data.nickname}
              aria-invalid={data.error ? "true" : undefined}
              aria-describedby={data.error ? "support-nickname-error" : undefined}
            />
            <button type="submit" class="btn btn-primary">{t("support.start")}</button>
          </div>
          {data.error && <p id="support-nickname-error" class="field-error" role="alert">{data.error}</p>}
          <p class="hint">
            {before}
            <a href="/login?next=/support">{t("support.logInLink")}</a>
            {after}
          </p>
        </form>
      </section>
    );
  }
  return (
    <div class="support-page">
      <link rel="stylesheet" href="/static/console.css" />
      <SupportStatus room={data.room} state={data.state} counselor={data.counselor} />
      <AvailabilityLine />
      <ChatPane
        room={{ id: data.room, name: t("support.title"), visibility: "support" }}
        me={data.me}
        history={data.history}
        presence={data.presence}
        heading={t("support.title")}
      />
      <SupportRating room={data.room} state={data.state} rated={data.rated} />
    </div>
  );
}
