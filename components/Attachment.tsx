import type { FileRef } from "@/lib/shared/protocol.ts";
import { useT } from "@/lib/shared/i18n/context.ts";

/** Images are shown at most this wide; the height follows, reserved before the image loads. */
const SHOWN_PX = 320;

/** A human size: "2.4 MB", "18 KB". */
function size(bytes: number, number: (n: number) => string): string {
  if (bytes >= 1048576) return `${number(Math.round(bytes / 104857.6) / 10)} MB`;
  return `${number(Math.max(1, Math.round(bytes / 1024)))} KB`;
}

/** A message's attachment: an image inline with its size reserved (no jump), else a download card. */
export default function Attachment({ file }: { file: FileRef }) {
  const { t, number } = useT();
  if (file.width && file.height && file.thumbUrl) {
    const scale = Math.min(1, SHOWN_PX / file.width);
    const width = Math.round(file.width * scale), height = Math.round(file.height * scale);
    return (
      <a class="attachment-image" href={file.url} target="_blank" rel="noopener">
        <img
          src={file.thumbUrl}
          width={width}
          height={height}
          alt={file.name}
          loading="lazy"
          decoding="async"
          style={{ aspectRatio: `${file.width} / ${file.height}` }}
        />
      </a>
    );
  }
  return (
    <a class="attachment-file" href={file.url} download={file.name}>
      <span class="attachment-icon" aria-hidden="true">📄</span>
      <span class="attachment-name">{file.name}</span>
      <span class="attachment-meta">{size(file.size, number)} · {t("messages.download")}</span>
    </a>
  );
}
