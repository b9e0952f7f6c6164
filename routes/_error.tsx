import type { PageProps } from "@/lib/web/app_env.ts";
import { translator } from "@/lib/shared/i18n/mod.ts";

interface ErrorData {
  status: number;
  /** Already in the reader's language (the error handler localizes it). */
  message: string;
}

export const title = (props: PageProps<ErrorData>) =>
  translator(props.locale).t(props.data.status === 404 ? "common.error.notFoundTitle" : "common.error.title");

/** The page for any error on an HTML route (404 included). */
export default function ErrorPage({ data, locale }: PageProps<ErrorData>) {
  const { t } = translator(locale);
  const heading = data.status === 404
    ? t("errors.pageNotFound")
    : t("common.error.heading", { status: data.status });
  return (
    <section class="error-page">
      <h1>{heading}</h1>
      {/* The generic 404 message would only repeat the heading. */}
      <p>{data.message === heading ? t("common.error.nothingHere") : data.message}</p>
      <p>
        <a href="/">{t("common.backToLobby")}</a>
      </p>
    </section>
  );
}
