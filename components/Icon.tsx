/**
 * Small line icons drawn inline, in the text's colour: an emoji would need an emoji font, and on a
 * machine without one (many Linux desktops, kiosks) it renders as an empty box.
 */
const PATHS = {
  // A paperclip.
  attach:
    "M21 12.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9",
  // A bell.
  bell: "M6 16V11a6 6 0 0 1 12 0v5l2 2H4l2-2zM10 20a2 2 0 0 0 4 0",
} as const;

export type IconName = keyof typeof PATHS;

/** A decorative icon: hidden from screen readers, which read the label beside it. */
export default function Icon({ name }: { name: IconName }) {
  return (
    <svg
      class="icon"
      viewBox="0 0 24 24"
      width="18"
      height="18"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
