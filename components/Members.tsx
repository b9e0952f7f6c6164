import type { PresenceMember } from "@/lib/shared/protocol.ts";
import Avatar from "@/components/Avatar.tsx";

/** Who is in the room now (one line per user, however many tabs they have open). */
export default function Members({ members, meId }: { members: PresenceMember[]; meId?: string }) {
  const unique = [...new Map(members.map((m) => [m.id, m])).values()];
  return (
    <ul class="member-list">
      {unique.map((m) => (
        <li key={m.id}>
          <Avatar id={m.id} name={m.name} />
          <span class="member-name">{m.name}</span>
          {m.id === meId && <span class="muted">(you)</span>}
          {m.role === "counselor" && <span class="badge">Counselor</span>}
        </li>
      ))}
      {unique.length === 0 && <li class="muted">Nobody here yet</li>}
    </ul>
  );
}
