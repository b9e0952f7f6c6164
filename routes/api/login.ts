import type { AppContext } from "@/lib/web/app_env.ts";
import { credentialsSchema, logIn } from "@/lib/accounts/accounts.ts";
import { userRefOf } from "@/lib/accounts/user_ref.ts";
import { readJson } from "@/lib/web/http.ts";

export const handler = {
  /** `{username, password}` → `{id, name, role}` and a new session cookie; 401 alike for any mismatch. */
  async POST(c: AppContext) {
    const session = await logIn(c, await readJson(c, credentialsSchema));
    return c.json(userRefOf(session));
  },
};
