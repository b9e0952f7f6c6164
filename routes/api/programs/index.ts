import type { AppContext } from "@/lib/web/app_env.ts";
import { parseProgramQuery } from "@/lib/programs/programs.ts";
import { assertCounselor } from "@/lib/accounts/auth.ts";
import { addProgram, parseProgramInput } from "@/lib/programs/manage.ts";
import { publishCatalogChange } from "@/lib/programs/catalog_events.ts";
import { badRequest } from "@/lib/web/errors.ts";

export const handler = {
  /** `?q=&status=current|expired|all&limit=&cursor=` → `{programs, nextCursor?}`; q is plain text. */
  async GET(c: AppContext) {
    const query = parseProgramQuery(new URL(c.req.url).searchParams, new Date());
    const page = await c.var.services.store.searchPrograms(query);
    return c.json(page.nextCursor ? page : { programs: page.programs });
  },
  /** Counselors: adds a program → `{program}` (201); bad fields are a 400 `bad_program`. */
  async POST(c: AppContext) {
    assertCounselor(c);
    const body = await c.req.json().catch(() => {
      throw badRequest("The body must be a JSON object", "bad_json");
    });
    const program = await addProgram(c.var.services.store, parseProgramInput(body));
    publishCatalogChange(c.var.services.bus, program.id);
    return c.json({ program }, 201);
  },
};
