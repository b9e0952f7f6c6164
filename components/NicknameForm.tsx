export interface NicknameFormProps {
  /** What the form is for, e.g. "to join the chat". */
  purpose: string;
  busy: boolean;
  error: string;
  onSubmit: (nickname: string) => void;
  idPrefix?: string;
}

/** Asks for a nickname (1–32 characters) to start a guest session. */
export default function NicknameForm(
  { purpose, busy, error, onSubmit, idPrefix = "nick" }: NicknameFormProps,
) {
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
      <label for={id}>Pick a nickname {purpose}</label>
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
          {busy ? "Joining…" : "Continue"}
        </button>
      </div>
      {error && <p id={`${idPrefix}-error`} class="field-error" role="alert">{error}</p>}
      <p class="hint">
        Or <a href="/login">log in</a> to keep your name.
      </p>
    </form>
  );
}
