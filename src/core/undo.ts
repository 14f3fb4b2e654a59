// Who may take back a change, and until when (PRODUCT.md: "Every change a person makes
// can be undone by that person for a day"). Each kind of change has its own core undo
// (check-ins, tickets, accounts, renewal outcomes), audited there; this is the rule
// they share.
import { UserError } from './errors.js';
import { formatDateTimeInZone } from './time.js';

/** How long the person who made a change can undo it. */
export const UNDO_MS = 24 * 60 * 60_000;

export interface UndoActor {
  userId: string;
  now: Date;
  timezone: string;
}

/** Until when a change made at `at` can be undone. */
export const undoUntil = (at: Date): Date => new Date(at.getTime() + UNDO_MS);

/**
 * Why `actor` may not undo a change (`what`, made by `madeBy` at `at`), or undefined
 * when they may. `instead` says what to do instead (correct it, ask someone).
 */
export function undoRefusal(change: { what: string; madeBy: string | null; madeByName: string | null; at: Date }, actor: UndoActor, instead: string): UserError | undefined {
  const until = undoUntil(change.at);
  const who = change.madeByName ? `@${change.madeByName}` : 'someone no longer in the workspace';
  if (change.madeBy !== actor.userId) {
    return new UserError(`${change.what} was made by ${who}: only they can undo it (until ${formatDateTimeInZone(until, actor.timezone)}).`, { hint: instead });
  }
  if (actor.now > until) {
    return new UserError(`${change.what} was made on ${formatDateTimeInZone(change.at, actor.timezone)}: it could be undone for a day, until ${formatDateTimeInZone(until, actor.timezone)}.`, { hint: instead });
  }
  return undefined;
}
