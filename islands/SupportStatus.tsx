import { useEffect, useState } from "preact/hooks";
import type { SupportState } from "@/lib/shared/protocol.ts";
import { sharedConnection } from "@/lib/browser/shared_connection.ts";
import { useT } from "@/lib/shared/i18n/context.ts";

export interface SupportStatusProps {
  room: string;
  state: SupportState;
  counselor?: string;
}

/** The state line above the user's support chat, kept live by the `support` frames of its room. */
export default function SupportStatus(
  { room, state: initialState, counselor: initialCounselor }: SupportStatusProps,
) {
  const { t } = useT();
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
    ? t("support.state.activeNamed", { name: line.counselor })
    : t(`support.state.${line.state}`);
  return <p class={`support-state support-${line.state}`} role="status">{text}</p>;
}
