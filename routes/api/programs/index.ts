import type { AppContext } from "@/lib/web/app_env.ts";
import { parseProgramQuery } from "@/lib/programs/programs.ts";

export const handler = {
  /** `?q=&status=current|expired|all&limit=&cursor=` → `{programs, nextCursor?}`; q is plain text. */
  async GET(c: AppContext) {
    const query = parseProgramQuery(new URL(c.req.url).searchParams, new Date());
    const page = await c.var.services.store.searchPrograms(query);
    return c.json(page.nextCursor ? page : { programs: page.programs });
  },
};
