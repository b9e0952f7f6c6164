import { useEffect, useRef, useState } from "preact/hooks";
import { api, type RoomInfo } from "@/lib/browser/api_client.ts";
import { useT } from "@/lib/shared/i18n/context.ts";

export interface RoomListProps {
  rooms: RoomInfo[];
}

const POLL_MS = 10_000;

/** The lobby's public rooms with live participant counts (SSE, falling back to polling). */
export default function RoomList({ rooms: initial }: RoomListProps) {
  const { t, number } = useT();
  const [rooms, setRooms] = useState(initial);
  const [filter, setFilter] = useState("");
  const known = useRef(new Set(initial.map((r) => r.id)));

  useEffect(() => {
    let es: EventSource | null = null;
    let poll: ReturnType<typeof setInterval> | undefined;
    let failures = 0;
    const refresh = async () => {
      try {
        const { rooms } = await api<{ rooms: RoomInfo[] }>("/api/rooms");
        known.current = new Set(rooms.map((r) => r.id));
        setRooms(rooms);
      } catch { /* keep what we show; the next poll may work */ }
    };
    const startPolling = () => {
      es?.close();
      es = null;
      if (poll === undefined) poll = setInterval(refresh, POLL_MS);
      refresh();
    };
    if (typeof EventSource === "undefined") startPolling();
    else {
      es = new EventSource("/api/rooms/events");
      es.onmessage = (event) => {
        failures = 0;
        let counts: Record<string, number>;
        try {
          counts = JSON.parse(event.data).rooms ?? {};
        } catch {
          return;
        }
        // A room we have never seen was just created: fetch the list once to show it.
        if (Object.keys(counts).some((id) => !known.current.has(id))) refresh();
        // Each event is a full snapshot, not a diff: a room missing from it has nobody in it (the
        // server only lists rooms it has seen presence for), so it goes back to 0.
        setRooms((old) => old.map((r) => ({ ...r, count: counts[r.id] ?? 0 })));
      };
      es.onerror = () => {
        if (es?.readyState === EventSource.CLOSED || ++failures >= 3) startPolling();
      };
    }
    return () => {
      es?.close();
      clearInterval(poll);
    };
  }, []);

  const needle = filter.trim().toLowerCase();
  const shown = needle ? rooms.filter((r) => r.name.toLowerCase().includes(needle)) : rooms;
  const total = rooms.reduce((n, r) => n + (r.count ?? 0), 0);
  return (
    <div class="room-list">
      <div class="room-list-tools">
        <label for="room-filter" class="sr-only">{t("lobby.filterRooms")}</label>
        <input
          id="room-filter"
          type="search"
          placeholder={t("lobby.filterRooms")}
          value={filter}
          onInput={(e) => setFilter(e.currentTarget.value)}
        />
        <span class="muted nowrap">{t("lobby.onlineNow", { count: number(total) })}</span>
      </div>
      {shown.length === 0
        ? (
          <p class="empty">
            {rooms.length === 0 ? t("lobby.noRoomsYet") : t("lobby.noRoomMatches")}
          </p>
        )
        : (
          <ul class="room-grid">
            {shown.map((r) => (
              <li key={r.id}>
                <a class="room-card" href={`/rooms/${encodeURIComponent(r.id)}`}>
                  <span class="room-hash" aria-hidden="true">#</span>
                  <span class="room-name">{r.name}</span>
                  <span class={`room-count${r.count ? " active" : ""}`}>
                    <span class="live-dot" aria-hidden="true" />
                    <span aria-hidden="true">{t("lobby.roomOnline", { count: number(r.count ?? 0) })}</span>
                    <span class="sr-only">
                      {t("lobby.roomOnlineSpoken", { count: number(r.count ?? 0) })}
                    </span>
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
    </div>
  );
}
