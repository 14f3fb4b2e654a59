// Taking back a /usage reading: the reading goes (the spend roll-up follows through the
// usage_readings triggers, migration 0004), and the seat counts it gave the account go
// back as they were (core/account-undo.ts, refused if changed since). For the person
// who recorded it, for a day; audited.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog, usageReadings, users } from '../../db/schema.js';
import { undoAccountUpdate } from './account-undo.js';
import { recordAudit } from './audit.js';
import { UserError } from './errors.js';
import { undoRefusal, type UndoActor } from './undo.js';

export async function undoUsageReading(db: Db, workspaceId: string, target: { accountId: string; at: Date }, actor: UndoActor): Promise<{ seatsRestored: boolean }> {
  return db.transaction(async (tx) => {
    const entryFor = (action: string) =>
      tx
        .select({ actorUserId: auditLog.actorUserId, actorName: users.displayName })
        .from(auditLog)
        .leftJoin(users, eq(users.id, auditLog.actorUserId))
        .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.entityType, 'account'), eq(auditLog.entityId, target.accountId), eq(auditLog.action, action), eq(auditLog.at, target.at)));
    const [recorded] = await entryFor('import-usage');
    if (!recorded) throw new UserError('That usage reading is not in the audit log, so it cannot be undone here.');
    const refusal = undoRefusal({ what: 'That usage reading', madeBy: recorded.actorUserId, madeByName: recorded.actorName, at: target.at }, actor, 'Record the right figures with /usage <account> active=… instead.');
    if (refusal) throw refusal;
    const removed = await tx
      .delete(usageReadings)
      .where(and(eq(usageReadings.workspaceId, workspaceId), eq(usageReadings.accountId, target.accountId), eq(usageReadings.recordedAt, target.at)))
      .returning({ id: usageReadings.id });
    if (removed.length === 0) throw new UserError('That usage reading was already undone, so this button does nothing now.');
    const [seats] = await entryFor('update');
    if (seats) await undoAccountUpdate(tx, workspaceId, target, actor);
    await recordAudit(tx, workspaceId, { actorUserId: actor.userId, at: actor.now, entityType: 'account', entityId: target.accountId, action: 'undo-usage', before: { recordedAt: target.at.toISOString() }, after: null });
    return { seatsRestored: seats !== undefined };
  });
}
