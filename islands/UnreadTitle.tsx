import { useEffect } from "preact/hooks";
import { setTitleUnread } from "@/lib/browser/notify.ts";

export interface UnreadTitleProps {
  /** The user's unread messages over their rooms. */
  count: number;
}

/** Puts the user's unread count in the tab title ("(3) Parley"); renders nothing. */
export default function UnreadTitle({ count }: UnreadTitleProps) {
  useEffect(() => setTitleUnread(count), [count]);
  return null;
}
