import { useEffect, useState } from "preact/hooks";
import { askToNotify, canAskToNotify } from "@/lib/browser/notify.ts";
import { useT } from "@/lib/shared/i18n/context.ts";
import Icon from "@/components/Icon.tsx";

/**
 * "Notify me of new messages": asks for the browser's permission on this click, never on load.
 * Shown only while the choice is still open.
 */
export default function NotifyToggle() {
  const { t } = useT();
  const [askable, setAskable] = useState(false);
  useEffect(() => setAskable(canAskToNotify()), []);
  if (!askable) return null;
  return (
    <button
      type="button"
      class="btn btn-quiet notify-toggle"
      onClick={async () => {
        await askToNotify();
        setAskable(canAskToNotify());
      }}
    >
      <Icon name="bell" /> {t("messages.notifyOn")}
    </button>
  );
}
