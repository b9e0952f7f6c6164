import type { PageProps } from "@/lib/web/app_env.ts";

interface ErrorData {
  status: number;
  message: string;
}

export const title = (props: PageProps<ErrorData>) => (props.data.status === 404 ? "Not found" : "Error");

/** The page for any error on an HTML route (404 included). */
export default function ErrorPage({ data }: PageProps<ErrorData>) {
  const heading = data.status === 404 ? "Page not found" : `Error ${data.status}`;
  return (
    <section class="error-page">
      <h1>{heading}</h1>
      {/* The generic 404 message would only repeat the heading. */}
      <p>
        {data.message === heading ? "There is nothing at this address. It may have moved." : data.message}
      </p>
      <p>
        <a href="/">Back to the lobby</a>
      </p>
    </section>
  );
}
