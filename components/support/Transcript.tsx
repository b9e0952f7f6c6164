import type { Transcript } from "@/lib/support/transcript.ts";
import { messageBody } from "@/lib/support/transcript.ts";
import { useT } from "@/lib/shared/i18n/context.ts";

/** A readable transcript: who said what, when; notes (counselors only) marked. */
export default function TranscriptView({ transcript, room }: { transcript: Transcript; room: string }) {
  const t = useT();
  const { conversation, messages } = transcript;
  return (
    <article class="transcript">
      <h1>{t.t("console.transcript.title", { name: conversation.user.name })}</h1>
      <p>
        <a href={`/api/support/${room}/transcript?format=text`} download>
          {t.t("console.transcript.download")}
        </a>
      </p>
      {messages.length === 0 ? <p>{t.t("console.transcript.empty")}</p> : (
        <ol class="transcript-lines">
          {messages.map((m) => (
            <li key={m.id} class={`transcript-line kind-${m.kind}${m.private ? " note" : ""}`}>
              <time dateTime={m.at}>{t.dateTime(m.at)}</time> {m.kind !== "system" && (
                <b>
                  <bdi>{m.author.name}</bdi>
                </b>
              )}
              {m.private && <em class="note-label">({t.t("console.transcript.note")})</em>}{" "}
              <span dir="auto">{messageBody(t, m)}</span>
            </li>
          ))}
        </ol>
      )}
    </article>
  );
}
