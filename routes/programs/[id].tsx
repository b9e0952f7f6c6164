import type { AppContext, PageProps } from "@/lib/web/app_env.ts";
import type { Program } from "@/lib/store/types.ts";
import { findProgram } from "@/lib/programs/programs.ts";
import { programStatus } from "@/lib/shared/program_view.ts";
import { translator } from "@/lib/shared/i18n/mod.ts";
import StatusBadge from "@/components/programs/StatusBadge.tsx";
import ProgramWhen from "@/islands/ProgramWhen.tsx";

interface Data {
  program: Program;
  now: string;
}

export const handler = {
  async GET(c: AppContext) {
    const program = await findProgram(c.var.services.store, c.req.param("id") ?? "");
    return c.var.render({ program, now: new Date().toISOString() } satisfies Data);
  },
};

export const title = ({ data }: PageProps<Data>) => data.program.title;

/** A program's page: what it is, when, how much, and the way to apply while it is open. */
export default function ProgramPage({ data, locale }: PageProps<Data>) {
  const { program } = data;
  const { t, price } = translator(locale);
  const phase = programStatus(program, new Date(data.now));
  return (
    <article class="program-page">
      <link rel="stylesheet" href="/static/console.css" />
      <link rel="stylesheet" href="/static/program.css" />
      <header class="program-head">
        <StatusBadge phase={phase} />
        <h1>{program.title}</h1>
        <ProgramWhen startsAt={program.startsAt} endsAt={program.endsAt} />
        <p class="program-price">{price(program.price, program.currency)}</p>
        {program.tags.length > 0 && (
          <ul class="program-tags" aria-label={t("programs.tags")}>
            {program.tags.map((tag) => <li key={tag}>{tag}</li>)}
          </ul>
        )}
      </header>
      <div class="program-description">
        {program.description.split(/\n{2,}/).map((para, i) => <p key={i}>{para}</p>)}
      </div>
      <footer class="program-actions">
        {phase === "ended"
          ? <p class="program-closed" role="status">{t("programs.closed")}</p>
          : <a class="btn btn-primary apply" href={program.url} rel="noopener">{t("programs.apply")}</a>}
        <a href="/support" class="program-help">{t("programs.questions")}</a>
      </footer>
    </article>
  );
}
