import type { PresenceMember } from "@/lib/shared/protocol.ts";
import Avatar from "@/components/Avatar.tsx";
import { useT } from "@/lib/shared/i18n/context.ts";

/** Who is in the room now (one line per user, however many tabs they have open). */
export default function Members({ members, meId }: { members: PresenceMember[]; meId?: string }) {
  const { t } = useT();
  const unique = [...new Map(members.map((m) => [m.id, m])).values()];
  return (
    <ul class="member-list">
      {unique.map((m) => (
        <li key={m.id}>
          <Avatar id={m.id} name={m.name} />
          <span class="member-name">{m.name}</span>
          {m.id === meId && <span class="muted">{t("chat.youMark")}</span>}
          {m.role === "counselor" && <span class="badge">{t("common.counselor")}</span>}
        </li>
      ))}
      {unique.length === 0 && <li class="muted">{t("chat.nobodyHere")}</li>}
    </ul>
  );
}
