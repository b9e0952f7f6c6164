import { useState } from "preact/hooks";
import type { Reaction } from "@/lib/shared/protocol.ts";
import { isSingleEmoji, QUICK_REACTIONS } from "@/lib/shared/emoji.ts";
import { useT } from "@/lib/shared/i18n/context.ts";

export interface ReactionsProps {
  reactions: Reaction[];
  me: string | null;
  /** Toggles the user's reaction; absent where the user cannot react (not joined). */
  onReact?: (emoji: string) => void;
}

/** A message's reactions with counts (who reacted, on hover), and a picker: the quick set or any emoji. */
export default function Reactions({ reactions, me, onReact }: ReactionsProps) {
  const { t } = useT();
  const [picking, setPicking] = useState(false);
  const [custom, setCustom] = useState("");
  const pick = (emoji: string) => {
    onReact?.(emoji);
    setPicking(false);
    setCustom("");
  };
  return (
    <div class="reactions">
      {reactions.map((r) => {
        const mine = r.users.some((u) => u.id === me);
        const names = r.users.map((u) => u.name).join(", ");
        return (
          <button
            type="button"
            key={r.emoji}
            class={`reaction${mine ? " mine" : ""}`}
            aria-pressed={mine}
            title={t("messages.reactedBy", { emoji: r.emoji, names })}
            onClick={() => onReact?.(r.emoji)}
            disabled={!onReact}
          >
            <span class="reaction-emoji">{r.emoji}</span> <span class="reaction-count">{r.users.length}</span>
          </button>
        );
      })}
      {onReact && (
        <button
          type="button"
          class="reaction-add"
          aria-expanded={picking}
          aria-label={t("messages.react")}
          title={t("messages.react")}
          onClick={() => setPicking(!picking)}
        >
          ☺+
        </button>
      )}
      {picking && (
        <div class="reaction-picker" role="group" aria-label={t("messages.react")}>
          {QUICK_REACTIONS.map((emoji) => (
            <button
              type="button"
              key={emoji}
              aria-label={t("messages.reactWith", { emoji })}
              onClick={() => pick(emoji)}
            >
              {emoji}
            </button>
          ))}
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (isSingleEmoji(custom.trim())) pick(custom.trim());
            }}
          >
            <input
              class="reaction-input"
              value={custom}
              maxLength={16}
              aria-label={t("messages.react")}
              aria-invalid={custom !== "" && !isSingleEmoji(custom.trim())}
              onInput={(e) => setCustom((e.target as HTMLInputElement).value)}
            />
          </form>
        </div>
      )}
    </div>
  );
}
