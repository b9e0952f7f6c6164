import { useState } from "preact/hooks";
import type { UserRef } from "@/lib/shared/protocol.ts";
import { api, errorText, type RoomInfo, startGuest } from "@/lib/browser/api_client.ts";
import InviteLink from "@/components/InviteLink.tsx";
import { useT } from "@/lib/shared/i18n/context.ts";

/** "Start a room": name and visibility; asks a nickname first when there is no session. */
export default function CreateRoom({ me: initialMe }: { me: UserRef | null }) {
  const { t } = useT();
  const [me, setMe] = useState(initialMe);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [created, setCreated] = useState<RoomInfo | null>(null);

  async function submit(form: HTMLFormElement) {
    const data = new FormData(form);
    const name = String(data.get("name") ?? "").trim();
    if (!name) return setError(t("lobby.enterRoomName"));
    setBusy(true);
    setError("");
    try {
      if (!me) setMe(await startGuest(String(data.get("nickname") ?? "")));
      const room = await api<RoomInfo>("/api/rooms", {
        name,
        visibility: data.get("visibility") ?? "public",
      });
      if (room.visibility === "private") setCreated(room);
      else location.assign(`/rooms/${encodeURIComponent(room.id)}`);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (created) {
    return (
      <div class="created">
        <p>
          {t("lobby.roomReady", { name: "\u0000" }).split("\u0000").flatMap((part, i) =>
            i === 0 ? [part] : [<strong key="name">{created.name}</strong>, part]
          )}
        </p>
        <InviteLink code={created.inviteCode ?? ""} />
        <a class="btn btn-primary" href={`/rooms/${encodeURIComponent(created.id)}`}>{t("lobby.openRoom")}</a>
      </div>
    );
  }
  return (
    <form
      class="stack"
      onSubmit={(e) => {
        e.preventDefault();
        submit(e.currentTarget);
      }}
    >
      {!me && (
        <div class="field">
          <label for="create-nick">{t("lobby.yourNickname")}</label>
          <input id="create-nick" name="nickname" autoComplete="nickname" maxLength={32} required />
        </div>
      )}
      <div class="field">
        <label for="create-name">{t("lobby.roomName")}</label>
        <input id="create-name" name="name" maxLength={64} placeholder={t("lobby.roomNamePlaceholder")} />
      </div>
      <fieldset class="segmented">
        <legend class="sr-only">{t("lobby.whoCanJoin")}</legend>
        <input type="radio" id="vis-public" name="visibility" value="public" checked />
        <label for="vis-public">{t("lobby.public")}</label>
        <input type="radio" id="vis-private" name="visibility" value="private" />
        <label for="vis-private">{t("lobby.privateInvite")}</label>
      </fieldset>
      {error && <p class="field-error" role="alert">{error}</p>}
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {busy ? t("lobby.creating") : t("lobby.createRoom")}
      </button>
    </form>
  );
}
