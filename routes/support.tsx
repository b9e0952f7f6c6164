import type { AppContext, PageProps } from "@/lib/web/app_env.ts";
import type { Message, Presence, SupportState, UserRef } from "@/lib/shared/protocol.ts";
import { newGuestId, startSession } from "@/lib/accounts/auth.ts";
import { limitGuestSessions } from "@/lib/accounts/guest_limit.ts";
import { HttpError } from "@/lib/web/errors.ts";
import { openSupport } from "@/lib/support/support.ts";
import { meOf } from "@/components/session.ts";
import ChatPane from "@/islands/ChatPane.tsx";
import SupportStatus from "@/islands/SupportStatus.tsx";
import AvailabilityLine from "@/islands/AvailabilityLine.tsx";

type Data =
  | {
    room: string;
    state: SupportState;
    counselor?: string;
    me: UserRef;
    history: { messages: Message[]; hasMore: boolean; lastSeq: number };
    presence: Presence;
  }
  | { ask: true; error?: string; nickname?: string };

const HISTORY = 50;

export const title = "Talk to a counselor";

export const handler = {
  async GET(c: AppContext) {
    const session = c.get("session");
    if (!session) return c.var.render({ ask: true } satisfies Data);
    const { store, hub } = c.var.services;
    const conversation = await openSupport(c.var.services, session);
    const page = await store.listMessages(conversation.room, { limit: HISTORY + 1 });
    const hasMore = page.length > HISTORY;
    const messages = hasMore ? page.slice(1) : page;
    return c.var.render(
      {
        room: conversation.room,
        state: conversation.state,
        counselor: conversation.counselor?.name,
        me: meOf(session)!,
        history: { messages, hasMore, lastSeq: messages.at(-1)?.seq ?? 0 },
        presence: hub.presence(conversation.room),
      } satisfies Data,
    );
  },
  /** The no-JavaScript way in: a nickname form that starts a guest session, then back to GET. */
  async POST(c: AppContext) {
    const form = await c.req.parseBody();
    const nickname = String(form.nickname ?? "").trim();
    if (!nickname || [...nickname].length > 32) {
      const error = nickname ? "Nicknames are at most 32 characters" : "Enter a nickname";
      return c.var.render({ ask: true, error, nickname } satisfies Data, { status: 400 });
    }
    try {
      await limitGuestSessions(c);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      return c.var.render({ ask: true, error: err.message, nickname } satisfies Data, { status: err.status });
    }
    if (!c.get("session")) await startSession(c, { userId: newGuestId(), name: nickname, role: "guest" });
    return c.redirect("/support", 303);
  },
};

/** The user's own conversation with the counselors (or, without a session, a nickname form). */
export default function SupportPage({ data }: PageProps<Data>) {
  if ("ask" in data) {
    return (
      <section class="panel narrow support-start">
        <link rel="stylesheet" href="/static/console.css" />
        <h1>Talk to a counselor</h1>
        <p>
          Ask about courses, bootcamps and events. A counselor will answer here and can send you programs.
        </p>
        <form method="post" action="/support" class="nickname-form">
          <label for="support-nickname">Your name</label>
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
            <button type="submit" class="btn btn-primary">Start chatting</button>
          </div>
          {data.error && <p id="support-nickname-error" class="field-error" role="alert">{data.error}</p>}
          <p class="hint">
            Or <a href="/login?next=/support">log in</a> to keep your conversation across devices.
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
        room={{ id: data.room, name: "Talk to a counselor", visibility: "support" }}
        me={data.me}
        history={data.history}
        presence={data.presence}
        heading="Talk to a counselor"
      />
    </div>
  );
}
