// Taking back an /account set: its audit entry (written by updateAccount with the
// fields' values before and after) says what to put back. For the person who made
// it, for a day, and only while the account still has what the change set — a later
// change is not overwritten. The fields go back through updateAccount, so the rules,
// the ARR history and the audit trail follow as for any change.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accountChannels, accounts, auditLog, checkins, renewalOutcomes, surveys, tickets, usageReadings, users } from '../../db/schema.js';
import { updateAccount, type Account, type AccountFields } from './accounts.js';
import { recordAudit } from './audit.js';
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

/**
 * Takes back an /account add: the account is deleted, for the person who added it, for
 * a day, while nothing has been recorded for it (no check-in, ticket, survey, usage
 * reading, renewal outcome or linked channel); one with history is archived instead.
 */
export async function undoAccountCreate(db: Db, workspaceId: string, accountId: string, actor: UndoActor): Promise<Account> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(accounts).where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, accountId))).for('update');
    if (!current) throw new UserError('That account was already removed, so there is nothing to undo.');
    const [entry] = await tx
      .select({ actorUserId: auditLog.actorUserId, actorName: users.displayName, at: auditLog.at })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorUserId))
      .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.entityType, 'account'), eq(auditLog.entityId, current.id), eq(auditLog.action, 'create')));
    const refusal = undoRefusal({ what: `Adding ${current.name}`, madeBy: entry?.actorUserId ?? null, madeByName: entry?.actorName ?? null, at: entry?.at ?? current.createdAt }, actor, `Archive it instead with /account archive "${current.name}" (admins).`);
    if (refusal) throw refusal;
    const recorded = (table: typeof checkins | typeof tickets | typeof surveys | typeof usageReadings | typeof renewalOutcomes | typeof accountChannels) =>
      sql`exists (select 1 from ${table} where ${table.workspaceId} = ${workspaceId} and ${table.accountId} = ${current.id})`;
    const [uses] = await tx.select({
      any: sql<boolean>`${recorded(checkins)} or ${recorded(tickets)} or ${recorded(surveys)} or ${recorded(usageReadings)} or ${recorded(renewalOutcomes)} or ${recorded(accountChannels)}`,
    }).from(sql`(select 1) as one`);
    if (uses?.any) {
      throw new UserError(`${current.name} already has check-ins, tickets, surveys, usage or a linked channel, so adding it cannot be undone.`, { hint: `Archive it instead with /account archive "${current.name}" (admins): its history is kept.` });
    }
    await tx.delete(accounts).where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, current.id)));
    await recordAudit(tx, workspaceId, { actorUserId: actor.userId, at: actor.now, entityType: 'account', entityId: current.id, action: 'undo-create', before: { name: current.name, arrCents: current.arrCents, renewalDate: current.renewalDate, stage: current.stage }, after: null });
    return current;
  });
}
