/**
 * The postMessage protocol between widget.js on the host page and the chat frame at `/widget`.
 * Every message is an object with a `parley` field; each side posts only to the other's exact
 * origin and accepts only messages whose `origin` and `source` are the other side's.
 */

/** widget.js → frame. */
export type HostMessage =
  /** The visitor's token kept in the host site's storage (null: none yet), and the page's URL. */
  | { parley: "token"; token: string | null; page: string }
  /** The panel was opened or closed (the frame marks messages read only while it is seen). */
  | { parley: "visible"; visible: boolean };

/** frame → widget.js. */
export type FrameMessage =
  /** The frame is ready for the token. */
  | { parley: "hello" }
  /** Keep this token for the next page and visit. */
  | { parley: "token-set"; token: string }
  /** Replies the visitor has not seen, for the bubble's badge. */
  | { parley: "unread"; count: number }
  /** The visitor closed the chat from inside the frame. */
  | { parley: "close" };

/** The host-site storage key of the visitor's token. */
export const TOKEN_KEY = "parley.widget.token";
