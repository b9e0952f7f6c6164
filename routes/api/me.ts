import type { AppContext } from "@/lib/web/app_env.ts";
import { assertSignedIn } from "@/lib/accounts/auth.ts";
import { userRefOf } from "@/lib/accounts/user_ref.ts";

export const handler = {
  /** The session's user `{id, name, role}`; 401 without a session. */
  GET(c: AppContext) {
    const session = assertSignedIn(c);
    return c.json(userRefOf(session));
  },
};
