import type { AppContext, PageProps } from "@/lib/web/app_env.ts";
import type { Program } from "@/lib/store/types.ts";
import { translator } from "@/lib/shared/i18n/mod.ts";
import ProgramsAdmin from "@/islands/ProgramsAdmin.tsx";

interface Data {
  programs: Program[];
  now: string;
}

/** The catalog a counselor manages is small (hundreds): it comes whole. */
const MAX_PAGES = 20;

export const title = (props: PageProps<Data>) => translator(props.locale).t("console.programs.title");

export const handler = {
  /** Counselors only; anyone else is sent to log in (and back here after). */
  async GET(c: AppContext) {
    const session = c.get("session");
    if (session?.role !== "counselor") return c.redirect("/login?next=/console/programs", 303);
    const programs: Program[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < MAX_PAGES; i++) {
      const page = await c.var.services.store.searchPrograms({
        status: "all",
        limit: 50,
        cursor,
        now: new Date(),
      });
      programs.push(...page.programs);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return c.var.render({ programs, now: new Date().toISOString() } satisfies Data);
  },
};

/** The program catalog: current, upcoming and ended programs; add, edit, end. */
export default function ProgramsPage({ data, locale }: PageProps<Data>) {
  const { t } = translator(locale);
  return (
    <section class="programs-admin">
      <link rel="stylesheet" href="/static/console.css" />
      <p>
        <a href="/console">{t("console.programs.back")}</a>
      </p>
      <h1>{t("console.programs.title")}</h1>
      <ProgramsAdmin programs={data.programs} now={data.now} />
    </section>
  );
}
