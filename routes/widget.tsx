/**
 * `GET /widget?origin=<site>&lang=<ko|en>`: the chat frame widget.js opens. Only sites in
 * WIDGET_ORIGINS may frame it (CSP frame-ancestors, lib/web/middleware.ts); for any other `origin`
 * it is a plain refusal that starts nothing.
 */
import type { AppContext, PageProps } from "@/lib/web/app_env.ts";
import { isLocale, translator } from "@/lib/shared/i18n/mod.ts";
import { useT } from "@/lib/shared/i18n/context.ts";
import Widget from "@/islands/Widget.tsx";

type Data = { allowed: true; origin: string; emailOffered: boolean } | { allowed: false; origin: string };

export const title = ({ locale }: PageProps<Data>) => translator(locale).t("widget.title");

export const handler = {
  GET(c: AppContext) {
    const { config } = c.var.services;
    const lang = c.req.query("lang")?.slice(0, 2);
    // The host page's language wins: the frame should read like the site around it.
    if (isLocale(lang)) {
      c.set("locale", lang);
      c.set("i18n", translator(lang));
    }
    const origin = c.req.query("origin") ?? "";
    c.header("Cache-Control", "no-store");
    if (!config.widgetOrigins.includes(origin)) {
      return c.var.render({ allowed: false, origin } satisfies Data, { status: 403 });
    }
    return c.var.render({ allowed: true, origin, emailOffered: Boolean(config.smtpUrl) } satisfies Data);
  },
};

export default function WidgetPage({ data }: PageProps<Data>) {
  const { t } = useT();
  return (
    <div class="widget-page">
      <link rel="stylesheet" href="/static/console.css" />
      <link rel="stylesheet" href="/static/widget.css" />
      {data.allowed
        ? <Widget hostOrigin={data.origin} emailOffered={data.emailOffered} />
        : (
          <section class="widget-refused" role="alert">
            <h1>{t("widget.refused.title")}</h1>
            <p>{t("widget.refused.body", { origin: data.origin || "?" })}</p>
          </section>
        )}
    </div>
  );
}
