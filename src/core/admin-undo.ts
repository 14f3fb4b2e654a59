// Taking back /tenure admin add or /tenure admin remove: the person's role goes back
// to what it was, from the change's audit entry, for the admin who made the change,
// for a day (core/undo.ts), and only while that change is still the person's latest —
// a later grant or removal is not overwritten. The role changes through grantAdmin /
// revokeAdmin, so the last admin still cannot be removed (an added admin who is now
// the only one stays), and it is audited as 'undo-role.grant' / 'undo-role.revoke'.
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog, users } from '../../db/schema.js';
import { auditedChange } from './audited-change.js';
import { UserError } from './errors.js';
import { grantAdmin, lockWorkspace, revokeAdmin } from './roles.js';
import { formatDateTimeInZone } from './time.js';
import { undoRefusal, type UndoActor } from './undo.js';
import type { User } from './workspaces.js';

/** Every audited change of a role, and what it made of the person. */
const MADE: Record<string, string> = {
  'role.grant': 'made an admin',
  'role.claim': 'made an admin',
  'undo-role.revoke': 'made an admin',
  'role.revoke': 'removed as admin',
  'undo-role.grant': 'removed as admin',
};
const ROLE_CHANGES = Object.keys(MADE);

export interface UndoneRoleChange {
  person: User;
  /** What was undone: the person's being made admin ('grant') or removed ('revoke'). */
  undid: 'grant' | 'revoke';
}

export async function undoAdminChange(db: Db, workspaceId: string, target: { userId: string; at: Date }, actor: UndoActor): Promise<UndoneRoleChange> {
  return db.transaction(async (tx) => {
    await lockWorkspace(tx, workspaceId);
    const [person] = await tx
      .select()
      .from(users)
      .where(and(eq(users.workspaceId, workspaceId), eq(users.id, target.userId)));
    const entry = person ? await auditedChange(tx, workspaceId, { entityType: 'user', entityId: person.id, actions: ['role.grant', 'role.revoke'], at: target.at }) : undefined;
    if (!person || !entry) throw new UserError('That change of admins is not in the audit log, so there is nothing to undo.', { hint: 'See who is admin with /tenure admin list.' });
    const undid = entry.action === 'role.grant' ? 'grant' : 'revoke';
    const name = `@${person.displayName}`;
    const instead = undid === 'grant' ? `Remove them with /tenure admin remove ${name}.` : `Add them again with /tenure admin add ${name}.`;
    const refusal = undoRefusal({ what: undid === 'grant' ? `Adding ${name} as admin` : `Removing ${name} as admin`, madeBy: entry.actorUserId, madeByName: entry.actorName, at: target.at }, actor, instead);
    if (refusal) throw refusal;
    const [since] = await tx
      .select({ action: auditLog.action, at: auditLog.at, actorName: users.displayName })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorUserId))
      .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.entityType, 'user'), eq(auditLog.entityId, person.id), inArray(auditLog.action, ROLE_CHANGES), gt(auditLog.at, target.at)))
      .orderBy(asc(auditLog.at))
      .limit(1);
    if (since?.action === `undo-${entry.action}`) throw new UserError(`That change was already undone: ${name} is ${person.role === 'admin' ? 'an admin' : 'a member'}.`, { hint: instead });
    if (since || person.role !== (undid === 'grant' ? 'admin' : 'member')) {
      const made = since ? ` (${MADE[since.action] ?? 'changed'}${since.actorName ? ` by @${since.actorName}` : ''} on ${formatDateTimeInZone(since.at, actor.timezone)})` : '';
      throw new UserError(`${name}’s role has changed since${made}, so undoing that change would overwrite the newer one.`, { hint: instead });
    }
    const roleActor = { userId: actor.userId, now: actor.now };
    if (undid === 'grant') await revokeAdmin(tx, workspaceId, person, roleActor, 'undo-role.grant');
    else await grantAdmin(tx, workspaceId, person, roleActor, 'undo-role.revoke');
    return { person, undid };
  });
}
