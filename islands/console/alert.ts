/**
 * New-chat alerts for the console: a short chime (browsers allow sound only after the page has been
 * clicked, so the audio context is made on the first click) and the tab title, which names the new
 * chat until the counselor looks at the tab again.
 */
import { type Translator, translator } from "@/lib/shared/i18n/mod.ts";
import { notifyNew, tabHidden } from "@/lib/browser/notify.ts";

export class Alerter {
  #tr: Translator;
  #audio: AudioContext | null = null;
  #unseen: string[] = [];
  #waiting = 0;

  constructor(tr: Translator = translator("en")) {
    this.#tr = tr;
  }

  /** Call from a user gesture (the first click anywhere on the page). */
  unlock(): void {
    if (this.#audio) return;
    try {
      this.#audio = new AudioContext();
    } catch {
      this.#audio = null;
    }
  }

  get soundReady(): boolean {
    return this.#audio !== null;
  }

  /** A new waiting chat: chime, and name it in the title while the tab is not being looked at. */
  newChat(name: string): void {
    this.#chime();
    if (document.hidden || !document.hasFocus()) this.#unseen.push(name);
    this.#render();
    // A hidden console also gets a browser notification, when the counselor allowed them.
    if (tabHidden()) {
      notifyNew({
        title: this.#tr.t("messages.notifyNewChat", { name }),
        body: name,
        tag: "parley-new-chat",
      });
      this.#render(); // the title says which chats are new; notifyNew's own count is not wanted here
    }
  }

  /** How many conversations wait, shown in the title. */
  setWaiting(count: number): void {
    this.#waiting = count;
    this.#render();
  }

  /** The counselor is looking at the tab again. */
  seen(): void {
    this.#unseen = [];
    this.#render();
  }

  #render(): void {
    const count = this.#waiting > 0 ? `(${this.#waiting}) ` : "";
    const { t } = this.#tr;
    const news = this.#unseen.length === 1
      ? `${t("console.newChatFrom", { name: this.#unseen[0] })} · `
      : this.#unseen.length > 1
      ? `${t("console.newChats", { count: this.#unseen.length })} · `
      : "";
    document.title = `${count}${news}${t("console.title")} · ${t("common.brand")}`;
  }

  #chime(): void {
    const ctx = this.#audio;
    if (!ctx) return;
    if (ctx.state === "suspended") ctx.resume().catch(() => {});
    const start = ctx.currentTime;
    for (const [i, freq] of [660, 880].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start + i * 0.16);
      gain.gain.exponentialRampToValueAtTime(0.2, start + i * 0.16 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.16 + 0.15);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + i * 0.16);
      osc.stop(start + i * 0.16 + 0.16);
    }
  }
}
