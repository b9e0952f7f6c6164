import type { SupportSummary } from "@/lib/shared/protocol.ts";
import { formatTime } from "@/lib/shared/chat_view.ts";
import { noticeText } from "@/lib/shared/notice_view.ts";
import { useT } from "@/lib/shared/i18n/context.ts";
import { type Translator, translator } from "@/lib/shared/i18n/mod.ts";

import type { QueueTab } from "@/lib/shared/support_view.ts";
export type { QueueTab };

export interface QueueListProps {
  tab: QueueTab;
  counts: Record<QueueTab, number>;
  /** Unread totals per tab, for the tab badges. */
  unread: Record<QueueTab, number>;
  items: SupportSummary[];
  selected?: string;
  onTab: (tab: QueueTab) => void;
  onSelect: (room: string) => void;
}

const TABS: QueueTab[] = ["waiting", "mine", "closed"];

/** One line of preview for the queue: text, a program card's title, or a system notice. */
export function preview(line: SupportSummary, { t }: Translator = translator("en")): string {
  const m = line.lastMessage;
  if (!m) return t("console.noMessages");
  if (m.kind === "program") return t("console.programPreview", { title: m.program?.title ?? "" });
  if (m.kind === "system") return noticeText(t, m);
  const text = (m.text ?? "").replace(/\s+/g, " ");
  return m.author.id === line.user.id ? text : `${m.author.name}: ${text}`;
}

/** The left pane: Waiting / Mine / Closed tabs and the conversations of the chosen one. */
export default function QueueList(props: QueueListProps) {
  const tr = useT();
  const { t } = tr;
  /** Arrow keys, Home and End move between the tabs (and choose them), as the ARIA tabs pattern says. */
  function onKeyDown(e: KeyboardEvent) {
    const at = TABS.indexOf(props.tab);
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: TABS.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const key = TABS[(next + TABS.length) % TABS.length];
    props.onTab(key);
    document.getElementById(`queue-tab-${key}`)?.focus();
  }
  return (
    <nav class="queue" aria-label={t("console.supportQueue")}>
      <div class="queue-tabs" role="tablist" onKeyDown={onKeyDown}>
        {TABS.map((key) => (
          <button
            key={key}
            type="button"
            role="tab"
            id={`queue-tab-${key}`}
            aria-selected={props.tab === key}
            aria-controls="queue-list"
            tabIndex={props.tab === key ? 0 : -1}
            class={`queue-tab${props.tab === key ? " active" : ""}`}
            onClick={() => props.onTab(key)}
          >
            {t(`console.tab.${key}`)} <span class="queue-count">{tr.number(props.counts[key])}</span>
            {props.unread[key] > 0 && (
              // One number per tab (its conversations); unread ones only mark the tab with a dot.
              <span class="unread-dot" title={t("console.unread", { count: props.unread[key] })}>
                <span class="sr-only">{t("console.unread", { count: props.unread[key] })}</span>
              </span>
            )}
          </button>
        ))}
      </div>
      {/* The tabpanel role on a wrapper: on the <ul> itself it would hide the list from its items. */}
      <div id="queue-list" role="tabpanel" aria-labelledby={`queue-tab-${props.tab}`}>
        <ul class="queue-list">
          {props.items.length === 0 && <li class="queue-empty">{t("console.nothingHere")}</li>}
          {props.items.map((line) => (
            <li key={line.room}>
              <button
                type="button"
                class={`queue-item${line.room === props.selected ? " selected" : ""}${
                  line.unread ? " has-unread" : ""
                }`}
                aria-current={line.room === props.selected ? "true" : undefined}
                data-room={line.room}
                onClick={() => props.onSelect(line.room)}
              >
                <span class="queue-item-top">
                  <strong class="queue-user">{line.user.name}</strong>
                  {line.user.role === "guest" && <span class="queue-guest">{t("console.guest")}</span>}
                  {line.offline && <span class="queue-offline">{t("widget.leftWhileAway")}</span>}
                  {line.lastMessage && (
                    <time class="queue-time" dateTime={line.lastMessage.at}>
                      {formatTime(line.lastMessage.at, undefined, tr.locale)}
                    </time>
                  )}
                </span>
                <span class="queue-item-bottom">
                  <span class="queue-preview">{preview(line, tr)}</span>
                  {line.rating && (
                    <span
                      class="queue-rating"
                      title={t("console.rating.stars", { score: line.rating.score })}
                    >
                      ★{line.rating.score}
                    </span>
                  )}
                  {line.unread > 0 && (
                    <span class="unread-badge">
                      <span aria-hidden="true">{line.unread >= 100 ? "99+" : line.unread}</span>
                      <span class="sr-only">{t("console.unread", { count: line.unread })}</span>
                    </span>
                  )}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    </nav>
  );
}
