import type { AppContext, PageProps } from "@/lib/web/app_env.ts";
import { readForm } from "@/lib/web/http.ts";
import { HttpError } from "@/lib/web/errors.ts";
import { changePassword } from "@/lib/accounts/password_change.ts";
import { useT } from "@/lib/shared/i18n/context.ts";
import { localizeError, translator } from "@/lib/shared/i18n/mod.ts";

interface Data {
  done?: boolean;
  error?: string;
}

export const title = (props: PageProps<Data>) => translator(props.locale).t("limits.password.title");

export const handler = {
  GET(c: AppContext) {
    const session = c.get("session");
    if (!session || session.role === "guest") return c.redirect("/login?next=/account/password", 303);
    return c.var.render({} satisfies Data);
  },
  /** The form's POST: works without JavaScript; on success the page says so. */
  async POST(c: AppContext) {
    const form = await readForm(c);
    const field = (name: string) =>
      typeof form[name] === "string" ? (form[name] as string).slice(0, 1024) : "";
    try {
      await changePassword(c, { current: field("current"), password: field("password") });
      return c.var.render({ done: true } satisfies Data);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500) throw err;
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      const error = localizeError(c.get("locale"), err.code, err.message);
      return c.var.render({ error } satisfies Data, { status: err.status });
    }
  },
};

export default function PasswordPage({ data }: PageProps<Data>) {
  const { t } = useT();
  return (
    <section class="auth panel narrow">
      <h1>{t("limits.password.title")}</h1>
      {data.done && <p role="status">{t("limits.password.done")}</p>}
      {data.error && <p class="form-error field-error" role="alert">{data.error}</p>}
      <form method="post" action="/account/password" class="auth-form stack">
        <label class="field">
          {t("limits.password.current")}
          <input name="current" type="password" required maxLength={1024} autocomplete="current-password" />
        </label>
        <label class="field">
          {t("limits.password.new")}
          <input
            name="password"
            type="password"
            required
            minLength={8}
            maxLength={1024}
            autocomplete="new-password"
          />
        </label>
        <button type="submit" class="btn btn-primary">{t("limits.password.submit")}</button>
      </form>
    </section>
  );
}
