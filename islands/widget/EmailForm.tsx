import { useState } from "preact/hooks";
import { useT } from "@/lib/shared/i18n/context.ts";
import { api, errorText } from "@/lib/browser/api_client.ts";
import { emailProblem } from "@/lib/shared/email.ts";

export interface EmailFormProps {
  /** The address already left, if any. */
  saved: string | null;
  /** The host page the mailed reply links back to. */
  page: string;
}

/** The optional address a counselor's reply is mailed to; a malformed one is refused with why. */
export default function EmailForm({ saved: initial, page }: EmailFormProps) {
  const { t } = useT();
  const [saved, setSaved] = useState(initial);
  const [value, setValue] = useState(initial ?? "");
  const [state, setState] = useState({ busy: false, error: "" });

  async function submit(e: Event) {
    e.preventDefault();
    const email = value.trim();
    const problem = emailProblem(email);
    if (problem) {
      return setState({
        busy: false,
        error: t(problem === "too_long" ? "widget.email.tooLong" : "widget.email.invalid"),
      });
    }
    setState({ busy: true, error: "" });
    try {
      await api("/api/widget/contact", { email, page, locale: document.documentElement.lang });
      setSaved(email);
      setState({ busy: false, error: "" });
    } catch (err) {
      setState({ busy: false, error: errorText(err) });
    }
  }

  return (
    <form class="widget-email" onSubmit={submit} noValidate>
      <label for="widget-email">{t("widget.email.label")}</label>
      <div class="row">
        <input
          id="widget-email"
          type="email"
          autoComplete="email"
          value={value}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
          aria-invalid={state.error ? "true" : undefined}
          aria-describedby={state.error ? "widget-email-error" : "widget-email-hint"}
        />
        <button type="submit" class="btn" disabled={state.busy}>{t("widget.email.save")}</button>
      </div>
      {state.error
        ? <p id="widget-email-error" class="field-error" role="alert">{state.error}</p>
        : (
          <p id="widget-email-hint" class="hint">
            {saved ? t("widget.email.saved", { email: saved }) : t("widget.email.hint")}
          </p>
        )}
    </form>
  );
}
