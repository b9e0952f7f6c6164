/**
 * The console's keyboard shortcuts, where counselors expect them: Alt+↑/↓ the previous/next
 * conversation of the tab, Alt+C claim, Ctrl+K (⌘K) the conversation search. (In the composer: `/`
 * saved replies, Alt+N a private note.)
 */
import { useEffect, useRef } from "preact/hooks";
import type { SupportSummary } from "@/lib/shared/protocol.ts";

export interface Shortcuts {
  lines: SupportSummary[];
  viewing?: string;
  select: (room: string) => void;
  claim: () => void;
}

export function useShortcuts(current: Shortcuts): void {
  const latest = useRef(current);
  latest.current = current;
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const { lines, viewing, select, claim } = latest.current;
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        document.getElementById("conversation-q")?.focus();
      } else if (e.altKey && (e.key === "ArrowDown" || e.key === "ArrowUp") && lines.length > 0) {
        e.preventDefault();
        const at = lines.findIndex((l) => l.room === viewing);
        const next = at < 0 ? 0 : (at + (e.key === "ArrowDown" ? 1 : -1) + lines.length) % lines.length;
        select(lines[next].room);
      } else if (e.altKey && e.code === "KeyC" && viewing) {
        e.preventDefault();
        claim();
      }
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}
