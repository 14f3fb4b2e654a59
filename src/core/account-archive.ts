// Archiving an account (admins): it leaves every list, alert and KPI — the queries
// that make them read `archived_at is null` — and keeps its history: check-ins,
// tickets, surveys, outcomes and the audit trail stay, and /account restore brings it
// back as it was. Both audited.
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts } from '../../db/schema.js';
import type { Account } from './accounts.js';
import { recordAudit } from './audit.js';
import { UserError } from './errors.js';
import { formatDateTimeInZone } from './time.js';

export async function archiveAccount(db: Db, workspaceId: string, account: Account, actor: { userId: string; now: Date; timezone: string }): Promise<Account> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(accounts)
      .set({ archivedAt: actor.now, updatedAt: actor.now })
      .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, account.id), isNull(accounts.archivedAt)))
      .returning();
    if (!row) {
      const at = account.archivedAt ? ` on ${formatDateTimeInZone(account.archivedAt, actor.timezone)}` : '';
      throw new UserError(`${account.name} is already archived${at}.`, { hint: `Bring it back with /account restore "${account.name}".` });
    }
    await recordAudit(tx, workspaceId, { actorUserId: actor.userId, at: actor.now, entityType: 'account', entityId: account.id, action: 'archive', before: { archivedAt: null }, after: { archivedAt: actor.now.toISOString() } });
    return row;
  });
}

export async function restoreAccount(db: Db, workspaceId: string, account: Account, actor: { userId: string; now: Date }): Promise<Account> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(accounts).where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, account.id))).for('update');
    if (!before?.archivedAt) throw new UserError(`${account.name} is not archived: there is nothing to restore.`, { hint: `See it with /account "${account.name}".` });
    const [row] = await tx.update(accounts).set({ archivedAt: null, updatedAt: actor.now }).where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, account.id))).returning();
    await recordAudit(tx, workspaceId, { actorUserId: actor.userId, at: actor.now, entityType: 'account', entityId: account.id, action: 'restore', before: { archivedAt: before.archivedAt.toISOString() }, after: { archivedAt: null } });
    return row!;
  });
}
