import type { AppContext } from "@/lib/web/app_env.ts";
import { readJson } from "@/lib/web/http.ts";
import { changePassword, passwordChangeSchema } from "@/lib/accounts/password_change.ts";

export const handler = {
  /**
   * `{current, password}` → 204: the account's password is changed and every other session of the
   * user is ended (their sockets close with 4403); this one stays signed in.
   */
  async POST(c: AppContext) {
    await changePassword(c, await readJson(c, passwordChangeSchema));
    return c.body(null, 204);
  },
};
