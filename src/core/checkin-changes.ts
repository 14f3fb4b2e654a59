// Taking back and correcting a logged touch: undo (the person who logged it, for a
// day) deletes it, edit (the person who logged it) changes its kind, day, sentiment,
// note or next step. Both audited with what the touch was; the account's last touch
// follows through the checkins trigger (migration 0002).
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts, auditLog, checkins, users } from '../../db/schema.js';
import { changedFields, recordAudit } from './audit.js';
import type { Checkin, CheckinType, Sentiment } from './checkins.js';
import { UserError } from './errors.js';
import { undoRefusal, type UndoActor } from './undo.js';

/** A touch with the names a reply about it needs. */
export interface CheckinWithNames extends Checkin {
  accountName: string;
  loggedByName: string | null;
}

const withNames = { checkin: checkins, accountName: accounts.name, loggedByName: users.displayName };
const toView = (row: { checkin: Checkin; accountName: string; loggedByName: string | null }): CheckinWithNames => ({ ...row.checkin, accountName: row.accountName, loggedByName: row.loggedByName });

function selectCheckins(db: Db) {
  return db.select(withNames).from(checkins).innerJoin(accounts, eq(accounts.id, checkins.accountId)).leftJoin(users, eq(users.id, checkins.userId));
}

/** A touch of this workspace by its short id (#12) or its id (a button's value). */
export async function findCheckin(db: Db, workspaceId: string, which: { number: number } | { id: string }): Promise<CheckinWithNames | undefined> {
  const [row] = await selectCheckins(db).where(and(eq(checkins.workspaceId, workspaceId), 'number' in which ? eq(checkins.number, which.number) : eq(checkins.id, which.id)));
  return row ? toView(row) : undefined;
}

/** The touch this person logged last (by when it was logged, not when it happened). */
export async function lastCheckinBy(db: Db, workspaceId: string, userId: string): Promise<CheckinWithNames | undefined> {
  const [row] = await selectCheckins(db)
    .where(and(eq(checkins.workspaceId, workspaceId), eq(checkins.userId, userId)))
    .orderBy(desc(checkins.createdAt), desc(checkins.number))
    .limit(1);
  return row ? toView(row) : undefined;
}

/** The touch, its row locked to the end of the transaction, or a UserError when it is gone. */
async function lockCheckin(tx: Db, workspaceId: string, id: string): Promise<CheckinWithNames> {
  const [row] = await selectCheckins(tx)
    .where(and(eq(checkins.workspaceId, workspaceId), eq(checkins.id, id)))
    .for('update', { of: checkins });
  if (!row) throw new UserError('That check-in was already undone, so there is nothing to take back.', { hint: 'See the account’s touches with /account history <account>.' });
  return toView(row);
}

const described = (c: CheckinWithNames) => `Check-in #${c.number} (${c.type} with ${c.accountName})`;

/** What the audit keeps of a touch: enough to see what was taken back. */
const auditedFields = (c: Checkin) => ({
  accountId: c.accountId,
  number: c.number,
  type: c.type,
  occurredAt: c.occurredAt.toISOString(),
  sentiment: c.sentiment,
  nextStepDate: c.nextStepDate,
  notes: c.notes,
});

/** Undoes a logged touch: deleted, with an audit entry that keeps it. Its logger only, for a day. */
export async function undoCheckin(db: Db, workspaceId: string, id: string, actor: UndoActor): Promise<CheckinWithNames> {
  return db.transaction(async (tx) => {
    const checkin = await lockCheckin(tx, workspaceId, id);
    const refusal = undoRefusal(
      { what: described(checkin), madeBy: checkin.userId, madeByName: checkin.loggedByName, at: checkin.createdAt },
      actor,
      `Correct it with /checkin edit ${checkin.number} if it is yours.`,
    );
    if (refusal) throw refusal;
    await tx.delete(checkins).where(and(eq(checkins.workspaceId, workspaceId), eq(checkins.id, checkin.id)));
    await recordAudit(tx, workspaceId, { actorUserId: actor.userId, at: actor.now, entityType: 'checkin', entityId: checkin.id, action: 'undo', before: auditedFields(checkin), after: { accountId: checkin.accountId } });
    return checkin;
  });
}

export interface CheckinEdit {
  type: CheckinType;
  occurredAt: Date;
  sentiment: Sentiment;
  notes: string;
  nextStepDate: string | null;
}

/** Corrects a touch its logger made (any time: it stays their account of what happened). */
export async function editCheckin(db: Db, workspaceId: string, id: string, edit: CheckinEdit, actor: { userId: string; now: Date }): Promise<{ before: CheckinWithNames; after: Checkin; changed: string[] }> {
  return db.transaction(async (tx) => {
    const before = await lockCheckin(tx, workspaceId, id);
    if (before.userId !== actor.userId) {
      throw new UserError(`${described(before)} was logged by ${before.loggedByName ? `@${before.loggedByName}` : 'someone no longer in the workspace'}: only they can edit it.`, {
        hint: 'Log your own account of the touch with /checkin, or ask them.',
      });
    }
    const diff = changedFields(
      { type: before.type, occurredAt: before.occurredAt, sentiment: before.sentiment, notes: before.notes, nextStepDate: before.nextStepDate },
      { type: edit.type, occurredAt: edit.occurredAt, sentiment: edit.sentiment, notes: edit.notes, nextStepDate: edit.nextStepDate },
    );
    const changed = Object.keys(diff.after);
    if (changed.length === 0) return { before, after: before, changed };
    const [after] = await tx
      .update(checkins)
      .set({ type: edit.type, occurredAt: edit.occurredAt, sentiment: edit.sentiment, notes: edit.notes, nextStepDate: edit.nextStepDate })
      .where(and(eq(checkins.workspaceId, workspaceId), eq(checkins.id, id)))
      .returning();
    await recordAudit(tx, workspaceId, {
      actorUserId: actor.userId,
      at: actor.now,
      entityType: 'checkin',
      entityId: id,
      action: 'edit',
      before: { ...diff.before, accountId: before.accountId },
      after: { ...diff.after, accountId: before.accountId },
    });
    return { before, after: after!, changed };
  });
}

/**
 * Takes back an edit (`at`: when it was made): the touch gets its earlier kind, day,
 * sentiment, note and next step, for the person who edited it, for a day, while it
 * still reads as the edit left it.
 */
export async function undoCheckinEdit(db: Db, workspaceId: string, target: { id: string; at: Date }, actor: UndoActor): Promise<CheckinWithNames> {
  return db.transaction(async (tx) => {
    const current = await lockCheckin(tx, workspaceId, target.id);
    const [entry] = await tx
      .select({ before: auditLog.before, after: auditLog.after, actorUserId: auditLog.actorUserId })
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.entityType, 'checkin'), eq(auditLog.entityId, current.id), eq(auditLog.action, 'edit'), eq(auditLog.at, target.at)));
    if (!entry?.before || !entry.after) throw new UserError(`That edit of check-in #${current.number} is not in the audit log, so it cannot be undone.`, { hint: `Change it back with /checkin edit ${current.number}.` });
    const refusal = undoRefusal({ what: `That edit of check-in #${current.number}`, madeBy: entry.actorUserId, madeByName: current.loggedByName, at: target.at }, actor, `Correct it again with /checkin edit ${current.number}.`);
    if (refusal) throw refusal;
    const now = { type: current.type, occurredAt: current.occurredAt.toISOString(), sentiment: current.sentiment, notes: current.notes, nextStepDate: current.nextStepDate } as Record<string, unknown>;
    const keys = Object.keys(entry.after).filter((k) => k !== 'accountId' && k in now);
    if (keys.some((k) => JSON.stringify(now[k] ?? null) !== JSON.stringify(entry.after![k] ?? null))) {
      throw new UserError(`Check-in #${current.number} was changed again since, so undoing that edit would overwrite the newer one.`, { hint: `Correct it with /checkin edit ${current.number}.` });
    }
    const back = Object.fromEntries(keys.map((k) => [k, k === 'occurredAt' ? new Date(String(entry.before![k])) : (entry.before![k] ?? null)]));
    await tx.update(checkins).set(back).where(and(eq(checkins.workspaceId, workspaceId), eq(checkins.id, current.id)));
    await recordAudit(tx, workspaceId, { actorUserId: actor.userId, at: actor.now, entityType: 'checkin', entityId: current.id, action: 'undo-edit', before: { ...entry.after }, after: { ...entry.before } });
    return { ...current, ...back } as CheckinWithNames;
  });
}
