import type { Ref } from "preact";
import { useT } from "@/lib/shared/i18n/context.ts";

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
  /** Put before every id, so several composers can share a page (the console's panes). */
  idPrefix?: string;
}

/** The message box: Enter sends, Shift+Enter breaks the line (the island decides, IME-aware). */
export default function Composer(props: ComposerProps) {
  const { t } = useT();
  const p = props.idPrefix ?? "";
  const [input, hint, error] = [`${p}composer-input`, `${p}composer-hint`, `${p}composer-error`];
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      <label for={input} class="sr-only">{t("chat.message")}</label>
      <textarea
        id={input}
        ref={props.textareaRef}
        rows={1}
        maxLength={2000}
        placeholder={t("chat.placeholder")}
        value={props.value}
        disabled={props.disabled}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={props.error ? `${error} ${hint}` : hint}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        onKeyDown={props.onKeyDown}
        {
          // Preact keeps an event name's case unless `on<lowercase>` is a property of the element, and
          // Chromium has no `oncompositionstart` property: `onCompositionStart` would listen for
          // "CompositionStart", which never fires. The lowercase names register the real events.
          ...{ oncompositionstart: props.onCompositionStart, oncompositionend: props.onCompositionEnd }
        }
      />
      <button type="submit" class="btn btn-primary send" disabled={props.disabled}>
        {t("common.send")}
      </button>
      <p id={hint} class="hint">{t("chat.hint")}</p>
      {props.error && <p id={error} class="field-error" role="alert">{props.error}</p>}
    </form>
  );
}
