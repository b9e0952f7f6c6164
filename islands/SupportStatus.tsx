import { useEffect, useState } from "preact/hooks";
import type { SupportState } from "@/lib/shared/protocol.ts";
import { sharedConnection } from "@/lib/browser/chat_client.ts";

export interface SupportStatusProps {
  room: string;
  state: SupportState;
  counselor?: string;
}

const STATE_TEXT: Record<SupportState, string> = {
  waiting: "Ask your question below; a counselor will join you shortly.",
  active: "A counselor is with you.",
  closed: "This conversation was closed. Write again and a counselor will pick it up.",
};

/** The state line above the user's support chat, kept live by the `support` frames of its room. */
export default function SupportStatus(
  { room, state: initialState, counselor: initialCounselor }: SupportStatusProps,
) {
  const [line, setLine] = useState({ state: initialState, counselor: initialCounselor });
  useEffect(
    () =>
      sharedConnection().onFrame((frame) => {
        if (frame.type !== "support" || frame.conversation.room !== room) return;
        setLine({ state: frame.conversation.state, counselor: frame.conversation.counselor?.name });
      }),
    [room],
  );
  const text = line.state === "active" && line.counselor
    ? `${line.counselor} is with you.`
    : STATE_TEXT[line.state];
  return <p class={`support-state support-${line.state}`} role="status">{text}</p>;
}
