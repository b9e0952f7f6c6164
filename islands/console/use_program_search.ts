/**
 * The console's program search: a keyword and Current/Expired. Every new search REPLACES the list
 * (only "More" appends, without repeating ids), and an answer that arrives after a newer search
 * started is dropped, so fast clicking never mixes or duplicates results.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { Program, ProgramPage } from "@/lib/shared/programs.ts";
import { api, errorText } from "@/lib/browser/api_client.ts";

export type SearchStatus = "current" | "expired";

const DEBOUNCE_MS = 250;
const PAGE = 20;

function url(q: string, status: SearchStatus, cursor?: string): string {
  const params = new URLSearchParams({ status, limit: String(PAGE) });
  if (q.trim()) params.set("q", q.trim().slice(0, 100));
  if (cursor) params.set("cursor", cursor);
  return `/api/programs?${params}`;
}

export function useProgramSearch() {
  const [q, setQ] = useState("");
  const [status, setStatus] = useState<SearchStatus>("current");
  const [programs, setPrograms] = useState<Program[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState("");
  const generation = useRef(0);
  const timer = useRef<number | undefined>();

  async function run(query: string, which: SearchStatus, after?: string) {
    const mine = ++generation.current;
    clearTimeout(timer.current);
    setLoading(true);
    setError("");
    if (!after) setPrograms([]);
    try {
      const page = await api<ProgramPage>(url(query, which, after));
      if (mine !== generation.current) return;
      setPrograms((old) => {
        if (!after) return page.programs;
        const seen = new Set(old.map((p) => p.id));
        return [...old, ...page.programs.filter((p) => !seen.has(p.id))];
      });
      setCursor(page.nextCursor);
    } catch (err) {
      if (mine === generation.current) setError(errorText(err));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }

  const latest = useRef({ q, status });
  latest.current = { q, status };
  useEffect(() => {
    run("", "current");
    // A program added, edited or ended by any counselor: search again at once.
    const events = new EventSource("/api/programs/events");
    events.onmessage = () => run(latest.current.q, latest.current.status);
    return () => {
      clearTimeout(timer.current);
      events.close();
    };
  }, []);

  return {
    q,
    status,
    programs,
    loading,
    error,
    hasMore: cursor !== undefined,
    /** Typing searches after a short pause. */
    type(value: string) {
      setQ(value);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => run(value, status), DEBOUNCE_MS) as unknown as number;
    },
    /** Enter or a status button: search now, replacing the list. */
    search(which: SearchStatus = status) {
      setStatus(which);
      run(q, which);
    },
    more() {
      if (cursor) run(q, status, cursor);
    },
  };
}
