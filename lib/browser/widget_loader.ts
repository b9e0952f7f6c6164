/**
 * widget.js: what `<script src="https://PARLEY/widget.js" defer></script>` runs on another site.
 * It adds one element to the page, a host for an open shadow root (so no style leaks either way),
 * holding the launcher bubble with its unread badge and, once opened, the chat frame at `/widget`.
 *
 * Continuity: the frame is on Parley's site, so a browser that blocks third-party cookies never sends
 * it our cookie, and its own storage is partitioned or blocked. The visitor's session token lives in
 * this site's own localStorage instead and is handed to the frame over postMessage; both sides post
 * only to the other's exact origin and accept only the other's window. Bundled by `deno task build`.
 */
import { en, ko } from "@/lib/shared/i18n/widget.ts";
import { type FrameMessage, type HostMessage, TOKEN_KEY } from "@/lib/shared/widget_messages.ts";

const OPEN_HASH = "#parley-chat";

const STYLE = `
:host{all:initial;position:fixed;right:20px;bottom:20px;z-index:2147483000;font:15px/1.4 system-ui,sans-serif}
.launcher{all:unset;box-sizing:border-box;width:56px;height:56px;border-radius:50%;background:#2563eb;color:#fff;
display:grid;place-items:center;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);position:relative}
.launcher:focus-visible{outline:3px solid #f59e0b;outline-offset:3px}
.launcher svg{width:28px;height:28px;fill:currentColor}
.launcher-badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;
border-radius:10px;background:#dc2626;color:#fff;font-size:12px;font-weight:700;display:grid;place-items:center}
.launcher-badge[hidden],.panel[hidden]{display:none}
.panel{position:absolute;right:0;bottom:68px;width:min(380px,calc(100vw - 40px));
height:min(600px,calc(100vh - 110px));border-radius:12px;overflow:hidden;box-shadow:0 8px 30px rgba(0,0,0,.3);
background:#fff}
iframe{border:0;width:100%;height:100%;display:block}
`;
const ICON = `<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 ` +
  `2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>`;

function start(): void {
  const script = document.currentScript as HTMLScriptElement | null ??
    document.querySelector<HTMLScriptElement>('script[src*="/widget.js"]');
  if (!script || document.querySelector("[data-parley-widget]")) return;
  const parley = new URL(script.src, location.href).origin;
  const lang = (document.documentElement.lang || navigator.language || "en").toLowerCase().startsWith("ko")
    ? "ko"
    : "en";
  const s = lang === "ko" ? ko : en;

  const store = {
    get(): string | null {
      try {
        return localStorage.getItem(TOKEN_KEY);
      } catch {
        return null; // storage turned off: the chat still works for this page
      }
    },
    set(token: string): void {
      try {
        localStorage.setItem(TOKEN_KEY, token);
      } catch { /* see above */ }
    },
  };

  const host = document.createElement("div");
  host.setAttribute("data-parley-widget", "");
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `<style>${STYLE}</style><div class="panel" hidden></div>` +
    `<button type="button" class="launcher" aria-expanded="false">${ICON}<span class="launcher-badge" hidden></span></button>`;
  const bubble = root.querySelector<HTMLButtonElement>(".launcher")!;
  const badge = root.querySelector<HTMLSpanElement>(".launcher-badge")!;
  const panel = root.querySelector<HTMLDivElement>(".panel")!;
  let frame: HTMLIFrameElement | null = null;
  let open = false;

  const label = (count: number) => {
    bubble.setAttribute("aria-label", count ? `${s["widget.open"]} (${count})` : s["widget.open"]);
    badge.hidden = count === 0;
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.title = (count === 1 ? s["widget.unread.one"] : s["widget.unread.other"])
      .replace("{count}", String(count));
  };
  label(0);

  const tell = (message: HostMessage) => frame?.contentWindow?.postMessage(message, parley);

  const ensureFrame = () => {
    if (frame) return;
    frame = document.createElement("iframe");
    frame.title = s["widget.title"];
    frame.src = `${parley}/widget?origin=${encodeURIComponent(location.origin)}&lang=${lang}`;
    panel.append(frame);
  };

  const toggle = (next: boolean) => {
    open = next;
    if (open) ensureFrame();
    panel.hidden = !open;
    // Opened, the replies are being read: the frame reports the count again once closed.
    if (open) label(0);
    bubble.setAttribute("aria-expanded", String(open));
    bubble.setAttribute("aria-label", open ? s["widget.close"] : s["widget.open"]);
    tell({ parley: "visible", visible: open });
    if (open) frame?.focus();
    else bubble.focus();
  };

  addEventListener("message", (e: MessageEvent<FrameMessage>) => {
    if (e.origin !== parley || !frame || e.source !== frame.contentWindow) return;
    const message = e.data;
    switch (message?.parley) {
      case "hello":
        tell({ parley: "token", token: store.get(), page: location.href });
        tell({ parley: "visible", visible: open });
        return;
      case "token-set":
        if (typeof message.token === "string") store.set(message.token);
        return;
      case "unread":
        if (!open && typeof message.count === "number") label(message.count);
        return;
      case "close":
        return toggle(false);
    }
  });
  bubble.addEventListener("click", () => toggle(!open));
  root.addEventListener("keydown", (e) => {
    if ((e as KeyboardEvent).key === "Escape" && open) toggle(false);
  });

  document.body.append(host);
  // A returning visitor's frame loads at once, unseen, so new replies show on the badge.
  if (store.get()) ensureFrame();
  if (location.hash === OPEN_HASH) toggle(true);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
else start();
