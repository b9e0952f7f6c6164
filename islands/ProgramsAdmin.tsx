import { useState } from "preact/hooks";
import type { Program } from "@/lib/shared/programs.ts";
import { programStatus } from "@/lib/shared/program_view.ts";
import { formatDateRange } from "@/lib/shared/chat_view.ts";
import { api, errorText } from "@/lib/browser/api_client.ts";
import { useT } from "@/lib/shared/i18n/context.ts";
import ProgramForm, { type ProgramDraft } from "@/components/console/ProgramForm.tsx";

export interface ProgramsAdminProps {
  programs: Program[];
  now: string;
}

const GROUPS = ["running", "upcoming", "ended"] as const;

/** The catalog editor: the programs by status, a form to add or edit one, and "End now". */
export default function ProgramsAdmin(props: ProgramsAdminProps) {
  const { t, locale, price } = useT();
  const [programs, setPrograms] = useState(props.programs);
  const [editing, setEditing] = useState<Program | null>(null);
  const [status, setStatus] = useState({ busy: false, error: "", saved: "" });
  const now = new Date();

  function put(program: Program) {
    setPrograms((old) => [...old.filter((p) => p.id !== program.id), program]);
  }

  async function save(draft: ProgramDraft): Promise<boolean> {
    setStatus({ busy: true, error: "", saved: "" });
    try {
      const { program } = editing
        ? await api<{ program: Program }>(`/api/programs/${encodeURIComponent(editing.id)}`, draft, "PUT")
        : await api<{ program: Program }>("/api/programs", draft);
      put(program);
      setEditing(null);
      setStatus({ busy: false, error: "", saved: program.title });
      return true;
    } catch (err) {
      setStatus({ busy: false, error: errorText(err), saved: "" });
      return false;
    }
  }

  async function end(program: Program) {
    if (!confirm(t("console.programs.confirmEnd"))) return;
    try {
      put(
        (await api<{ program: Program }>(`/api/programs/${encodeURIComponent(program.id)}/end`, {})).program,
      );
    } catch (err) {
      setStatus({ busy: false, error: errorText(err), saved: "" });
    }
  }

  const label = {
    running: "console.programs.current",
    upcoming: "console.programs.upcoming",
    ended: "console.programs.ended",
  } as const;
  return (
    <div class="programs-editor">
      <h2>{editing ? `${t("console.programs.edit")}: ${editing.title}` : t("console.programs.add")}</h2>
      <ProgramForm
        key={editing?.id ?? "new"}
        program={editing}
        busy={status.busy}
        onSave={save}
        onCancel={() => setEditing(null)}
      />
      {status.error && <p class="field-error" role="alert">{status.error}</p>}
      {status.saved && <p class="saved" role="status">{t("console.programs.saved")}: {status.saved}</p>}
      {GROUPS.map((group) => {
        const list = programs.filter((p) => programStatus(p, now) === group)
          .sort((a, b) => (a.startsAt < b.startsAt ? -1 : 1));
        return (
          <section key={group} class={`programs-group programs-${group}`}>
            <h2>{t(label[group])} ({list.length})</h2>
            {list.length === 0 && <p>{t("console.programs.none")}</p>}
            <ul>
              {list.map((p) => (
                <li key={p.id} class="program-row" data-id={p.id}>
                  <a href={`/programs/${encodeURIComponent(p.id)}`} target="_blank">{p.title}</a>{" "}
                  <span class="program-result-meta">
                    {formatDateRange(p.startsAt, p.endsAt, locale)} · {price(p.price, p.currency)}
                  </span>{" "}
                  <button type="button" class="btn btn-small edit-program" onClick={() => setEditing(p)}>
                    {t("console.programs.edit")}
                  </button>
                  {group !== "ended" && (
                    <button
                      type="button"
                      class="btn btn-small end-program"
                      onClick={() => end(p)}
                    >
                      {t("console.programs.end")}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
