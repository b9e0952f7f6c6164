import type { AppContext } from "@/lib/web/app_env.ts";
import { findProgram } from "@/lib/programs/programs.ts";

export const handler = {
  /** One program, or 404. */
  async GET(c: AppContext) {
    return c.json(await findProgram(c.var.services.store, c.req.param("id") ?? ""));
  },
};
