/**
 * Telling the user about new messages while the tab is hidden: a count in the tab title, and a
 * browser notification when they allowed it. Permission is asked only from a user's click
 * (`askToNotify`), never on load. Browser-only; one per tab.
 */

export interface NotifyOptions {
  /** Shown as the notification's title. */
  title: string;
  body: string;
  /** Notifications with the same tag replace each other (one per room). */
  tag: string;
  /** Called when the notification is clicked, after the tab got focus. */
  onClick?: () => void;
}

let baseTitle: string | null = null;
let hiddenCount = 0;
/** Unread counts per room that pages put in the title while visible (the lobby's sum). */
let shownUnread = 0;
let watching = false;

function render(): void {
  baseTitle ??= document.title.replace(/^\(\d+\+?\) /, "");
  const n = hiddenCount + shownUnread;
  document.title = n > 0 ? `(${n > 99 ? "99+" : n}) ${baseTitle}` : baseTitle;
}

function watch(): void {
  if (watching) return;
  watching = true;
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      hiddenCount = 0;
      render();
    }
  });
}

/** Whether the tab is out of sight (another tab, a minimized window). */
export function tabHidden(): boolean {
  return document.visibilityState === "hidden";
}

/**
 * Counts one new message in the title (while hidden) and shows a notification if allowed.
 *
 * @example
 * if (tabHidden()) notifyNew({ title: "general: mina", body: "hi", tag: roomId, onClick: () => {} });
 */
export function notifyNew(options: NotifyOptions): void {
  watch();
  if (!tabHidden()) return;
  hiddenCount++;
  render();
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  const note = new Notification(options.title, { body: options.body.slice(0, 140), tag: options.tag });
  note.onclick = () => {
    globalThis.focus();
    note.close();
    options.onClick?.();
  };
}

/** Sets the visible unread part of the title (e.g. the lobby's total of My rooms). */
export function setTitleUnread(n: number): void {
  shownUnread = n;
  render();
}

/** Whether notifications could be asked for now (supported and not yet decided). */
export function canAskToNotify(): boolean {
  return typeof Notification !== "undefined" && Notification.permission === "default";
}

/** Asks for permission; call only from a click. Resolves whether notifications are on. */
export async function askToNotify(): Promise<boolean> {
  if (typeof Notification === "undefined") return false;
  if (Notification.permission === "default") await Notification.requestPermission();
  return Notification.permission === "granted";
}
