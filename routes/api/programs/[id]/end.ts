import type { AppContext } from "@/lib/web/app_env.ts";
import { assertCounselor } from "@/lib/accounts/auth.ts";
import { endProgram } from "@/lib/programs/manage.ts";
import { publishCatalogChange } from "@/lib/programs/catalog_events.ts";

export const handler = {
  /** Counselors: ends the program now → `{program}`. */
  async POST(c: AppContext) {
    assertCounselor(c);
    const program = await endProgram(c.var.services.store, c.req.param("id") ?? "");
    publishCatalogChange(c.var.services.bus, program.id);
    return c.json({ program });
  },
};
