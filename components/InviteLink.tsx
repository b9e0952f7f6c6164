import { useState } from "preact/hooks";

/** A private room's invite link with a copy button (the link opens the lobby's join form). */
export default function InviteLink({ code }: { code: string }) {
  const [copied, setCopied] = useState(false);
  const link = typeof location === "undefined" ? `/?invite=${code}` : `${location.origin}/?invite=${code}`;
  return (
    <div class="invite">
      <label for={`invite-${code}`} class="sr-only">Invite link</label>
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
        {copied ? "Copied" : "Copy"}
      </button>
      <span class="sr-only" aria-live="polite">{copied ? "Invite link copied" : ""}</span>
    </div>
  );
}
