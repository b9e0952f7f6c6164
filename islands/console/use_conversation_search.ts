/** The console's conversation search: by the user's name or message text, a page at a time. */
import { useRef, useState } from "preact/hooks";
import type { Message, SupportSummary } from "@/lib/shared/protocol.ts";
import { api, errorText } from "@/lib/browser/api_client.ts";

export interface SearchLine
  extends Pick<SupportSummary, "room" | "user" | "state" | "counselor" | "updatedAt"> {
  nameMatch: boolean;
  matches: Message[];
}

export function useConversationSearch() {
  const [q, setQ] = useState("");
  const [lines, setLines] = useState<SearchLine[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [state, setState] = useState({ loading: false, error: "", searched: false });
  const generation = useRef(0);

  async function run(after?: string) {
    const text = q.trim();
    if (!text) return;
    const mine = ++generation.current;
    setState({ loading: true, error: "", searched: true });
    try {
      const params = new URLSearchParams({ q: text.slice(0, 100) });
      if (after) params.set("cursor", after);
      const page = await api<{ conversations: SearchLine[]; nextCursor?: string }>(
        `/api/support/search?${params}`,
      );
      if (mine !== generation.current) return;
      setLines((old) => (after ? [...old, ...page.conversations] : page.conversations));
      setCursor(page.nextCursor);
      setState({ loading: false, error: "", searched: true });
    } catch (err) {
      if (mine === generation.current) setState({ loading: false, error: errorText(err), searched: true });
    }
  }

  return {
    q,
    lines,
    ...state,
    hasMore: cursor !== undefined,
    type: setQ,
    search: () => run(),
    more: () => cursor && run(cursor),
    clear() {
      setQ("");
      setLines([]);
      setCursor(undefined);
      setState({ loading: false, error: "", searched: false });
    },
  };
}
