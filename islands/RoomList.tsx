import { useEffect, useRef, useState } from "preact/hooks";
import { api, type RoomInfo } from "@/lib/browser/api_client.ts";
import { useT } from "@/lib/shared/i18n/context.ts";

export interface RoomListProps {
  rooms: RoomInfo[];
  /** The cursor of the lobby's next page, or null when the first page was all of it. */
  nextCursor?: string | null;
}

const POLL_MS = 10_000;

/** The lobby's public rooms with live participant counts (SSE, falling back to polling). */
export default function RoomList({ rooms: initial, nextCursor = null }: RoomListProps) {
  const { t, number } = useT();
  const [rooms, setRooms] = useState(initial);
  const [cursor, setCursor] = useState(nextCursor);
  const asked = useRef(new Set<string>());
  const [filter, setFilter] = useState("");
  const known = useRef(new Set(initial.map((r) => r.id)));

  useEffect(() => {
    let es: EventSource | null = null;
    let poll: ReturnType<typeof setInterval> | undefined;
    let failures = 0;
    const refresh = async () => {
      try {
        const page = await api<{ rooms: RoomInfo[]; nextCursor: string | null }>("/api/rooms");
        // The first page again; rooms of later pages already shown stay.
        setRooms((old) => {
          const fresh = new Map(page.rooms.map((r) => [r.id, r]));
          const merged = [...page.rooms, ...old.filter((r) => !fresh.has(r.id))];
          known.current = new Set(merged.map((r) => r.id));
          return merged;
        });
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
        let full = false;
        try {
          const data = JSON.parse(event.data);
          counts = data.rooms ?? {};
          full = data.full === true;
        } catch {
          return;
        }
        // A room we have never seen was just created: fetch the first page once to show it (rooms of
        // later pages are asked about once, not on every change).
        const unseen = Object.keys(counts).filter((id) => !known.current.has(id) && !asked.current.has(id));
        if (unseen.length > 0) {
          unseen.forEach((id) => asked.current.add(id));
          refresh();
        }
        // The first event is every count (a room missing from it is empty); later ones only changes.
        setRooms((old) =>
          old.map((r) => ({ ...r, count: full ? counts[r.id] ?? 0 : counts[r.id] ?? r.count }))
        );
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

  const more = async () => {
    if (!cursor) return;
    try {
      const page = await api<{ rooms: RoomInfo[]; nextCursor: string | null }>(
        `/api/rooms?cursor=${encodeURIComponent(cursor)}`,
      );
      setRooms((old) => {
        const have = new Set(old.map((r) => r.id));
        const merged = [...old, ...page.rooms.filter((r) => !have.has(r.id))];
        known.current = new Set(merged.map((r) => r.id));
        return merged;
      });
      setCursor(page.nextCursor);
    } catch { /* the button stays; another click tries again */ }
  };

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
      {cursor && (
        <button type="button" class="btn btn-secondary" onClick={more}>{t("limits.lobby.more")}</button>
      )}
    </div>
  );
}
