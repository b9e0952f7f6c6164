import { useRef, useState } from "preact/hooks";
import type { UserRef } from "@/lib/shared/protocol.ts";
import { api, ApiError, errorText, type RoomInfo, startGuest } from "@/lib/browser/api_client.ts";
import { useT } from "@/lib/shared/i18n/context.ts";

export interface JoinRoomProps {
  me: UserRef | null;
}

const CODE = /^[A-Za-z0-9_-]{16,64}$/;

/** Pulls the code out of a pasted invite link; anything else is taken as typed. */
function codeOrName(raw: string): string {
  try {
    return new URL(raw).searchParams.get("invite") ?? raw;
  } catch {
    return raw;
  }
}

/** "Join by name or invite code": a public room by its name, or a private one by its code. */
export default function JoinRoom({ me: initialMe }: JoinRoomProps) {
  const { t } = useT();
  const [me, setMe] = useState(initialMe);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [needNick, setNeedNick] = useState(false);
  const [target, setTarget] = useState("");
  const form = useRef<HTMLFormElement>(null);

  async function submit() {
    const data = new FormData(form.current!);
    const value = codeOrName(String(data.get("target") ?? "").trim());
    if (!value) return setError(t("lobby.enterNameOrCode"));
    setBusy(true);
    setError("");
    try {
      let room: RoomInfo | null = null;
      try {
        room = await api<RoomInfo>(`/api/rooms/lookup?name=${encodeURIComponent(value)}`);
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 404) || !CODE.test(value)) throw err;
      }
      if (!room) {
        const nickname = String(data.get("nickname") ?? "").trim();
        if (!me && !nickname) {
          setNeedNick(true);
          setBusy(false);
          return setError(t("lobby.nickForPrivate"));
        }
        if (!me) setMe(await startGuest(nickname));
        room = await api<RoomInfo>("/api/rooms/join", { code: value });
      }
      location.assign(`/rooms/${encodeURIComponent(room.id)}`);
    } catch (err) {
      setBusy(false);
      setError(
        err instanceof ApiError && err.status === 404 ? t("lobby.noSuchRoom") : errorText(err),
      );
    }
  }

  return (
    <form
      ref={form}
      class="stack"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {!me && needNick && (
        <div class="field">
          <label for="join-nick">{t("lobby.yourNickname")}</label>
          <input id="join-nick" name="nickname" autoComplete="nickname" maxLength={32} required />
        </div>
      )}
      <div class="field">
        <label for="join-target">{t("lobby.nameOrCode")}</label>
        <input
          id="join-target"
          name="target"
          value={target}
          onInput={(e) => setTarget(e.currentTarget.value)}
          autoComplete="off"
        />
      </div>
      {error && <p class="field-error" role="alert">{error}</p>}
      <button type="submit" class="btn" disabled={busy}>{busy ? t("lobby.joining") : t("lobby.join")}</button>
    </form>
  );
}
