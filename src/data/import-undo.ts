// Taking back a CSV import made from chat (src/data/chat-import.ts), whose 'import'
// audit entry holds what it wrote. For the person who pressed Import, for a day, once,
// in one transaction. The accounts it created are removed unless something was
// recorded for them since: those are kept, and named, so nothing anyone logged is
// lost. The fields it changed go back through updateAccount (rules, ARR history and
// audit as for any change), unless the account changed since: that one is left as it
// is, and named. The contacts and usage readings it added are removed, and the file
// may be imported again. One 'undo-import' audit entry names the counts.
import { and, eq, gt, inArray, isNull, ne, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accountChannels, accounts, auditLog, checkins, contacts, psaCompanies, renewalOutcomes, surveys, tickets, usageReadings, users } from '../../db/schema.js';
import { updateAccount, type AccountFields } from '../core/accounts.js';
import { recordAudit } from '../core/audit.js';
import { UserError } from '../core/errors.js';
import { formatDateTimeInZone } from '../core/time.js';
import { undoRefusal, type UndoActor } from '../core/undo.js';
import { forgetDecision } from './chat-import.js';
import type { ImportKind } from './columns.js';
import type { ImportJournal } from './import-accounts.js';

export interface ImportUndone {
  file: string;
  kind: ImportKind;
  /** New accounts removed. */
  removed: number;
  /** Changed accounts put back as they were. */
  restored: number;
  contactsRemoved: number;
  readingsRemoved: number;
  /** New accounts kept, each with why (what was recorded for it since). */
  kept: { name: string; why: string }[];
  /** Changed accounts left as they are now: the fields that changed since, or why they could not go back. */
  leftAsIs: { name: string; changedSince: string[]; problem?: string }[];
}

const INSTEAD = 'Change accounts one at a time with /account set "<name>" key=value, or archive one with /account archive "<name>" (admins).';

/** Why a new account must stay, by what was recorded for it since: the first that applies. */
const RECORDED: { why: string; table: typeof checkins | typeof tickets | typeof surveys | typeof renewalOutcomes | typeof accountChannels | typeof psaCompanies }[] = [
  { why: 'a check-in was logged since', table: checkins },
  { why: 'a ticket was opened since', table: tickets },
  { why: 'a survey was sent since', table: surveys },
  { why: 'a renewal outcome was recorded since', table: renewalOutcomes },
  { why: 'a channel was linked to it since', table: accountChannels },
  { why: 'a PSA company was mapped to it since', table: psaCompanies },
];

/** The new accounts that have something of their own since the import, with why. */
async function recordedSince(tx: Db, workspaceId: string, ids: string[], importId: string, at: Date): Promise<Map<string, string>> {
  const why = new Map<string, string>();
  const note = (rows: { id: string | null }[], reason: string) => {
    for (const r of rows) if (r.id && !why.has(r.id)) why.set(r.id, reason);
  };
  if (ids.length === 0) return why;
  for (const { why: reason, table } of RECORDED) {
    note(await tx.selectDistinct({ id: table.accountId }).from(table).where(and(eq(table.workspaceId, workspaceId), inArray(table.accountId, ids))), reason);
  }
  note(
    await tx
      .selectDistinct({ id: usageReadings.accountId })
      .from(usageReadings)
      .where(and(eq(usageReadings.workspaceId, workspaceId), inArray(usageReadings.accountId, ids), or(isNull(usageReadings.importId), ne(usageReadings.importId, importId)))),
    'usage was recorded since',
  );
  note(
    await tx
      .selectDistinct({ id: contacts.accountId })
      .from(contacts)
      .where(and(eq(contacts.workspaceId, workspaceId), inArray(contacts.accountId, ids), gt(contacts.createdAt, at))),
    'a contact was added since',
  );
  note(
    await tx
      .selectDistinct({ id: auditLog.entityId })
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.entityType, 'account'), inArray(auditLog.entityId, ids), gt(auditLog.at, at))),
    'it was changed since',
  );
  return why;
}

export async function undoImport(db: Db, workspaceId: string, importId: string, actor: UndoActor): Promise<ImportUndone> {
  return db.transaction(async (tx) => {
    // Locked: a second press waits for the first, then finds its undo-import entry.
    const [entry] = await tx
      .select({ at: auditLog.at, actorUserId: auditLog.actorUserId, after: auditLog.after })
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.entityType, 'import'), eq(auditLog.entityId, importId), eq(auditLog.action, 'import')))
      .for('update');
    if (!entry?.after) throw new UserError('That import is not in the audit log, so it cannot be undone from here.', { hint: INSTEAD });
    const done = entry.after as { file: string; fileId: string; digest: string; kind: ImportKind; journal: ImportJournal };
    const [undone] = await tx
      .select({ at: auditLog.at, name: users.displayName })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorUserId))
      .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.entityType, 'import'), eq(auditLog.entityId, importId), eq(auditLog.action, 'undo-import')));
    if (undone) {
      throw new UserError(`The import of ${done.file} was already undone${undone.name ? ` by @${undone.name}` : ''} on ${formatDateTimeInZone(undone.at, actor.timezone)}.`, {
        hint: 'To import it again, share the file again.',
      });
    }
    const [importer] = entry.actorUserId ? await tx.select({ name: users.displayName }).from(users).where(eq(users.id, entry.actorUserId)) : [];
    const refusal = undoRefusal({ what: `The import of ${done.file}`, madeBy: entry.actorUserId, madeByName: importer?.name ?? null, at: entry.at }, actor, INSTEAD);
    if (refusal) throw refusal;

    const journal = done.journal;
    const lockedAccounts = async (ids: string[]) =>
      ids.length === 0 ? [] : tx.select().from(accounts).where(and(eq(accounts.workspaceId, workspaceId), inArray(accounts.id, ids))).for('update');

    // The readings go first: a new account's own readings from this import do not keep it.
    const readings = await tx.delete(usageReadings).where(and(eq(usageReadings.workspaceId, workspaceId), eq(usageReadings.importId, importId))).returning({ id: usageReadings.id });

    const created = await lockedAccounts(journal.created);
    const recorded = await recordedSince(tx, workspaceId, created.map((a) => a.id), importId, entry.at);
    const kept = created.filter((a) => recorded.has(a.id)).map((a) => ({ id: a.id, name: a.name, why: recorded.get(a.id)! }));
    const removable = created.filter((a) => !recorded.has(a.id)).map((a) => a.id);
    if (removable.length > 0) await tx.delete(accounts).where(and(eq(accounts.workspaceId, workspaceId), inArray(accounts.id, removable)));

    // Contacts it added to accounts that were there before: those of removed accounts went
    // with them, and a new account that is kept keeps its contact with the rest of it.
    const createdIds = new Set(journal.created);
    const contactIds = journal.contacts.filter((c) => !createdIds.has(c.accountId)).map((c) => c.contactId);
    const contactsGone = contactIds.length === 0 ? [] : await tx.delete(contacts).where(and(eq(contacts.workspaceId, workspaceId), inArray(contacts.id, contactIds))).returning({ id: contacts.id });

    let restored = 0;
    const leftAsIs: ImportUndone['leftAsIs'] = [];
    const current = new Map((await lockedAccounts(journal.updated.map((u) => u.accountId))).map((a) => [a.id, a]));
    for (const change of journal.updated) {
      const account = current.get(change.accountId);
      if (!account) continue; // removed since: nothing to put back
      const now = account as unknown as Record<string, unknown>;
      const moved = Object.keys(change.after).filter((k) => JSON.stringify(now[k] ?? null) !== JSON.stringify(change.after[k] ?? null));
      if (moved.length > 0) {
        leftAsIs.push({ name: account.name, changedSince: moved });
        continue;
      }
      try {
        await updateAccount(tx, workspaceId, account.id, change.before as AccountFields, { userId: actor.userId, now: actor.now });
        restored++;
      } catch (err) {
        // The rules are checked before anything is written (a name taken since, seats): this one stays.
        if (!(err instanceof UserError)) throw err;
        leftAsIs.push({ name: account.name, changedSince: [], problem: err.message });
      }
    }

    const result: ImportUndone = {
      file: done.file,
      kind: done.kind,
      removed: removable.length,
      restored,
      contactsRemoved: contactsGone.length,
      readingsRemoved: readings.length,
      kept: kept.map(({ name, why }) => ({ name, why })),
      leftAsIs,
    };
    await forgetDecision(tx, workspaceId, { id: done.fileId, digest: done.digest });
    await recordAudit(tx, workspaceId, {
      actorUserId: actor.userId,
      at: actor.now,
      entityType: 'import',
      entityId: importId,
      action: 'undo-import',
      before: { file: done.file, removedAccountIds: removable },
      after: { ...result },
    });
    return result;
  });
}
