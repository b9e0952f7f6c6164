/** The log-in and sign-up form: a plain HTML form that works without JavaScript. */
import { useT } from "@/lib/shared/i18n/context.ts";

export interface AuthFormProps {
  mode: "login" | "signup";
  /** Where to go after success (a same-site path). */
  next: string;
  username?: string;
  error?: string;
}

export default function AuthForm({ mode, next, username, error }: AuthFormProps) {
  const { t } = useT();
  const signup = mode === "signup";
  const nextQuery = next === "/" ? "" : `?next=${encodeURIComponent(next)}`;
  const [before, after] = t(signup ? "auth.haveAccount" : "auth.newHere", { link: "\u0000" }).split("\u0000");
  return (
    <section class="auth panel narrow">
      <h1>{signup ? t("auth.createAccount") : t("auth.loginTitle")}</h1>
      {error && <p class="form-error field-error" role="alert">{error}</p>}
      <form method="post" action={signup ? "/signup" : "/login"} class="auth-form stack">
        <input type="hidden" name="next" value={next} />
        <label class="field">
          {t("auth.username")}
          <input
            name="username"
            type="text"
            required
            minLength={3}
            maxLength={32}
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            value={username ?? ""}
          />
        </label>
        {signup && <small class="hint">{t("auth.usernameHint")}</small>}
        <label class="field">
          {t("auth.password")}
          <input
            name="password"
            type="password"
            required
            minLength={signup ? 8 : 1}
            maxLength={1024}
            autocomplete={signup ? "new-password" : "current-password"}
          />
        </label>
        {signup && <small class="hint">{t("auth.passwordHint")}</small>}
        <button type="submit" class="btn btn-primary">
          {signup ? t("auth.signupTitle") : t("auth.loginTitle")}
        </button>
      </form>
      <p class="auth-switch">
        {before}
        {signup
          ? <a href={`/login${nextQuery}`}>{t("auth.loginTitle")}</a>
          : <a href={`/signup${nextQuery}`}>{t("auth.createAccount")}</a>}
        {after}
      </p>
    </section>
  );
}
