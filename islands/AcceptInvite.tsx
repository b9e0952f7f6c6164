import { useState } from "preact/hooks";
import type { UserRef } from "@/lib/shared/protocol.ts";
import { api, errorText, type RoomInfo, startGuest } from "@/lib/browser/api_client.ts";
import { useT } from "@/lib/shared/i18n/context.ts";

export interface AcceptInviteProps {
  me: UserRef | null;
  code: string;
  /** The room the code opens, or null when the code is unknown (changed or mistyped). */
  room: string | null;
}

/** The invite page's one action: "Join <room>", with a nickname first when there is no session. */
export default function AcceptInvite({ me: initialMe, code, room }: AcceptInviteProps) {
  const { t } = useT();
  const [me, setMe] = useState(initialMe);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  if (room === null) return <p class="field-error" role="alert">{t("lobby.inviteBroken")}</p>;

  async function submit(form: HTMLFormElement) {
    setBusy(true);
    setError("");
    try {
      if (!me) setMe(await startGuest(String(new FormData(form).get("nickname") ?? "")));
      const joined = await api<RoomInfo>("/api/rooms/join", { code });
      location.assign(`/rooms/${encodeURIComponent(joined.id)}`);
    } catch (err) {
      setBusy(false);
      setError(errorText(err));
    }
  }

  return (
    <form
      class="stack"
      onSubmit={(e) => {
        e.preventDefault();
        submit(e.currentTarget);
      }}
    >
      <p class="note">
        {t("lobby.invitedTo", { name: "\u0000" }).split("\u0000").flatMap((part, i) =>
          i === 0 ? [part] : [<strong key="room">{room}</strong>, part]
        )}
      </p>
      {!me && (
        <div class="field">
          <label for="invite-nick">{t("lobby.yourNickname")}</label>
          <input id="invite-nick" name="nickname" autoComplete="nickname" maxLength={32} required />
        </div>
      )}
      {error && <p class="field-error" role="alert">{error}</p>}
      <button type="submit" class="btn btn-primary join-invite" disabled={busy}>
        {busy ? t("lobby.joining") : t("lobby.joinNamed", { name: room })}
      </button>
    </form>
  );
}
