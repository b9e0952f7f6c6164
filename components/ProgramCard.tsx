import type { ProgramSnapshot } from "@/lib/shared/protocol.ts";
import { formatDateRange } from "@/lib/shared/chat_view.ts";
import { useT } from "@/lib/shared/i18n/context.ts";
import { useContext } from "preact/hooks";
import { NewTabContext } from "@/components/new_tab.ts";

/** A program sent into a chat: a card linking to the program's page, where the user applies. */
export default function ProgramCard({ program }: { program: ProgramSnapshot }) {
  const { t, locale, price } = useT();
  const newTab = useContext(NewTabContext);
  // A card for a program that has ended never invites to apply.
  const ended = Date.parse(program.endsAt) <= Date.now();
  return (
    <a
      class={`program-card${ended ? " ended" : ""}`}
      href={`/programs/${encodeURIComponent(program.id)}`}
      {...(newTab ? { target: "_blank", rel: "noopener" } : {})}
    >
      <span class="program-card-kicker">{t("chat.program")}</span>
      <strong class="program-card-title">{program.title}</strong>
      <span class="program-card-meta">
        <span>{formatDateRange(program.startsAt, program.endsAt, locale)}</span>
        <span class="program-card-price">{price(program.price, program.currency)}</span>
      </span>
      <span class="program-card-cta">{ended ? t("programs.ended") : t("chat.viewAndApply")}</span>
    </a>
  );
}
