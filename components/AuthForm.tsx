/** The log-in and sign-up form: a plain HTML form that works without JavaScript. */

export interface AuthFormProps {
  mode: "login" | "signup";
  /** Where to go after success (a same-site path). */
  next: string;
  username?: string;
  error?: string;
}

export default function AuthForm({ mode, next, username, error }: AuthFormProps) {
  const signup = mode === "signup";
  const nextQuery = next === "/" ? "" : `?next=${encodeURIComponent(next)}`;
  return (
    <section class="auth panel narrow">
      <h1>{signup ? "Create an account" : "Log in"}</h1>
      {error && <p class="form-error field-error" role="alert">{error}</p>}
      <form method="post" action={signup ? "/signup" : "/login"} class="auth-form stack">
        <input type="hidden" name="next" value={next} />
        <label class="field">
          Username
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
        {signup && <small class="hint">3–32 letters, digits, dots, underscores or hyphens.</small>}
        <label class="field">
          Password
          <input
            name="password"
            type="password"
            required
            minLength={signup ? 8 : 1}
            maxLength={1024}
            autocomplete={signup ? "new-password" : "current-password"}
          />
        </label>
        {signup && <small class="hint">At least 8 characters.</small>}
        <button type="submit" class="btn btn-primary">{signup ? "Sign up" : "Log in"}</button>
      </form>
      <p class="auth-switch">
        {signup
          ? (
            <>
              Already have an account? <a href={`/login${nextQuery}`}>Log in</a>
            </>
          )
          : (
            <>
              New here? <a href={`/signup${nextQuery}`}>Create an account</a>
            </>
          )}
      </p>
    </section>
  );
}
