import { useT } from "@/lib/shared/i18n/context.ts";

export interface NicknameFormProps {
  /** The label, already translated, e.g. "Pick a nickname to join the chat". */
  purpose: string;
  /** Where "log in" comes back to (this page). */
  next?: string;
  busy: boolean;
  error: string;
  onSubmit: (nickname: string) => void;
  idPrefix?: string;
}

/** Asks for a nickname (1–32 characters) to start a guest session. */
export default function NicknameForm(
  { purpose, next, busy, error, onSubmit, idPrefix = "nick" }: NicknameFormProps,
) {
  const { t } = useT();
  const [before, after] = t("chat.orLogIn", { link: "\u0000" }).split("\u0000");
  const id = `${idPrefix}-input`;
  return (
    <form
      class="nickname-form"
      onSubmit={(e) => {
        e.preventDefault();
        const input = e.currentTarget.elements.namedItem("nickname") as HTMLInputElement;
        onSubmit(input.value);
      }}
    >
      <label for={id}>{purpose}</label>
      <div class="row">
        <input
          id={id}
          name="nickname"
          autoComplete="nickname"
          maxLength={32}
          required
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? `${idPrefix}-error` : undefined}
        />
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? t("chat.joining") : t("chat.continue")}
        </button>
      </div>
      {error && <p id={`${idPrefix}-error`} class="field-error" role="alert">{error}</p>}
      <p class="hint">
        {before}
        <a href={next ? `/login?next=${encodeURIComponent(next)}` : "/login"}>{t("chat.logInLink")}</a>
        {after}
      </p>
    </form>
  );
}
