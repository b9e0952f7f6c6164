/** Reactions: the quick set every message offers, and the check that a reaction is one emoji. */

/** Shown on every message; any other single emoji may be picked too. */
export const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"] as const;

const RGI = /^\p{RGI_Emoji}$/v;
/** A lone pictograph with or without its emoji-style selector ("❤" as well as "❤️"). */
const PICTOGRAPH = /^\p{Extended_Pictographic}\uFE0F?$/u;
const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/**
 * Whether `text` is exactly one emoji: one grapheme (a family or a flag counts once) that Unicode
 * calls an emoji. Letters, digits alone, two emoji and emoji with text around them are not.
 *
 * @example
 * isSingleEmoji("👍🏽"); // true
 * isSingleEmoji("👍👍"); // false
 * isSingleEmoji("a"); // false
 */
export function isSingleEmoji(text: string): boolean {
  if (typeof text !== "string" || text.length === 0 || text.length > 32) return false;
  let count = 0;
  for (const _ of graphemes.segment(text)) if (++count > 1) return false;
  return RGI.test(text) || PICTOGRAPH.test(text);
}
