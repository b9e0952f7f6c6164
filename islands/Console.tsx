import { useEffect, useMemo, useState } from "preact/hooks";
import type { Message, SupportSummary, UserRef } from "@/lib/shared/protocol.ts";
import type { Program } from "@/lib/shared/programs.ts";
import { configureSharedConnection, sharedConnection } from "@/lib/browser/shared_connection.ts";
import { api, ApiError, errorText } from "@/lib/browser/api_client.ts";
import { linesOf, type QueueTab, tabOf } from "@/lib/shared/support_view.ts";
import QueueList from "@/components/console/QueueList.tsx";
import ConversationHeader from "@/components/console/ConversationHeader.tsx";
import ProgramResults from "@/components/console/ProgramResults.tsx";
import ConnectionState from "@/components/ConnectionState.tsx";
import ChatPane from "./ChatPane.tsx";
import { Alerter } from "./console/alert.ts";
import { useQueue } from "./console/use_queue.ts";
import { useProgramSearch } from "./console/use_program_search.ts";
import { useT } from "@/lib/shared/i18n/context.ts";
import ToolsPanel from "@/components/console/ToolsPanel.tsx";
import { useTools } from "./console/use_tools.ts";
import { useConversationSearch } from "./console/use_conversation_search.ts";
import { useShortcuts } from "./console/use_shortcuts.ts";

export interface ConsoleProps {
  me: UserRef;
  queue: SupportSummary[];
}

interface OpenChat {
  room: string;
  history: { messages: Message[]; hasMore: boolean; lastSeq: number };
}

/** Conversations kept mounted (history, draft, subscription) while the counselor switches between them. */
const MAX_OPEN = 8;
const TABS: QueueTab[] = ["waiting", "mine", "closed"];
/** On a phone the console shows one pane at a time; these switch between them. */
const PANES = ["queue", "chat", "programs"] as const;
type Pane = (typeof PANES)[number];

/**
 * The counselor console: the live queue, the open conversations (each keeps its history and unsent
 * draft across switches) and the program search, all over the tab's one socket.
 */
export default function Console({ me, queue }: ConsoleProps) {
  // Before the socket opens: a console tab is what makes its counselor available to visitors.
  configureSharedConnection({ query: "console" });
  const tr = useT();
  const { t } = tr;
  const alerter = useMemo(() => new Alerter(tr), []);
  const [pane, setPane] = useState<Pane>("queue");
  const q = useQueue(me, queue, alerter);
  const search = useProgramSearch();
  const tools = useTools();
  const found = useConversationSearch();
  const [tab, setTab] = useState<QueueTab>("waiting");
  const [open, setOpen] = useState<OpenChat[]>([]);
  const [action, setAction] = useState({ busy: false, error: "" });
  const [sent, setSent] = useState<Record<string, boolean>>({});
  const all = Object.values(q.lines);
  const current = q.viewing ? q.lines[q.viewing] : undefined;

  useEffect(() => {
    const unlock = () => alerter.unlock();
    const seen = () => !document.hidden && alerter.seen();
    document.addEventListener("pointerdown", unlock);
    document.addEventListener("keydown", unlock);
    document.addEventListener("visibilitychange", seen);
    globalThis.addEventListener("focus", seen);
    return () => {
      document.removeEventListener("pointerdown", unlock);
      document.removeEventListener("keydown", unlock);
      document.removeEventListener("visibilitychange", seen);
      globalThis.removeEventListener("focus", seen);
    };
  }, []);
  useEffect(() => alerter.setWaiting(all.filter((l) => l.state === "waiting").length), [q.lines]);

  async function select(room: string) {
    q.view(room);
    setPane("chat");
    setAction({ busy: false, error: "" });
    if (open.some((o) => o.room === room)) return;
    try {
      const page = await api<{ messages: Message[]; hasMore: boolean }>(
        `/api/rooms/${encodeURIComponent(room)}/messages?limit=50`,
      );
      const chat = { room, history: { ...page, lastSeq: page.messages.at(-1)?.seq ?? 0 } };
      setOpen((old) => old.some((o) => o.room === room) ? old : [...old, chat].slice(-MAX_OPEN));
    } catch (err) {
      setAction({ busy: false, error: errorText(err) });
    }
  }

  async function act(kind: "claim" | "close" | "transfer", body: Record<string, string> = {}) {
    if (!q.viewing) return;
    setAction({ busy: true, error: "" });
    try {
      const line = await api<SupportSummary>(`/api/support/${encodeURIComponent(q.viewing)}/${kind}`, body);
      q.update(line);
      tools.reload();
      setTab(tabOf(line, me) ?? tab);
      setAction({ busy: false, error: "" });
    } catch (err) {
      setAction({ busy: false, error: errorText(err) });
      // Lost a claim race: show who has it now (the push may still be on its way).
      if (err instanceof ApiError && err.code === "already_claimed") q.refresh();
    }
  }

  useShortcuts({
    lines: linesOf(all, tab, me),
    viewing: q.viewing,
    select,
    claim: () => act("claim"),
  });

  /** A search result: opened like a queue line (an old closed one may not be in the queue). */
  function openFound(room: string) {
    const line = found.lines.find((l) => l.room === room);
    if (line && !q.lines[room]) q.update({ ...line, unread: 0 });
    select(room);
  }

  function sendProgram(program: Program) {
    if (!q.viewing) return;
    sharedConnection().send(q.viewing, { program: program.id });
    setSent((old) => ({ ...old, [`${q.viewing}:${program.id}`]: true }));
  }

  const counts = Object.fromEntries(TABS.map((t) => [t, linesOf(all, t, me).length])) as Record<
    QueueTab,
    number
  >;
  const unread = Object.fromEntries(
    TABS.map((t) => [t, linesOf(all, t, me).reduce((n, l) => n + (l.unread > 0 ? 1 : 0), 0)]),
  ) as Record<QueueTab, number>;
  const sentHere = Object.fromEntries(
    Object.keys(sent).filter((k) => k.startsWith(`${q.viewing}:`)).map((
      k,
    ) => [k.slice(k.indexOf(":") + 1), true]),
  );

  return (
    <div class="console" data-pane={pane}>
      <nav class="console-switch" aria-label={t("console.panes")}>
        {PANES.map((p) => (
          <button
            key={p}
            type="button"
            class={`btn btn-small${pane === p ? " active" : ""}`}
            aria-pressed={pane === p}
            onClick={() => setPane(p)}
          >
            {t(p === "queue" ? "console.queue" : p === "chat" ? "console.conversation" : "console.programs")}
          </button>
        ))}
      </nav>
      <section class="console-queue" aria-label={t("console.queue")}>
        <ConnectionState status={q.status} onRetry={() => sharedConnection().retryNow()} />
        <QueueList
          tab={tab}
          counts={counts}
          unread={unread}
          items={linesOf(all, tab, me)}
          selected={q.viewing}
          onTab={setTab}
          onSelect={select}
        />
        <ToolsPanel
          search={found}
          replies={tools.replies}
          ratings={tools.ratings}
          assign={tools.assign}
          error={tools.error}
          onOpen={openFound}
          onAddReply={tools.addReply}
          onDeleteReply={tools.deleteReply}
          onAssign={tools.setAssign}
        />
      </section>
      <section class="console-chat" aria-label={t("console.conversation")}>
        {current && (
          <ConversationHeader
            line={current}
            me={me}
            busy={action.busy}
            error={action.error}
            onClaim={() => act("claim")}
            onClose={() => act("close")}
            counselors={tools.counselors}
            onTransfer={(id) => act("transfer", { counselor: id })}
          />
        )}
        {!current && <p class="console-empty">{action.error || t("console.choose")}</p>}
        {open.map((chat) => (
          <div key={chat.room} class="console-pane" hidden={chat.room !== q.viewing}>
            <ChatPane
              room={{
                id: chat.room,
                name: q.lines[chat.room]?.user.name ?? t("console.conversationFallback"),
                visibility: "support",
              }}
              me={me}
              history={chat.history}
              heading={q.lines[chat.room]?.user.name}
              idPrefix={`pane-${chat.room}-`}
              counselor={{ replies: tools.replies }}
            />
          </div>
        ))}
      </section>
      <section class="console-programs" aria-label={t("console.programs")}>
        <form
          class="program-search"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            search.search();
          }}
        >
          <label for="program-q" class="sr-only">{t("console.searchPrograms")}</label>
          <input
            id="program-q"
            type="search"
            placeholder={t("console.searchPrograms")}
            maxLength={100}
            value={search.q}
            onInput={(e) => search.type(e.currentTarget.value)}
          />
          <div class="status-toggle" role="group" aria-label={t("console.programStatus")}>
            {(["current", "expired"] as const).map((s) => (
              <button
                key={s}
                type="button"
                class={`btn btn-small${search.status === s ? " active" : ""}`}
                aria-pressed={search.status === s}
                onClick={() => search.search(s)}
              >
                {s === "current" ? t("console.current") : t("console.expired")}
              </button>
            ))}
          </div>
        </form>
        <ProgramResults
          programs={search.programs}
          loading={search.loading}
          error={search.error}
          hasMore={search.hasMore}
          sendBlocked={q.viewing ? "" : t("console.openFirst")}
          sent={sentHere}
          onSend={sendProgram}
          onMore={search.more}
        />
      </section>
    </div>
  );
}
