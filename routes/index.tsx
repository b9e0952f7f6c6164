import type { AppContext, PageProps } from "@/lib/web/app_env.ts";
import type { UserRef } from "@/lib/shared/protocol.ts";
import { lobbyPage, type RoomView, toRoomView } from "@/lib/rooms/rooms.ts";
import { translator } from "@/lib/shared/i18n/mod.ts";
import RoomList from "@/islands/RoomList.tsx";
import CreateRoom from "@/islands/CreateRoom.tsx";
import JoinRoom from "@/islands/JoinRoom.tsx";
import AcceptInvite from "@/islands/AcceptInvite.tsx";
import UnreadTitle from "@/islands/UnreadTitle.tsx";
import { UNREAD_CAP, unreadCount } from "@/lib/rooms/unread.ts";
import { userRefOf } from "@/lib/accounts/user_ref.ts";

interface LobbyData {
  rooms: RoomView[];
  nextCursor: string | null;
  mine: RoomView[];
  me: UserRef | null;
  /** `/?invite=CODE`: the room it opens (named, so the reader knows what they join), or null. */
  invite?: { code: string; room: string | null };
}

const INVITE_CODE = /^[A-Za-z0-9_-]{16,64}$/;

export const title = (props: PageProps<LobbyData>) => translator(props.locale).t("common.brand");

export const handler = {
  async GET(c: AppContext) {
    const { store } = c.var.services;
    const session = c.get("session");
    const code = c.req.query("invite")?.trim();
    if (code) {
      const room = INVITE_CODE.test(code) ? await store.getRoomByInvite(code) : null;
      const name = room?.visibility === "private" ? room.name : null;
      return c.var.render(
        {
          rooms: [],
          nextCursor: null,
          mine: [],
          me: userRefOf(session),
          invite: { code, room: name },
        } satisfies LobbyData,
        { status: name ? 200 : 404 },
      );
    }
    const { rooms, nextCursor } = await lobbyPage(c, undefined);
    // Every room the user made or entered, public ones included (support rooms have their own page).
    const own = session
      ? (await store.listRoomsOf(session.userId)).filter((r) => r.visibility !== "support")
      : [];
    const mine = await Promise.all(
      own.map(async (r) => toRoomView(r, { unread: await unreadCount(store, r.id, session!.userId) })),
    );
    return c.var.render({ rooms, nextCursor, mine, me: userRefOf(session) } satisfies LobbyData);
  },
};

/** The lobby: public rooms with live counts, start a room, join by name or invite code. */
export default function Lobby({ data, locale }: PageProps<LobbyData>) {
  const { t } = translator(locale);
  if (data.invite) {
    return (
      <section class="panel narrow invite-page" aria-labelledby="invite-title">
        <h1 id="invite-title">{t("lobby.inviteTitle")}</h1>
        <AcceptInvite me={data.me} code={data.invite.code} room={data.invite.room} />
        <p>
          <a href="/">{t("lobby.orLobby")}</a>
        </p>
      </section>
    );
  }
  return (
    <div class="lobby">
      <section class="hero">
        <h1>{t("lobby.heroTitle")}</h1>
        <p>{t("lobby.heroText")}</p>
      </section>
      <div class="lobby-grid">
        <section class="panel rooms-panel" aria-labelledby="public-rooms">
          <h2 id="public-rooms">{t("lobby.publicRooms")}</h2>
          <RoomList rooms={data.rooms} nextCursor={data.nextCursor} />
        </section>
        <div class="lobby-side">
          <UnreadTitle count={data.mine.reduce((n, r) => n + (r.unread ?? 0), 0)} />
          {data.mine.length > 0 && (
            <section class="panel my-rooms" aria-labelledby="mine-title">
              <h2 id="mine-title">{t("lobby.myRooms")}</h2>
              <ul class="plain-list">
                {data.mine.map((r) => (
                  <li key={r.id}>
                    <a href={`/rooms/${encodeURIComponent(r.id)}`}>{r.name}</a>
                    {(r.unread ?? 0) > 0 && (
                      <span class="unread-badge" title={t("messages.unread", { count: r.unread! })}>
                        {r.unread! > UNREAD_CAP ? `${UNREAD_CAP}+` : r.unread}
                      </span>
                    )}
                    {r.visibility === "private" && (
                      <span class="badge badge-private">{t("lobby.private")}</span>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section class="panel" aria-labelledby="create-title">
            <h2 id="create-title">{t("lobby.startRoom")}</h2>
            <CreateRoom me={data.me} />
          </section>
          <section class="panel" aria-labelledby="join-title">
            <h2 id="join-title">{t("lobby.joinRoom")}</h2>
            <JoinRoom me={data.me} />
          </section>
          <section class="panel support-cta" aria-labelledby="cta-title">
            <h2 id="cta-title">{t("lobby.notSure")}</h2>
            <p>{t("lobby.counselorHelps")}</p>
            <a class="btn" href="/support">{t("common.talkToCounselor")}</a>
          </section>
        </div>
      </div>
    </div>
  );
}
