import { useState } from "preact/hooks";
import type { ReplyView } from "@/lib/shared/replies_view.ts";
import { useT } from "@/lib/shared/i18n/context.ts";
import type { SearchLine } from "@/islands/console/use_conversation_search.ts";
import type { RatingLine } from "@/islands/console/use_tools.ts";

export interface ToolsPanelProps {
  search: {
    q: string;
    lines: SearchLine[];
    loading: boolean;
    error: string;
    searched: boolean;
    hasMore: boolean;
    type: (q: string) => void;
    search: () => void;
    more: () => void;
  };
  replies: ReplyView[];
  ratings: RatingLine[];
  assign: "auto" | "manual";
  error: string;
  onOpen: (room: string) => void;
  onAddReply: (title: string, text: string) => Promise<boolean>;
  onDeleteReply: (id: string) => void;
  onAssign: (mode: "auto" | "manual") => void;
}

/** Under the queue: conversation search, saved replies, ratings, assignment, the catalog link. */
export default function ToolsPanel(props: ToolsPanelProps) {
  const tr = useT();
  const { t } = tr;
  const [draft, setDraft] = useState({ title: "", text: "" });
  const s = props.search;
  return (
    <div class="console-tools">
      <form
        class="conversation-search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          s.search();
        }}
      >
        <label for="conversation-q">{t("console.search.label")}</label>
        <input
          id="conversation-q"
          type="search"
          maxLength={100}
          placeholder={t("console.search.placeholder")}
          value={s.q}
          onInput={(e) => s.type(e.currentTarget.value)}
        />
      </form>
      {s.error && <p class="field-error" role="alert">{s.error}</p>}
      {s.searched && !s.loading && s.lines.length === 0 && !s.error && (
        <p class="search-empty">{t("console.search.none")}</p>
      )}
      {s.lines.length > 0 && (
        <ul class="search-results">
          {s.lines.map((line) => (
            <li key={line.room}>
              <button
                type="button"
                class="search-result"
                data-room={line.room}
                onClick={() => props.onOpen(line.room)}
              >
                <strong>{line.user.name}</strong>{" "}
                <span class={`state-badge state-${line.state}`}>{t(`console.state.${line.state}`)}</span>
                {line.nameMatch && <span class="search-name">{t("console.search.byName")}</span>}
                {line.matches.map((m) => <span key={m.id} class="search-match">{m.text}</span>)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {s.hasMore && (
        <button type="button" class="btn btn-quiet" onClick={s.more}>{t("console.search.more")}</button>
      )}

      <details class="replies-admin">
        <summary>{t("console.replies.title")} ({tr.number(props.replies.length)})</summary>
        <p class="hint">{t("console.replies.hint")}</p>
        <ul class="replies-list">
          {props.replies.map((r) => (
            <li key={r.id}>
              <strong>{r.title}</strong> <span class="reply-text">{r.text}</span>{" "}
              <button type="button" class="btn btn-small" onClick={() => props.onDeleteReply(r.id)}>
                {t("console.replies.delete")}
              </button>
            </li>
          ))}
        </ul>
        <form
          class="reply-form"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await props.onAddReply(draft.title, draft.text)) setDraft({ title: "", text: "" });
          }}
        >
          <label>
            {t("console.replies.titleField")}
            <input
              name="title"
              maxLength={80}
              value={draft.title}
              onInput={(e) => setDraft({ ...draft, title: e.currentTarget.value })}
            />
          </label>
          <label>
            {t("console.replies.textField")}
            <textarea
              name="text"
              maxLength={2000}
              value={draft.text}
              onInput={(e) => setDraft({ ...draft, text: e.currentTarget.value })}
            />
          </label>
          <button type="submit" class="btn btn-small">{t("console.replies.add")}</button>
        </form>
      </details>

      <details class="ratings-summary">
        <summary>{t("console.ratings.title")}</summary>
        {props.ratings.length === 0 && <p>{t("console.ratings.none")}</p>}
        <ul>
          {props.ratings.map((r) => (
            <li key={r.counselor.id}>
              {t("console.ratings.line", {
                name: r.counselor.name,
                average: tr.number(r.average),
                count: tr.number(r.count),
              })}
            </li>
          ))}
        </ul>
      </details>

      <label class="assign-toggle">
        <input
          type="checkbox"
          checked={props.assign === "auto"}
          onChange={(e) => props.onAssign(e.currentTarget.checked ? "auto" : "manual")}
        />{" "}
        {t("console.assign.label")}
      </label>
      {props.error && <p class="field-error" role="alert">{props.error}</p>}
      <p class="console-links">
        <a href="/console/programs">{t("console.programs.title")}</a>
      </p>
      <p class="hint shortcuts">{t("console.shortcuts")}</p>
    </div>
  );
}
