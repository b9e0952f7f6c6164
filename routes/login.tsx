import type { AppContext, PageProps } from "@/lib/web/app_env.ts";
import { accountFormPost, logIn, safeNext } from "@/lib/accounts/accounts.ts";
import { translator } from "@/lib/shared/i18n/mod.ts";
import AuthForm, { type AuthFormProps } from "@/components/AuthForm.tsx";

type Data = Omit<AuthFormProps, "mode">;

export const title = (props: PageProps<Data>) => translator(props.locale).t("auth.loginTitle");

export const handler = {
  GET(c: AppContext) {
    return c.var.render({ next: safeNext(c.req.query("next")) } satisfies Data);
  },
  POST: accountFormPost(logIn),
};

export default function LoginPage({ data }: PageProps<Data>) {
  return <AuthForm mode="login" {...data} />;
}
