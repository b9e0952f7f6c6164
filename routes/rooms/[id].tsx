import type { AppContext, PageProps } from "@/lib/web/app_env.ts";
import type { Message, Presence, UserRef } from "@/lib/shared/protocol.ts";
import { HttpError } from "@/lib/web/errors.ts";
import { roomForSession, type RoomView, toRoomView } from "@/lib/rooms/rooms.ts";
import { historyPage } from "@/lib/rooms/history.ts";
import ChatPane from "@/islands/ChatPane.tsx";
import JoinRoom from "@/islands/JoinRoom.tsx";
import { userRefOf } from "@/lib/accounts/user_ref.ts";
import { translator } from "@/lib/shared/i18n/mod.ts";

type RoomData =
  | {
    room: RoomView;
    me: UserRef | null;
    history: { messages: Message[]; hasMore: boolean; lastSeq: number };
    presence: Presence;
    /** The owner may delete any message. */
    ownerId: string;
  }
  | { forbidden: string; me: UserRef | null };

const HISTORY = 50;

export const title = ({ data, locale }: PageProps<RoomData>) =>
  "room" in data ? data.room.name : translator(locale).t("rooms.privateTitle");

export const handler = {
  async GET(c: AppContext) {
    const { store, hub } = c.var.services;
    const session = c.get("session");
    let room;
    try {
      room = await roomForSession(store, session, c.req.param("id") ?? "");
    } catch (err) {
      // 404 goes to the error page; a private room gets its own page with the invite form.
      if (err instanceof HttpError && err.status === 403) {
        return c.var.render({ forbidden: err.message, me: userRefOf(session) } satisfies RoomData, {
          status: 403,
        });
      }
      throw err;
    }
    const { messages, hasMore } = await historyPage(store, room.id, {
      limit: HISTORY,
      role: session?.role ?? "guest",
    });
    const lastSeq = Math.max(room.lastSeq, messages.at(-1)?.seq ?? 0);
    const member = room.visibility !== "support" && session
      ? await store.isMember(room.id, session.userId)
      : false;
    // Entering a public room puts it in the reader's "My rooms".
    if (session && room.visibility === "public" && !member) await store.addMember(room.id, session.userId);
    return c.var.render(
      {
        room: toRoomView(room, { withInvite: member && room.visibility === "private" }),
        me: userRefOf(session),
        history: { messages, hasMore, lastSeq },
        presence: hub.presence(room.id),
        ownerId: room.ownerId,
      } satisfies RoomData,
    );
  },
};

/** A room's chat page, or the "this room is private" page with the invite form. */
export default function RoomPage({ data, locale }: PageProps<RoomData>) {
  const { t } = translator(locale);
  if ("forbidden" in data) {
    return (
      <section class="panel narrow">
        <h1>{t("rooms.privateHeading")}</h1>
        <p>{t("rooms.privateHelp")}</p>
        <JoinRoom me={data.me} />
        <p>
          <a href="/">{t("common.backToLobby")}</a>
        </p>
      </section>
    );
  }
  const { room } = data;
  return (
    <ChatPane
      room={{
        id: room.id,
        name: room.name,
        visibility: room.visibility,
        inviteCode: room.inviteCode,
        ownerId: data.ownerId,
      }}
      me={data.me}
      history={data.history}
      presence={data.presence}
    />
  );
}
