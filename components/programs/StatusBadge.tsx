import type { ProgramPhase } from "@/lib/shared/program_view.ts";
import { useT } from "@/lib/shared/i18n/context.ts";

/** Upcoming / Running / Ended, coloured by phase. */
export default function StatusBadge({ phase }: { phase: ProgramPhase }) {
  const { t } = useT();
  return <span class={`status-badge status-${phase}`}>{t(`programs.${phase}`)}</span>;
}
