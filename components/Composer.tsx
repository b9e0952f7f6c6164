import type { Ref } from "preact";

export interface ComposerProps {
  value: string;
  error: string;
  disabled?: boolean;
  textareaRef: Ref<HTMLTextAreaElement>;
  onInput: (value: string) => void;
  onKeyDown: (event: KeyboardEvent) => void;
  onCompositionStart: () => void;
  onCompositionEnd: () => void;
  onSubmit: () => void;
}

/** The message box: Enter sends, Shift+Enter breaks the line (the island decides, IME-aware). */
export default function Composer(props: ComposerProps) {
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      <label for="composer-input" class="sr-only">Message</label>
      <textarea
        id="composer-input"
        ref={props.textareaRef}
        rows={1}
        maxLength={2000}
        placeholder="Write a message…"
        value={props.value}
        disabled={props.disabled}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={props.error ? "composer-error composer-hint" : "composer-hint"}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        onKeyDown={props.onKeyDown}
        onCompositionStart={props.onCompositionStart}
        onCompositionEnd={props.onCompositionEnd}
      />
      <button type="submit" class="btn btn-primary send" disabled={props.disabled}>
        Send
      </button>
      <p id="composer-hint" class="hint">Enter to send · Shift+Enter for a new line</p>
      {props.error && <p id="composer-error" class="field-error" role="alert">{props.error}</p>}
    </form>
  );
}
