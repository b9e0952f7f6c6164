import type { AppContext } from "@/lib/web/app_env.ts";
import { findProgram } from "@/lib/programs/programs.ts";
import { assertCounselor } from "@/lib/accounts/auth.ts";
import { editProgram, parseProgramInput } from "@/lib/programs/manage.ts";
import { publishCatalogChange } from "@/lib/programs/catalog_events.ts";
import { badRequest } from "@/lib/web/errors.ts";

export const handler = {
  /** One program, or 404. */
  async GET(c: AppContext) {
    return c.json(await findProgram(c.var.services.store, c.req.param("id") ?? ""));
  },
  /** Counselors: replaces the program's fields → `{program}`; bad fields are a 400 `bad_program`. */
  async PUT(c: AppContext) {
    assertCounselor(c);
    const body = await c.req.json().catch(() => {
      throw badRequest("The body must be a JSON object", "bad_json");
    });
    const program = await editProgram(c.var.services.store, c.req.param("id") ?? "", parseProgramInput(body));
    publishCatalogChange(c.var.services.bus, program.id);
    return c.json({ program });
  },
};
