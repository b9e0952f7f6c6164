/**
 * What a chat line may do besides showing itself: edit, delete, react, hide an author, and the read
 * marks it shows. Provided by the chat pane (an island) around its message list; without a provider
 * (server-rendered history, pending lines) a line shows no controls.
 */
import { createContext } from "preact";

export interface MessageActions {
  me: string;
  /** The room's owner, or a counselor in support: may delete any message. */
  moderator: boolean;
  /** Two people (support, a room of two): receipts say "Read"; otherwise "Seen by N". */
  twoPerson: boolean;
  /** Each member's read mark (user id → seq). */
  reads: Record<string, number>;
  /** The seq of the user's newest message the others have read (only it shows the mark). */
  lastRead: number;
  /** Authors whose messages this user hid for themselves. */
  hidden: ReadonlySet<string>;
  edit(id: string, text: string): void;
  remove(id: string): void;
  react(id: string, emoji: string): void;
  toggleHidden(userId: string): void;
  /** The room's owner (public and private rooms): mute or remove a member. */
  moderate?(userId: string, action: "mute" | "remove"): void;
}

export const MessageActionsContext = createContext<MessageActions | null>(null);
