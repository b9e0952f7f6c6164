import type { AppContext, PageProps } from "@/lib/web/app_env.ts";
import { accountFormPost, logIn, safeNext } from "@/lib/accounts/accounts.ts";
import AuthForm, { type AuthFormProps } from "@/components/AuthForm.tsx";

type Data = Omit<AuthFormProps, "mode">;

export const title = "Log in";

export const handler = {
  GET(c: AppContext) {
    return c.var.render({ next: safeNext(c.req.query("next")) } satisfies Data);
  },
  POST: accountFormPost(logIn),
};

export default function LoginPage({ data }: PageProps<Data>) {
  return <AuthForm mode="login" {...data} />;
}
