import { useEffect, useRef, useState } from "preact/hooks";
import type { Message, Presence, UserRef } from "@/lib/shared/protocol.ts";
import type { FrameMessage, HostMessage } from "@/lib/shared/widget_messages.ts";
import { useT } from "@/lib/shared/i18n/context.ts";
import { api, ApiError, errorText, useApiToken } from "@/lib/browser/api_client.ts";
import { configureSharedConnection, sharedConnection } from "@/lib/browser/shared_connection.ts";
import { NewTabContext } from "@/components/new_tab.ts";
import ChatPane from "./ChatPane.tsx";
import AvailabilityLine from "./AvailabilityLine.tsx";
import EmailForm from "./widget/EmailForm.tsx";

export interface WidgetProps {
  /** The host site's origin, already checked against WIDGET_ORIGINS by the server. */
  hostOrigin: string;
  emailOffered: boolean;
}

interface Conversation {
  room: string;
  me: UserRef;
  history: { messages: Message[]; hasMore: boolean; lastSeq: number };
  presence: Presence;
  readSeq: number;
  email: string | null;
}

type Phase = { name: "waiting" } | { name: "failed"; reason: string } | { name: "notFramed" };

/**
 * The chat inside the frame on another site: gets the visitor's token from widget.js (or starts a
 * session and hands it over), then shows the conversation over the token-authenticated socket.
 */
export default function Widget({ hostOrigin, emailOffered }: WidgetProps) {
  const { t } = useT();
  const [phase, setPhase] = useState<Phase>({ name: "waiting" });
  const [chat, setChat] = useState<Conversation | null>(null);
  const [page, setPage] = useState("");
  // A returning visitor's frame loads unseen for the badge: it opens no socket until first shown.
  const [shown, setShown] = useState(false);
  const visible = useRef(false);
  const seen = useRef({ read: 0, latest: 0, unread: new Set<number>() });

  const post = (message: FrameMessage) => globalThis.parent.postMessage(message, hostOrigin);

  function report() {
    const s = seen.current;
    if (visible.current && s.latest > s.read) {
      s.read = s.latest;
      api("/api/widget/read", { seq: s.latest }).catch(() => {});
    }
    if (visible.current) s.unread.clear();
    post({ parley: "unread", count: s.unread.size });
  }

  function count(messages: Message[], me: UserRef) {
    const s = seen.current;
    for (const m of messages) {
      s.latest = Math.max(s.latest, m.seq);
      if (m.author.id !== me.id && m.kind !== "system" && m.seq > s.read) s.unread.add(m.seq);
    }
  }

  async function start(token: string | null) {
    try {
      if (token) {
        useApiToken(token);
        try {
          return await open(token);
        } catch (err) {
          // The session expired or was removed: start a new one rather than fail.
          if (!(err instanceof ApiError && err.status === 401)) throw err;
        }
      }
      const made = await api<{ token: string }>("/api/widget/session", { origin: hostOrigin });
      post({ parley: "token-set", token: made.token });
      useApiToken(made.token);
      await open(made.token);
    } catch (err) {
      setPhase({ name: "failed", reason: errorText(err) });
    }
  }

  async function open(token: string) {
    const data = await api<Conversation>("/api/widget/conversation");
    configureSharedConnection({ protocols: ["parley", `parley-token.${token}`] });
    seen.current.read = data.readSeq;
    count(data.history.messages, data.me);
    setChat(data);
    report();
  }

  useEffect(() => {
    if (globalThis.parent === globalThis.window) return setPhase({ name: "notFramed" });
    const onMessage = (e: MessageEvent<HostMessage>) => {
      if (e.origin !== hostOrigin || e.source !== globalThis.parent || typeof e.data?.parley !== "string") {
        return;
      }
      if (e.data.parley === "token") {
        setPage(e.data.page);
        start(e.data.token);
      } else if (e.data.parley === "visible") {
        visible.current = e.data.visible;
        if (e.data.visible) setShown(true);
        report();
      }
    };
    globalThis.addEventListener("message", onMessage);
    post({ parley: "hello" });
    return () => globalThis.removeEventListener("message", onMessage);
  }, []);

  useEffect(() => {
    if (!chat || !shown) return;
    return sharedConnection().onFrame((frame) => {
      if (frame.type === "joined" && frame.room === chat.room) count(frame.messages, chat.me);
      else if (frame.type === "message" && frame.room === chat.room) count([frame.message], chat.me);
      else return;
      report();
    });
  }, [chat, shown]);

  const heading = t("widget.title");
  return (
    <div class="widget">
      <header class="widget-head">
        <h1>{heading}</h1>
        <button type="button" class="btn btn-quiet widget-close" onClick={() => post({ parley: "close" })}>
          <span aria-hidden="true">×</span>
          <span class="sr-only">{t("widget.close")}</span>
        </button>
      </header>
      {phase.name === "notFramed" && <p class="widget-note" role="alert">{t("widget.notFramed")}</p>}
      {phase.name === "failed" && (
        <p class="widget-note field-error" role="alert">{t("widget.failed", { reason: phase.reason })}</p>
      )}
      {phase.name === "waiting" && !chat && <p class="widget-note">{t("widget.starting")}</p>}
      {chat && shown && (
        <>
          <AvailabilityLine emailOffered={emailOffered} />
          {emailOffered && <EmailForm saved={chat.email} page={page} />}
          <NewTabContext.Provider value>
            <ChatPane
              room={{ id: chat.room, name: heading, visibility: "support" }}
              me={chat.me}
              history={chat.history}
              presence={chat.presence}
              heading={heading}
              idPrefix="widget-"
            />
          </NewTabContext.Provider>
        </>
      )}
    </div>
  );
}
