import { linkify } from "@/lib/shared/chat_view.ts";

/** Message text as text (Preact escapes it), with http(s) links only, opened safely in a new tab. */
export default function RichText({ text }: { text: string }) {
  return (
    <>
      {linkify(text).map((s, i) =>
        s.type === "link"
          ? <a key={i} href={s.href} target="_blank" rel="noopener noreferrer">{s.text}</a>
          : s.text
      )}
    </>
  );
}
