import Icon from "@/components/Icon.tsx";
import { useT } from "@/lib/shared/i18n/context.ts";

/** An attachment on its way to the server. */
export interface Upload {
  key: string;
  file: File;
  /** 0…1 */
  progress: number;
  error?: string;
}

export interface UploadsProps {
  uploads: Upload[];
  onPick: (files: FileList) => void;
  onRetry: (key: string) => void;
  onDrop: (key: string) => void;
  idPrefix?: string;
}

/** The attach button and the uploads on their way: progress, and a retry for one that failed. */
export default function Uploads({ uploads, onPick, onRetry, onDrop, idPrefix = "" }: UploadsProps) {
  const { t } = useT();
  const id = `${idPrefix}attach`;
  return (
    <div class="uploads">
      <label class="btn btn-quiet attach" for={id} title={t("messages.attach")}>
        <Icon name="attach" />
        <span class="sr-only">{t("messages.attach")}</span>
      </label>
      <input
        id={id}
        type="file"
        class="sr-only attach-input"
        multiple
        onChange={(e) => {
          const input = e.target as HTMLInputElement;
          if (input.files?.length) onPick(input.files);
          input.value = "";
        }}
      />
      {uploads.length > 0 && (
        <ul class="upload-list">
          {uploads.map((u) => (
            <li key={u.key} class={`upload${u.error ? " failed" : ""}`}>
              {u.error
                ? <span role="alert">{t("messages.uploadFailed", { name: u.file.name })}: {u.error}</span>
                : (
                  <label>
                    {t("messages.uploading", { name: u.file.name, percent: Math.round(u.progress * 100) })}
                    <progress max={1} value={u.progress} />
                  </label>
                )}
              {u.error && (
                <button
                  type="button"
                  class="btn btn-small upload-retry"
                  onClick={() => onRetry(u.key)}
                >
                  {t("common.retry")}
                </button>
              )}
              <button type="button" class="btn btn-small" onClick={() => onDrop(u.key)}>
                {t("common.cancel")}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
