import { useState } from "preact/hooks";
import { useT } from "@/lib/shared/i18n/context.ts";
import { api, errorText } from "@/lib/browser/api_client.ts";

export interface AwayToggleProps {
  away: boolean;
}

/** The counselor's "I'm away" switch on /console: visitors then see that nobody is there. */
export default function AwayToggle({ away: initial }: AwayToggleProps) {
  const { t } = useT();
  const [away, setAway] = useState(initial);
  const [state, setState] = useState({ busy: false, error: "" });
  async function toggle() {
    setState({ busy: true, error: "" });
    try {
      const answer = await api<{ away: boolean }>("/api/support/away", { away: !away });
      setAway(answer.away);
      setState({ busy: false, error: "" });
    } catch (err) {
      setState({ busy: false, error: errorText(err) });
    }
  }
  return (
    <div class="away-toggle">
      <span role="status">{t(away ? "widget.console.away" : "widget.console.available")}</span>{" "}
      <button type="button" class="btn btn-quiet" aria-pressed={away} disabled={state.busy} onClick={toggle}>
        {t(away ? "widget.away.unset" : "widget.away.set")}
      </button>
      {state.error && <span class="field-error" role="alert">{state.error}</span>}
    </div>
  );
}
