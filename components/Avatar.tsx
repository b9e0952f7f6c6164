/** A round initial in one of eight colours chosen from the user's id, so a person keeps a colour. */
export default function Avatar({ id, name }: { id: string; name: string }) {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const initial = [...name.trim()][0]?.toUpperCase() ?? "?";
  return <span class={`avatar av-${hash % 8}`} aria-hidden="true">{initial}</span>;
}
