// Taking back an /account set: its audit entry (written by updateAccount with the
// fields' values before and after) says what to put back. For the person who made
// it, for a day, and only while the account still has what the change set — a later
// change is not overwritten. The fields go back through updateAccount, so the rules,
// the ARR history and the audit trail follow as for any change.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts, auditLog, users } from '../../db/schema.js';
import { updateAccount, type Account, type AccountFields } from './accounts.js';
import { UserError } from './errors.js';
import { undoRefusal, type UndoActor } from './undo.js';

/** The fields /account set changes, as the audit entry names them. */
const FIELDS: (keyof AccountFields)[] = ['name', 'externalId', 'arrCents', 'contractStart', 'renewalDate', 'stage', 'tier', 'licensedUsers', 'activeUsers', 'ownerUserId', 'kickoffDate', 'churnedOn'];

export async function undoAccountUpdate(db: Db, workspaceId: string, target: { accountId: string; at: Date }, actor: UndoActor): Promise<{ account: Account; restored: string[] }> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(accounts).where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, target.accountId))).for('update');
    if (!current) throw new UserError('That account no longer exists. See /account list.');
    const [entry] = await tx
      .select({ before: auditLog.before, after: auditLog.after, actorUserId: auditLog.actorUserId, actorName: users.displayName })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorUserId))
      .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.entityType, 'account'), eq(auditLog.entityId, current.id), eq(auditLog.action, 'update'), eq(auditLog.at, target.at)));
    if (!entry?.before || !entry.after) throw new UserError(`That change to ${current.name} is not in the audit log, so it cannot be undone.`, { hint: `See /account history "${current.name}".` });
    const refusal = undoRefusal({ what: `That change to ${current.name}`, madeBy: entry.actorUserId, madeByName: entry.actorName, at: target.at }, actor, `Change it back with /account set "${current.name}" key=value.`);
    if (refusal) throw refusal;
    const keys = FIELDS.filter((k) => k in entry.after!);
    const moved = keys.filter((k) => JSON.stringify(current[k] ?? null) !== JSON.stringify(entry.after![k] ?? null));
    if (moved.length > 0) {
      throw new UserError(`${current.name} has changed since (${moved.join(', ')}), so undoing that change would overwrite the newer one.`, { hint: `Change it back with /account set "${current.name}" key=value.` });
    }
    const patch = Object.fromEntries(keys.map((k) => [k, entry.before![k] ?? null])) as AccountFields;
    const { after } = await updateAccount(tx, workspaceId, current.id, patch, { userId: actor.userId, now: actor.now });
    return { account: after, restored: keys };
  });
}
