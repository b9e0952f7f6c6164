import type { ReplyView } from "@/lib/shared/replies_view.ts";
import { useT } from "@/lib/shared/i18n/context.ts";

export interface ReplyMenuProps {
  id: string;
  replies: ReplyView[];
  active: number;
  onPick: (reply: ReplyView) => void;
}

/** The saved replies a `/` in the composer offers: ↑/↓ choose, Enter inserts, Esc closes. */
export default function ReplyMenu({ id, replies, active, onPick }: ReplyMenuProps) {
  const { t } = useT();
  return (
    <ul id={id} class="reply-menu" role="listbox" aria-label={t("console.replies.title")}>
      {replies.length === 0 && <li class="reply-empty">{t("console.replies.none")}</li>}
      {replies.map((r, i) => (
        <li
          key={r.id}
          id={`${id}-${i}`}
          role="option"
          aria-selected={i === active}
          class={`reply-option${i === active ? " active" : ""}`}
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(r);
          }}
        >
          <strong>{r.title}</strong> <span class="reply-text">{r.text}</span>
        </li>
      ))}
    </ul>
  );
}
