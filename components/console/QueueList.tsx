import type { SupportSummary } from "@/lib/shared/protocol.ts";
import { formatTime } from "@/lib/shared/chat_view.ts";
import { useT } from "@/lib/shared/i18n/context.ts";

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

const TABS: { key: QueueTab; label: string }[] = [
  { key: "waiting", label: "Waiting" },
  { key: "mine", label: "Mine" },
  { key: "closed", label: "Closed" },
];

/** One line of preview for the queue: text, a program card's title, or a system notice. */
export function preview(line: SupportSummary): string {
  const m = line.lastMessage;
  if (!m) return "No messages yet";
  if (m.kind === "program") return `Program: ${m.program?.title ?? ""}`;
  const text = (m.text ?? "").replace(/\s+/g, " ");
  return m.author.id === line.user.id || m.kind === "system" ? text : `${m.author.name}: ${text}`;
}

/** The left pane: Waiting / Mine / Closed tabs and the conversations of the chosen one. */
export default function QueueList(props: QueueListProps) {
  const { t } = useT();
  return (
    <nav class="queue" aria-label="Support queue">
      <div class="queue-tabs" role="tablist">
        {TABS.map(({ key, label }) => (
          <button
            key={key}
            type="button"
            role="tab"
            id={`queue-tab-${key}`}
            aria-selected={props.tab === key}
            aria-controls="queue-list"
            class={`queue-tab${props.tab === key ? " active" : ""}`}
            onClick={() => props.onTab(key)}
          >
            {label} <span class="queue-count">{props.counts[key]}</span>
            {props.unread[key] > 0 && (
              <span class="unread-dot" aria-label={`${props.unread[key]} unread`}>{props.unread[key]}</span>
            )}
          </button>
        ))}
      </div>
      <ul id="queue-list" class="queue-list" role="tabpanel" aria-labelledby={`queue-tab-${props.tab}`}>
        {props.items.length === 0 && <li class="queue-empty">Nothing here</li>}
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
                {line.user.role === "guest" && <span class="queue-guest">guest</span>}
                {line.offline && <span class="queue-offline">{t("widget.leftWhileAway")}</span>}
                {line.lastMessage && (
                  <time class="queue-time" dateTime={line.lastMessage.at}>
                    {formatTime(line.lastMessage.at)}
                  </time>
                )}
              </span>
              <span class="queue-item-bottom">
                <span class="queue-preview">{preview(line)}</span>
                {line.unread > 0 && (
                  <span class="unread-badge" aria-label={`${line.unread} unread`}>
                    {line.unread >= 100 ? "99+" : line.unread}
                  </span>
                )}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
