import type { AppContext, PageProps } from "@/lib/web/app_env.ts";
import { accountFormPost, safeNext, signUp } from "@/lib/accounts/accounts.ts";
import { translator } from "@/lib/shared/i18n/mod.ts";
import { checkName } from "@/lib/shared/names.ts";
import AuthForm, { type AuthFormProps } from "@/components/AuthForm.tsx";

type Data = Omit<AuthFormProps, "mode">;

export const title = (props: PageProps<Data>) => translator(props.locale).t("auth.signupTitle");

export const handler = {
  /** A guest whose nickname would make a valid username finds it filled in. */
  GET(c: AppContext) {
    const session = c.get("session");
    const username = session?.role === "guest" && checkName("username", session.name).ok
      ? session.name
      : undefined;
    return c.var.render({ next: safeNext(c.req.query("next")), username } satisfies Data);
  },
  POST: accountFormPost(signUp),
};

export default function SignupPage({ data }: PageProps<Data>) {
  return <AuthForm mode="signup" {...data} />;
}
