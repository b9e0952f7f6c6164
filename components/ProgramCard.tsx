import type { ProgramSnapshot } from "@/lib/shared/protocol.ts";
import { formatDateRange, formatPrice } from "@/lib/shared/chat_view.ts";
import { useContext } from "preact/hooks";
import { NewTabContext } from "@/components/new_tab.ts";

/** A program sent into a chat: a card linking to the program's page, where the user applies. */
export default function ProgramCard({ program }: { program: ProgramSnapshot }) {
  const newTab = useContext(NewTabContext);
  return (
    <a
      class="program-card"
      href={`/programs/${encodeURIComponent(program.id)}`}
      {...(newTab ? { target: "_blank", rel: "noopener" } : {})}
    >
      <span class="program-card-kicker">Program</span>
      <strong class="program-card-title">{program.title}</strong>
      <span class="program-card-meta">
        <span>{formatDateRange(program.startsAt, program.endsAt)}</span>
        <span class="program-card-price">{formatPrice(program.price, program.currency)}</span>
      </span>
      <span class="program-card-cta">View and apply →</span>
    </a>
  );
}
