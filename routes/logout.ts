import type { AppContext } from "@/lib/web/app_env.ts";
import { logOut } from "@/lib/accounts/accounts.ts";

export const handler = {
  /** The header's "Log out" form: ends the session, then back to the lobby. */
  async POST(c: AppContext) {
    await logOut(c);
    return c.redirect("/", 303);
  },
};
