import { Fragment } from "preact";
import { linkify } from "@/lib/shared/chat_view.ts";

/**
 * Message text as text (Preact escapes it once), with http(s) links only, opened safely in a new tab.
 * Each plain piece is its own vnode: a bare string inside an array child is escaped by the precompiled
 * JSX and then again by the renderer ("&amp;amp;").
 */
export default function RichText({ text }: { text: string }) {
  return (
    <>
      {linkify(text).map((s, i) =>
        s.type === "link"
          ? <a key={i} href={s.href} target="_blank" rel="noopener noreferrer">{s.text}</a>
          : <Fragment key={i}>{s.text}</Fragment>
      )}
    </>
  );
}
