/**
 * Keeps a chat log pinned to its newest line while the reader is at the bottom; when they have
 * scrolled up, counts what arrived instead so the pane can offer a "New messages" jump. Loading
 * older history keeps the reader's place.
 */
import { useLayoutEffect, useRef, useState } from "preact/hooks";

const NEAR_BOTTOM_PX = 48;

export function useStickToBottom(
  firstKey: string | undefined,
  lastKey: string | undefined,
  lastIsOwn: boolean,
) {
  const ref = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const seen = useRef({ first: firstKey, last: lastKey, height: 0 });
  const [unseen, setUnseen] = useState(0);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const before = seen.current;
    if (before.first !== firstKey && before.last === lastKey && before.height > 0) {
      el.scrollTop += el.scrollHeight - before.height; // older history went in above: stay put
    } else if (atBottom.current || lastIsOwn || before.height === 0) {
      el.scrollTop = el.scrollHeight;
    } else if (before.last !== lastKey) {
      setUnseen((n) => n + 1);
    }
    seen.current = { first: firstKey, last: lastKey, height: el.scrollHeight };
  }, [firstKey, lastKey]);

  return {
    ref,
    unseen,
    onScroll() {
      const el = ref.current;
      if (!el) return;
      atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
      seen.current.height = el.scrollHeight;
      if (atBottom.current) setUnseen(0);
    },
    jump() {
      const el = ref.current;
      if (!el) return;
      el.scrollTo({ top: el.scrollHeight, behavior: "smooth" });
      atBottom.current = true;
      setUnseen(0);
    },
  };
}
