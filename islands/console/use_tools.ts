/**
 * The console's shared tools: saved replies, the counselors to hand over to, the 30-day ratings and
 * the assignment setting, loaded once per console and refreshed after each change.
 */
import { useEffect, useState } from "preact/hooks";
import type { UserRef } from "@/lib/shared/protocol.ts";
import type { ReplyView } from "@/lib/shared/replies_view.ts";
import { api, errorText } from "@/lib/browser/api_client.ts";

export interface CounselorLine extends UserRef {
  available?: boolean;
  open: number;
}

export interface RatingLine {
  counselor: UserRef;
  average: number;
  count: number;
}

export function useTools() {
  const [replies, setReplies] = useState<ReplyView[]>([]);
  const [counselors, setCounselors] = useState<CounselorLine[]>([]);
  const [ratings, setRatings] = useState<RatingLine[]>([]);
  const [assign, setAssign] = useState<"auto" | "manual">("manual");
  const [error, setError] = useState("");

  async function load() {
    try {
      const [r, c, s, a] = await Promise.all([
        api<{ replies: ReplyView[] }>("/api/replies"),
        api<{ counselors: CounselorLine[] }>("/api/support/counselors"),
        api<{ counselors: RatingLine[] }>("/api/support/ratings"),
        api<{ assign: "auto" | "manual" }>("/api/support/settings"),
      ]);
      setReplies(r.replies);
      setCounselors(c.counselors);
      setRatings(s.counselors);
      setAssign(a.assign);
    } catch (err) {
      setError(errorText(err));
    }
  }

  useEffect(() => {
    load();
  }, []);

  /** Runs a change, then reloads; the error (in the reader's language) is shown, never thrown. */
  async function change(work: () => Promise<unknown>): Promise<boolean> {
    setError("");
    try {
      await work();
      await load();
      return true;
    } catch (err) {
      setError(errorText(err));
      return false;
    }
  }

  return {
    replies,
    counselors,
    ratings,
    assign,
    error,
    reload: load,
    addReply: (title: string, text: string) => change(() => api("/api/replies", { title, text })),
    deleteReply: (id: string) =>
      change(() => api(`/api/replies/${encodeURIComponent(id)}`, undefined, "DELETE")),
    setAssign: (mode: "auto" | "manual") =>
      change(() => api("/api/support/settings", { assign: mode }, "PUT")),
  };
}
