import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Message, Presence, UserRef } from "@/lib/shared/protocol.ts";
import { CloseCode } from "@/lib/shared/protocol.ts";
import { EnterGuard, typingText } from "@/lib/browser/chat_client.ts";
import { sharedConnection } from "@/lib/browser/shared_connection.ts";
import { useT } from "@/lib/shared/i18n/context.ts";
import { errorText, startGuest } from "@/lib/browser/api_client.ts";
import Composer from "@/components/Composer.tsx";
import ConnectionState from "@/components/ConnectionState.tsx";
import Members from "@/components/Members.tsx";
import MessageList from "@/components/MessageList.tsx";
import NicknameForm from "@/components/NicknameForm.tsx";
import InviteLink from "@/components/InviteLink.tsx";
import { useChatRoom } from "./chat/use_chat_room.ts";
import { useStickToBottom } from "./chat/use_stick_to_bottom.ts";
import { useMessageActions } from "./chat/use_message_actions.ts";
import { MessageActionsContext } from "@/components/message_actions.ts";
import Uploads from "@/components/Uploads.tsx";
import NotifyToggle from "@/components/NotifyToggle.tsx";
import ReplyMenu from "@/components/console/ReplyMenu.tsx";
import { filterReplies, type ReplyView, slashQuery } from "@/lib/shared/replies_view.ts";

export interface ChatPaneProps {
  room: { id: string; name: string; visibility: string; inviteCode?: string; ownerId?: string };
  me: UserRef | null;
  /** History rendered with the page: the newest messages, oldest first. */
  history: { messages: Message[]; hasMore: boolean; lastSeq: number };
  presence?: Presence;
  /** Heading shown above the log (defaults to the room's name). */
  heading?: string;
  /**
   * Put before every element id, for pages that mount several panes (the console); the room page
   * keeps the plain ids. Also makes the heading an h2, as the pane is then part of a larger page.
   */
  idPrefix?: string;
  /** The console: saved replies offered by `/`, a private-note switch, and no connection line of its own. */
  counselor?: { replies: ReplyView[] };
}

/** A room's chat: history, live messages, presence, typing, and the composer. */
export default function ChatPane(
  { room, me: initialMe, history, presence, heading, idPrefix = "", counselor }: ChatPaneProps,
) {
  const tr = useT();
  const { t } = tr;
  const [me, setMe] = useState(initialMe);
  const [nick, setNick] = useState({ busy: false, error: "" });
  const [text, setText] = useState("");
  const [composerError, setComposerError] = useState("");
  const [showMembers, setShowMembers] = useState(false);
  const [note, setNote] = useState(false);
  const [pick, setPick] = useState({ at: 0, closed: false });
  const query = counselor ? slashQuery(text) : null;
  const menu = query !== null && !pick.closed ? filterReplies(counselor!.replies, query) : null;
  // Support rooms store their own "<name> joined" line when a counselor claims; presence notices
  // there would say it twice (and announce every counselor who merely opens the conversation).
  const chat = useChatRoom(room.id, me, { ...history, presence, name: heading ?? room.name }, {
    notices: room.visibility !== "support",
    // In their own support chat a user is told of the counselors' replies.
    notify: room.visibility === "support" && me?.role !== "counselor" ? "counselors" : "all",
  });
  const extra = useMessageActions(room, me, chat);
  const guard = useMemo(() => new EnterGuard(), []);
  const textarea = useRef<HTMLTextAreaElement>(null);
  // What changes when a line is added at the end: the newest stored message and the pending sends
  // (a failed send that stays must not freeze the key, or new messages would stop scrolling).
  const sending = chat.pending.filter((p) => !p.error);
  const last = `${chat.messages.at(-1)?.id ?? ""}|${
    sending.at(-1)?.clientId ?? ""
  }|${chat.pending.length}|${chat.notices.length}`;
  const lastIsOwn = sending.length > 0 || chat.messages.at(-1)?.author.id === me?.id;
  const scroll = useStickToBottom(chat.messages[0]?.id, last, lastIsOwn);
  const signedOut = chat.status.state === "closed" && chat.status.retryIn === null &&
    (chat.status.code === CloseCode.loggedOut || chat.status.code === CloseCode.unauthorized);
  const here = room.visibility === "support" ? "/support" : `/rooms/${encodeURIComponent(room.id)}`;
  const focusComposer = useRef(false);
  useEffect(() => {
    // After choosing a nickname the composer replaces the form: the reader goes on typing there.
    if (me && focusComposer.current) {
      focusComposer.current = false;
      textarea.current?.focus();
    }
  }, [me]);

  async function join(nickname: string) {
    setNick({ busy: true, error: "" });
    try {
      focusComposer.current = true;
      setMe(await startGuest(nickname));
    } catch (err) {
      setNick({ busy: false, error: errorText(err) });
    }
  }

  function submit() {
    const value = (textarea.current?.value ?? text).trim();
    if (!value) {
      setComposerError(t("chat.enterMessage"));
      textarea.current?.focus();
      return;
    }
    chat.send(value, note);
    setText("");
    setComposerError("");
  }

  /** The reply menu's keys; true when the key was the menu's. */
  function onMenuKey(e: KeyboardEvent): boolean {
    const size = menu!.length;
    if (e.key === "Escape") setPick({ at: 0, closed: true });
    else if (e.key === "ArrowDown" && size) setPick({ at: (pick.at + 1) % size, closed: false });
    else if (e.key === "ArrowUp" && size) setPick({ at: (pick.at - 1 + size) % size, closed: false });
    else if (e.key === "Enter" && !e.shiftKey && !e.isComposing && size) insertReply(menu![pick.at]);
    else return false;
    e.preventDefault();
    return true;
  }

  function insertReply(reply: ReplyView) {
    setText(reply.text);
    setPick({ at: 0, closed: false });
    textarea.current?.focus();
  }

  const count = chat.presence.count;
  const ids = { title: `${idPrefix}chat-title`, members: `${idPrefix}chat-members` };
  const Heading = idPrefix ? "h2" : "h1";
  return (
    <section class="chat" aria-labelledby={ids.title}>
      <header class="chat-head">
        <div class="chat-title">
          <Heading id={ids.title}>{heading ?? room.name}</Heading>
          {room.visibility === "private" && <span class="badge badge-private">{t("chat.private")}</span>}
        </div>
        {room.inviteCode && (
          <details class="invite-menu">
            <summary class="btn btn-quiet">{t("chat.invite")}</summary>
            <div class="popover">
              <InviteLink code={room.inviteCode} />
            </div>
          </details>
        )}
        {me && !counselor && (
          <ConnectionState
            status={chat.status}
            onRetry={() => sharedConnection().retryNow()}
          />
        )}
        {me && <NotifyToggle />}
        <button
          type="button"
          class="btn btn-quiet people-toggle"
          aria-expanded={showMembers}
          aria-controls={ids.members}
          onClick={() => setShowMembers(!showMembers)}
        >
          <span class="live-dot" aria-hidden="true" /> {t("chat.online", { count: tr.number(count) })}
        </button>
      </header>
      <div class="chat-body">
        <div class="chat-column">
          <MessageActionsContext.Provider value={extra.actions}>
            <MessageList
              messages={chat.messages}
              notices={chat.notices}
              pending={chat.pending}
              me={me}
              hasMore={chat.hasMore}
              loadingOlder={chat.loadingOlder}
              onLoadOlder={chat.loadOlder}
              onRetry={signedOut ? undefined : chat.retry}
              onScroll={scroll.onScroll}
              listRef={scroll.ref}
            />
          </MessageActionsContext.Provider>
          {scroll.unseen > 0 && (
            <button type="button" class="btn new-messages" onClick={scroll.jump}>
              {t("chat.newMessages")}
            </button>
          )}
          <p class="typing" aria-live="polite">{typingText(chat.typers, tr)}</p>
          {chat.error && <p class="chat-error" role="alert">{chat.error}</p>}
          {me && signedOut && (
            <div class="signed-out" role="alert">
              <strong>{t("chat.signedOut")}</strong>
              <p>{t("chat.signedOutHelp")}</p>
              <a class="btn btn-primary" href={`/login?next=${encodeURIComponent(here)}`}>
                {t("chat.signInAgain")}
              </a>
            </div>
          )}
          {menu && (
            <ReplyMenu
              id={`${idPrefix}reply-menu`}
              replies={menu}
              active={pick.at}
              onPick={(r) => insertReply(r)}
            />
          )}
          {me && counselor && room.visibility === "support" && (
            <label class={`note-toggle${note ? " on" : ""}`}>
              <input
                type="checkbox"
                checked={note}
                onChange={(e) =>
                  setNote(e.currentTarget.checked)}
              />{" "}
              {t("console.note.toggle")}
            </label>
          )}
          {me && !signedOut && (
            <Uploads
              uploads={extra.uploads}
              onPick={extra.upload}
              onRetry={extra.retryUpload}
              onDrop={extra.dropUpload}
              idPrefix={idPrefix}
            />
          )}
          {me
            ? (
              <Composer
                disabled={signedOut}
                value={text}
                error={composerError}
                textareaRef={textarea}
                onInput={(v) => {
                  setText(v);
                  if (pick.closed || pick.at) setPick({ at: 0, closed: pick.closed && v.startsWith("/") });
                  if (composerError && v.trim()) setComposerError("");
                  if (v.trim()) chat.typing();
                }}
                onKeyDown={(e) => {
                  if (menu && onMenuKey(e)) return;
                  if (counselor && e.altKey && e.code === "KeyN") {
                    e.preventDefault();
                    setNote(!note);
                    return;
                  }
                  if (!guard.shouldSend(e)) return;
                  e.preventDefault();
                  submit();
                }}
                onCompositionStart={() => guard.compositionStart()}
                onCompositionEnd={() => guard.compositionEnd()}
                onSubmit={submit}
                idPrefix={idPrefix}
              />
            )
            : (
              <NicknameForm
                purpose={t(room.visibility === "support" ? "chat.pickNicknameSupport" : "chat.pickNickname")}
                next={here}
                busy={nick.busy}
                error={nick.error}
                onSubmit={join}
                idPrefix={`${idPrefix}nick`}
              />
            )}
        </div>
        <aside
          id={ids.members}
          class={`chat-members${showMembers ? " open" : ""}`}
          aria-label={t("chat.peopleInRoom")}
        >
          <h2>
            {t("chat.inTheRoom")} <span class="count">{tr.number(count)}</span>
          </h2>
          <Members members={chat.presence.members} meId={me?.id} />
        </aside>
      </div>
    </section>
  );
}
