import type { AppContext, PageProps } from "@/lib/web/app_env.ts";
import { assertSignedIn } from "@/lib/accounts/auth.ts";
import { loadTranscript, type Transcript, transcriptText } from "@/lib/support/transcript.ts";
import TranscriptView from "@/components/support/Transcript.tsx";

interface Data {
  transcript: Transcript;
  room: string;
}

export const handler = {
  /**
   * The conversation as a readable page, or with `?format=text` a plain-text download. Its own user
   * (without private notes) or any counselor.
   */
  async GET(c: AppContext) {
    const session = assertSignedIn(c);
    const room = c.req.param("room") ?? "";
    const transcript = await loadTranscript(c.var.services.store, session, room);
    c.header("Cache-Control", "no-store");
    if (c.req.query("format") === "text") {
      c.header("Content-Disposition", `attachment; filename="transcript-${room}.txt"`);
      return c.text(transcriptText(c.var.i18n, transcript));
    }
    return c.var.render({ transcript, room } satisfies Data);
  },
};

export const title = ({ data }: PageProps<Data>) => data.transcript.conversation.user.name;

export default function TranscriptPage({ data }: PageProps<Data>) {
  return (
    <>
      <link rel="stylesheet" href="/static/console.css" />
      <TranscriptView transcript={data.transcript} room={data.room} />
    </>
  );
}
