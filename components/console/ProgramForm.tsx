import { useState } from "preact/hooks";
import type { Program } from "@/lib/shared/programs.ts";
import { useT } from "@/lib/shared/i18n/context.ts";

/** What the form sends: the fields of `POST /api/programs`. */
export interface ProgramDraft {
  id?: string;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  price: number;
  currency: string;
  url: string;
  tags: string[];
}

export interface ProgramFormProps {
  program: Program | null;
  busy: boolean;
  onSave: (draft: ProgramDraft) => Promise<boolean>;
  onCancel: () => void;
}

/** An ISO time as the local `datetime-local` value, and back. */
function toLocal(iso: string): string {
  if (!iso) return "";
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
function fromLocal(value: string): string {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

/** The add / edit form; the server checks every field and says what is wrong in the reader's language. */
export default function ProgramForm({ program, busy, onSave, onCancel }: ProgramFormProps) {
  const { t } = useT();
  const [f, setF] = useState({
    id: program?.id ?? "",
    title: program?.title ?? "",
    description: program?.description ?? "",
    startsAt: toLocal(program?.startsAt ?? ""),
    endsAt: toLocal(program?.endsAt ?? ""),
    price: program ? String(program.price) : "",
    currency: program?.currency ?? "KRW",
    url: program?.url ?? "",
    tags: program?.tags.join(", ") ?? "",
  });
  const field = (name: keyof typeof f) => ({
    name,
    value: f[name],
    onInput: (e: Event) => setF({ ...f, [name]: (e.currentTarget as HTMLInputElement).value }),
  });
  return (
    <form
      class="program-form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const draft: ProgramDraft = {
          title: f.title,
          description: f.description,
          startsAt: fromLocal(f.startsAt),
          endsAt: fromLocal(f.endsAt),
          price: f.price.trim() === "" ? NaN : Number(f.price),
          currency: f.currency,
          url: f.url,
          tags: f.tags.split(",").map((x) => x.trim()).filter(Boolean),
        };
        if (!program && f.id.trim()) draft.id = f.id.trim();
        await onSave(draft);
      }}
    >
      {!program && (
        <label>
          {t("console.programs.id")}
          <input {...field("id")} maxLength={64} />
        </label>
      )}
      <label>
        {t("console.programs.titleField")}
        <input {...field("title")} maxLength={200} required />
      </label>
      <label>
        {t("console.programs.startsAt")}
        <input {...field("startsAt")} type="datetime-local" required />
      </label>
      <label>
        {t("console.programs.endsAt")}
        <input {...field("endsAt")} type="datetime-local" required />
      </label>
      <label>
        {t("console.programs.price")}
        <input {...field("price")} type="number" min={0} step="any" required />
      </label>
      <label>
        {t("console.programs.currency")}
        <input {...field("currency")} maxLength={3} required />
      </label>
      <label>
        {t("console.programs.url")}
        <input {...field("url")} type="url" required />
      </label>
      <label>
        {t("console.programs.tags")}
        <input {...field("tags")} />
      </label>
      <label class="wide">
        {t("console.programs.description")}
        <textarea {...field("description")} maxLength={5000} />
      </label>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary save-program" disabled={busy}>
          {t("console.programs.save")}
        </button>
        {program && <button type="button" class="btn" onClick={onCancel}>{t("common.cancel")}</button>}
      </div>
    </form>
  );
}
