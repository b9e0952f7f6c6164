import type { AppContext, PageProps } from "@/lib/web/app_env.ts";
import type { UserRef } from "@/lib/shared/protocol.ts";
import { lobbyPage, type RoomView, toRoomView } from "@/lib/rooms/rooms.ts";
import RoomList from "@/islands/RoomList.tsx";
import CreateRoom from "@/islands/CreateRoom.tsx";
import JoinRoom from "@/islands/JoinRoom.tsx";
import { meOf } from "@/components/session.ts";

interface LobbyData {
  rooms: RoomView[];
  nextCursor: string | null;
  mine: RoomView[];
  me: UserRef | null;
  invite?: string;
}

export const title = "Parley";

export const handler = {
  async GET(c: AppContext) {
    const { store } = c.var.services;
    const session = c.get("session");
    const { rooms, nextCursor } = await lobbyPage(c, undefined);
    const mine = session
      ? (await store.listRoomsOf(session.userId)).filter((r) => r.visibility === "private").map((r) =>
        toRoomView(r)
      )
      : [];
    const invite = c.req.query("invite")?.trim() || undefined;
    return c.var.render({ rooms, nextCursor, mine, me: meOf(session), invite } satisfies LobbyData);
  },
};

/** The lobby: public rooms with live counts, start a room, join by name or invite code. */
export default function Lobby({ data }: PageProps<LobbyData>) {
  return (
    <div class="lobby">
      <section class="hero">
        <h1>Rooms for real conversations</h1>
        <p>
          Drop into a public room, start a private one with an invite link, or talk to a counselor about the
          program that fits you.
        </p>
      </section>
      <div class="lobby-grid">
        <section class="panel rooms-panel" aria-labelledby="public-rooms">
          <h2 id="public-rooms">Public rooms</h2>
          <RoomList rooms={data.rooms} nextCursor={data.nextCursor} />
        </section>
        <div class="lobby-side">
          {data.invite && (
            <section class="panel panel-accent" aria-labelledby="join-title">
              <h2 id="join-title">Join a room</h2>
              <JoinRoom me={data.me} invite={data.invite} />
            </section>
          )}
          <section class="panel" aria-labelledby="create-title">
            <h2 id="create-title">Start a room</h2>
            <CreateRoom me={data.me} />
          </section>
          {!data.invite && (
            <section class="panel" aria-labelledby="join-title">
              <h2 id="join-title">Join a room</h2>
              <JoinRoom me={data.me} />
            </section>
          )}
          {data.mine.length > 0 && (
            <section class="panel" aria-labelledby="mine-title">
              <h2 id="mine-title">My rooms</h2>
              <ul class="plain-list">
                {data.mine.map((r) => (
                  <li key={r.id}>
                    <a href={`/rooms/${encodeURIComponent(r.id)}`}>{r.name}</a>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section class="panel support-cta">
            <h2>Not sure where to start?</h2>
            <p>A counselor can help you find the right program.</p>
            <a class="btn" href="/support">Talk to a counselor</a>
          </section>
        </div>
      </div>
    </div>
  );
}
