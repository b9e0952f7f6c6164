import { useEffect, useState } from "preact/hooks";
import type { SupportState } from "@/lib/shared/protocol.ts";
import { sharedConnection } from "@/lib/browser/shared_connection.ts";
import { api, errorText } from "@/lib/browser/api_client.ts";
import { useT } from "@/lib/shared/i18n/context.ts";

export interface SupportRatingProps {
  room: string;
  state: SupportState;
  /** The rating given before, if any. */
  rated?: number;
}

/**
 * After a counselor closes the conversation, the user is asked once: 1–5 and an optional comment
 * (`POST /api/support/:room/rating`). Also the transcript links, for the user's own record.
 */
export default function SupportRating({ room, state: initialState, rated }: SupportRatingProps) {
  const { t } = useT();
  const [state, setState] = useState(initialState);
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState("");
  const [done, setDone] = useState(rated !== undefined);
  const [status, setStatus] = useState({ busy: false, error: "" });
  useEffect(
    () =>
      sharedConnection().onFrame((frame) => {
        if (frame.type === "support" && frame.conversation.room === room) setState(frame.conversation.state);
      }),
    [room],
  );
  const transcript = `/api/support/${encodeURIComponent(room)}/transcript`;

  async function submit(e: Event) {
    e.preventDefault();
    setStatus({ busy: true, error: "" });
    try {
      await api(
        `/api/support/${encodeURIComponent(room)}/rating`,
        comment.trim() ? { score, comment } : { score },
      );
      setDone(true);
      setStatus({ busy: false, error: "" });
    } catch (err) {
      setStatus({ busy: false, error: errorText(err) });
    }
  }

  return (
    <div class="support-tools">
      {state === "closed" && !done && (
        <form class="rating-form" onSubmit={submit}>
          <fieldset>
            <legend>{t("console.rating.ask")}</legend>
            <div class="stars" role="radiogroup">
              {[1, 2, 3, 4, 5].map((n) => (
                <label key={n} class={`star${n <= score ? " on" : ""}`}>
                  <input
                    type="radio"
                    name="score"
                    value={n}
                    checked={score === n}
                    onChange={() => setScore(n)}
                    aria-label={t("console.rating.stars", { score: n })}
                  />
                  <span aria-hidden="true">{n <= score ? "★" : "☆"}</span>
                </label>
              ))}
            </div>
            <label>
              {t("console.rating.comment")}
              <textarea
                name="comment"
                maxLength={1000}
                value={comment}
                onInput={(e) => setComment(e.currentTarget.value)}
              />
            </label>
            <button type="submit" class="btn btn-primary" disabled={status.busy || score === 0}>
              {t("console.rating.submit")}
            </button>
            {status.error && <p class="field-error" role="alert">{status.error}</p>}
          </fieldset>
        </form>
      )}
      {done && <p class="rating-thanks" role="status">{t("console.rating.thanks")}</p>}
      <p class="transcript-links">
        <a href={transcript} target="_blank">{t("console.transcript.open")}</a> ·{" "}
        <a href={`${transcript}?format=text`} download>{t("console.transcript.download")}</a>
      </p>
    </div>
  );
}
