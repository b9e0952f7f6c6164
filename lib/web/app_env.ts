/** Types shared by the app, its middleware and the route modules. */
import type { Context } from "hono";
import type { ComponentType } from "preact";
import type { Services } from "@/lib/ops/services.ts";
import type { Session } from "@/lib/store/types.ts";
import type { Locale, Translator } from "@/lib/shared/i18n/mod.ts";

export interface AppEnv {
  Variables: {
    services: Services;
    /** The signed-in (or guest) session, or null. Set by the session middleware on every request. */
    session: Session | null;
    /** The reader's language (cookie, else `Accept-Language`) and its translator. */
    locale: Locale;
    i18n: Translator;
    /** Set for route modules with a page: renders it with `data` (status 200 unless given). */
    render: (data?: unknown, init?: { status?: number }) => Response;
  };
}

export type AppContext = Context<AppEnv>;

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export type RouteHandler = (c: AppContext) => Response | Promise<Response>;

/** What a page component receives. */
export interface PageProps<T = undefined> {
  data: T;
  url: URL;
  params: Record<string, string>;
  session: Session | null;
  locale: Locale;
}

/** The shape of a module in `routes/`. */
export interface RouteModule {
  handler?: Partial<Record<Method, RouteHandler>>;
  // deno-lint-ignore no-explicit-any -- each page declares its own data type
  default?: ComponentType<PageProps<any>>;
  // deno-lint-ignore no-explicit-any -- see above
  title?: string | ((props: PageProps<any>) => string);
}
