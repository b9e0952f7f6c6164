import type { AppContext } from "@/lib/web/app_env.ts";
import { assertSignedIn } from "@/lib/accounts/auth.ts";
import { notFound } from "@/lib/web/errors.ts";
import { roomForSession } from "@/lib/rooms/rooms.ts";
import { readMeta } from "@/lib/files/files.ts";
import { fileHeaders } from "@/lib/files/serve.ts";

export const handler = {
  /** The file to the room's members only; `?thumb=1` its thumbnail (images). Never a page that runs. */
  async GET(c: AppContext) {
    const session = assertSignedIn(c);
    const { store, files } = c.var.services;
    const room = await roomForSession(store, session, c.req.param("id") ?? "");
    const id = c.req.param("file") ?? "";
    const meta = await readMeta(files, room.id, id);
    const thumb = c.req.query("thumb") !== undefined;
    if (!meta || (thumb && !meta.thumbUrl)) throw notFound(c.get("i18n").t("messages.error.fileNotFound"));
    const blob = await files.get(`${room.id}/${id}${thumb ? ".thumb" : ""}`);
    if (!blob) throw notFound(c.get("i18n").t("messages.error.fileNotFound"));
    return new Response(blob.body, { headers: fileHeaders(meta, blob.size, thumb) });
  },
};
