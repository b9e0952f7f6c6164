import type { AppContext } from "@/lib/web/app_env.ts";
import { assertSignedIn } from "@/lib/accounts/auth.ts";
import { enforce, Throttle } from "@/lib/accounts/throttle.ts";
import { badRequest, HttpError, notFound } from "@/lib/web/errors.ts";
import { roomForSession } from "@/lib/rooms/rooms.ts";
import { saveUpload } from "@/lib/files/files.ts";
import { uploadSlot } from "@/lib/files/limits.ts";

const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const handler = {
  /** One file as the multipart field `file` → `{file: {id, name, type, size, url, …}}` (201). */
  async POST(c: AppContext) {
    const session = assertSignedIn(c);
    const { t } = c.get("i18n");
    const id = c.req.param("id") ?? "";
    if (!ROOM_ID.test(id)) throw notFound("No such room");
    const { store, files, config } = c.var.services;
    const room = await roomForSession(store, session, id);
    const throttle = new Throttle(store, "upload", config.uploadsPerMinute, 60_000);
    await enforce(throttle, session.userId, t("messages.error.uploads"));
    // Held until the bytes are stored: one user's uploads in memory at once are bounded.
    using _slot = uploadSlot(session.userId, t("messages.error.uploads"));
    // The body is bounded by the upload route's own limit in `bodyLimit` (413 as it streams).
    const form = await c.req.formData().catch((error) => {
      if (error instanceof HttpError) throw error;
      throw badRequest(t("messages.error.noFile"));
    });
    const file = form.get("file");
    if (!(file instanceof File)) throw badRequest(t("messages.error.noFile"));
    if (file.size > config.maxUploadBytes) {
      throw new HttpError(
        413,
        "too_large",
        t("messages.error.tooLarge", { size: megabytes(config.maxUploadBytes) }),
      );
    }
    try {
      const ref = await saveUpload(files, {
        room: room.id,
        uploader: session.userId,
        name: file.name,
        bytes: new Uint8Array(await file.arrayBuffer()),
      });
      return c.json({ file: ref }, 201);
    } catch (error) {
      if (error instanceof HttpError && error.status === 415) {
        throw new HttpError(415, error.code, t("messages.error.type"));
      }
      throw error;
    }
  },
};

function megabytes(bytes: number): string {
  return bytes >= 1048576 ? `${Math.round(bytes / 104857.6) / 10} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
