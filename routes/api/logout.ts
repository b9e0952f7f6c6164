import type { AppContext } from "@/lib/web/app_env.ts";
import { logOut } from "@/lib/accounts/accounts.ts";

export const handler = {
  /** Ends the session (its sockets close with 4403) and clears the cookie. Idempotent: 204 either way. */
  async POST(c: AppContext) {
    await logOut(c);
    return c.body(null, 204);
  },
};
