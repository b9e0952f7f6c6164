/**
 * Who has a conversation: only its assignee closes or hands it over (`transferSupport`), and, when
 * the `assign` setting is `auto`, a new or reopened conversation goes at once to the available
 * counselor with the fewest active ones (ties: the name, then the id, so every node picks alike).
 */
import type { SupportSummary, UserRef } from "@/lib/shared/protocol.ts";
import type { Session, SupportConversation } from "@/lib/store/types.ts";
import { conflict, forbidden, HttpError, notFound } from "@/lib/web/errors.ts";
import { StoreConflictError } from "@/lib/store/errors.ts";
import { activate, publish, type SupportDeps, systemMessage } from "./support.ts";
import { userRefOf } from "@/lib/accounts/user_ref.ts";

export type AssignMode = "auto" | "manual";
const ASSIGN_KEY = "support.assign";

/** The assignment setting; `manual` (today's claim flow) until set. */
export async function assignMode(store: SupportDeps["store"]): Promise<AssignMode> {
  return (await store.getSetting(ASSIGN_KEY)) === "auto" ? "auto" : "manual";
}

/** @example await setAssignMode(store, "auto"); */
export async function setAssignMode(store: SupportDeps["store"], mode: AssignMode): Promise<void> {
  await store.putSetting(ASSIGN_KEY, mode);
}

/**
 * Throws 403 `not_assignee` unless `session` may close or transfer `conversation`: an active one is
 * its assignee's alone; one nobody has may be closed by any counselor.
 *
 * @example
 * assertAssignee(conversation, session);
 */
export function assertAssignee(conversation: SupportConversation, session: Session): void {
  if (session.role !== "counselor") throw forbidden("Counselors only");
  const owner = conversation.counselor;
  if (conversation.state === "active" && owner && owner.id !== session.userId) {
    throw new HttpError(403, "not_assignee", "console.err.notAssignee");
  }
}

/**
 * "Available" as the widget's availability says it: a console open anywhere and not set away.
 *
 * @example
 * const isAvailable = availableIn(widgetOf(services).availability);
 */
export function availableIn(
  availability: { counselors(): { id: string; away?: boolean }[] },
): (counselorId: string) => boolean {
  return (id) => availability.counselors().some((c) => c.id === id && !c.away);
}

export interface CounselorLine extends UserRef {
  /** Undefined when availability is not known. */
  available?: boolean;
  /** Active conversations they have. */
  open: number;
}

/**
 * Every counselor with their availability and how many active conversations each has.
 *
 * @example
 * const lines = await listCounselorLines(deps);
 */
export async function listCounselorLines(deps: SupportDeps): Promise<CounselorLine[]> {
  const [counselors, active] = await Promise.all([
    deps.store.listCounselors(),
    deps.store.listSupport("active"),
  ]);
  const open = new Map<string, number>();
  for (const c of active) if (c.counselor) open.set(c.counselor.id, (open.get(c.counselor.id) ?? 0) + 1);
  return counselors.map((c) => {
    const line: CounselorLine = { ...c, open: open.get(c.id) ?? 0 };
    if (deps.isAvailable) line.available = deps.isAvailable(c.id);
    return line;
  }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
}

/**
 * Hands an active conversation from its assignee (`session`) to another counselor; both (and the
 * user) see a notice in the room, and the queue line moves to the new assignee.
 *
 * @example
 * await transferSupport(deps, session, roomId, otherCounselorId);
 */
export async function transferSupport(
  deps: SupportDeps,
  session: Session,
  room: string,
  to: string,
): Promise<SupportSummary> {
  const current = await deps.store.getSupport(room);
  if (!current) throw notFound("console.err.noConversation");
  assertAssignee(current, session);
  if (current.state !== "active" || !current.counselor) {
    throw conflict("console.err.notActive", "not_active");
  }
  const target = (await deps.store.listCounselors()).find((c) => c.id === to || c.name === to);
  if (!target) throw notFound("console.err.noSuchCounselor");
  if (target.id === current.counselor.id) throw conflict("console.err.sameCounselor", "same_counselor");
  const updated = await deps.store.updateSupport(room, { counselor: target }, {
    state: "active",
    counselorId: current.counselor.id,
  });
  if (!updated) throw notFound("console.err.noConversation");
  const from = userRefOf(session);
  const message = await systemMessage(deps, room, from, {
    key: "support.transferred",
    name: from.name,
    to: target.name,
  });
  await deps.store.setReadMark(room, from.id, message.seq);
  return await publish(deps, updated, message);
}

/**
 * With assignment `auto`: gives a waiting conversation to the available counselor with the fewest
 * active ones. False when it stays waiting (manual mode, nobody available, or someone claimed it).
 */
export async function autoAssign(deps: SupportDeps, conversation: SupportConversation): Promise<boolean> {
  if (conversation.state !== "waiting" || (await assignMode(deps.store)) !== "auto") return false;
  const lines = (await listCounselorLines(deps)).filter((c) => c.available !== false);
  const pick = lines.sort((a, b) => a.open - b.open)[0];
  if (!pick) return false;
  try {
    await activate(deps, conversation, { id: pick.id, name: pick.name, role: "counselor" });
    return true;
  } catch (error) {
    if (error instanceof StoreConflictError && error.code === "support_changed") return false;
    throw error;
  }
}
