import { useState } from "preact/hooks";
import { useT } from "@/lib/shared/i18n/context.ts";

/** A private room's invite link with a copy button (the link opens the lobby's join form). */
export default function InviteLink({ code }: { code: string }) {
  const { t } = useT();
  const [copied, setCopied] = useState(false);
  const link = typeof location === "undefined" ? `/?invite=${code}` : `${location.origin}/?invite=${code}`;
  return (
    <div class="invite">
      <label for={`invite-${code}`} class="sr-only">{t("lobby.inviteLink")}</label>
      <input id={`invite-${code}`} readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
      <button
        type="button"
        class="btn"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(link);
            setCopied(true);
          } catch { /* the field stays selectable */ }
        }}
      >
        {copied ? t("common.copied") : t("common.copy")}
      </button>
      <span class="sr-only" aria-live="polite">{copied ? t("lobby.inviteCopied") : ""}</span>
    </div>
  );
}
