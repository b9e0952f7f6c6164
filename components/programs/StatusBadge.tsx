import { PHASE_LABEL, type ProgramPhase } from "@/lib/shared/program_view.ts";

/** Upcoming / Running / Ended, coloured by phase. */
export default function StatusBadge({ phase }: { phase: ProgramPhase }) {
  return <span class={`status-badge status-${phase}`}>{PHASE_LABEL[phase]}</span>;
}
