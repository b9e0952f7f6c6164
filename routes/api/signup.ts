import type { AppContext } from "@/lib/web/app_env.ts";
import { credentialsSchema, signUp } from "@/lib/accounts/accounts.ts";
import { userRefOf } from "@/lib/accounts/user_ref.ts";
import { readJson } from "@/lib/web/http.ts";

export const handler = {
  /** `{username, password}` → 201 `{id, name, role}` and a new session cookie. */
  async POST(c: AppContext) {
    const session = await signUp(c, await readJson(c, credentialsSchema));
    return c.json(userRefOf(session), 201);
  },
};
