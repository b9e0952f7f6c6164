import type { AppContext, PageProps } from "@/lib/web/app_env.ts";
import type { SupportSummary, UserRef } from "@/lib/shared/protocol.ts";
import { listQueue } from "@/lib/support/support.ts";
import { userRefOf } from "@/lib/accounts/user_ref.ts";
import Console from "@/islands/Console.tsx";
import AwayToggle from "@/islands/AwayToggle.tsx";
import { widgetOf } from "@/lib/support/widget.ts";
import { translator } from "@/lib/shared/i18n/mod.ts";

interface Data {
  me: UserRef;
  queue: SupportSummary[];
  away: boolean;
}

export const title = (props: PageProps<Data>) => translator(props.locale).t("console.title");

export const handler = {
  /** Counselors only; anyone else is sent to log in (and back here after). */
  async GET(c: AppContext) {
    const session = c.get("session");
    if (session?.role !== "counselor") return c.redirect("/login?next=/console", 303);
    const queue = await listQueue(c.var.services.store, session);
    const { availability } = widgetOf(c.var.services);
    await availability.ready;
    const away = availability.isAway(session.userId);
    return c.var.render({ me: userRefOf(session), queue, away } satisfies Data);
  },
};

/** The counselor console: queue, conversation and program search side by side. */
export default function ConsolePage({ data, locale }: PageProps<Data>) {
  return (
    <>
      <link rel="stylesheet" href="/static/console.css" />
      <h1 class="sr-only">{translator(locale).t("console.heading")}</h1>
      <AwayToggle away={data.away} />
      <Console me={data.me} queue={data.queue} />
    </>
  );
}
