// Workspace roles: admins change how Tenure works for everyone (health weights,
// business hours, holidays, the alert channel, digest schedules, survey settings,
// deletions); members log check-ins, tickets, usage and survey answers. The Slack
// installer becomes admin on install, and admins grant others. Every grant and
// revoke, including the first admin's claim, lands in the audit log.
//
// A workspace with no admin yet (Slack single-workspace mode with SLACK_BOT_TOKEN
// has no installer Tenure saw; a Teams tenant; a fresh console workspace): the
// first person who runs an admin command becomes its admin, under a row lock so
// two at once cannot both claim it. Why this rule rather than "everyone is admin
// until someone is granted": that one leaves settings open to every member for as
// long as nobody thinks of granting anyone, while this one closes them the moment
// anyone first uses them, with a named, audited owner who can grant the rest.
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { users, workspaces } from '../../db/schema.js';
import { recordAudit } from './audit.js';
import { mention } from '../messages/builders.js';
import { UserError } from './errors.js';
import type { User } from './workspaces.js';

export interface RoleActor {
  /** The person acting; null for an installation or a script. */
  userId: string | null;
  /** Who acted when it is not a person, e.g. "slack install". */
  label?: string;
  now: Date;
}

/** What an admin check found: `claimed` when the caller just became the workspace's first admin. */
export interface AdminCheck {
  claimed: boolean;
}

/** How many admins an admin refusal names before "and N more". */
const NAMED_ADMINS = 5;

/** The workspace's admins, by name. */
export async function workspaceAdmins(db: Db, workspaceId: string): Promise<User[]> {
  return db
    .select()
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), eq(users.role, 'admin')))
    .orderBy(asc(users.displayName), asc(users.createdAt));
}

/** Role changes take the workspace row's lock, so "is there an admin left?" cannot race. */
export async function lockWorkspace(tx: Db, workspaceId: string): Promise<void> {
  const [row] = await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, workspaceId)).for('update');
  if (!row) throw new Error(`workspace ${workspaceId} not found`);
}

/** The user as stored now, read under the workspace's lock (the caller's copy may be stale). */
async function lockedUser(tx: Db, workspaceId: string, userId: string): Promise<User> {
  await lockWorkspace(tx, workspaceId);
  const [current] = await tx
    .select()
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), eq(users.id, userId)));
  if (!current) throw new Error(`user ${userId} is not in workspace ${workspaceId}`);
  return current;
}

async function setRole(tx: Db, workspaceId: string, target: User, role: User['role'], actor: RoleActor, action: string): Promise<void> {
  await tx
    .update(users)
    .set({ role })
    .where(and(eq(users.workspaceId, workspaceId), eq(users.id, target.id)));
  await recordAudit(tx, workspaceId, {
    actorUserId: actor.userId,
    ...(actor.label ? { actorLabel: actor.label } : {}),
    at: actor.now,
    entityType: 'user',
    entityId: target.id,
    action,
    before: { role: target.role, name: target.displayName },
    after: { role, name: target.displayName },
  });
}

/** "@ana, @li and 3 more". */
export function adminNames(admins: Pick<User, 'platformUserId' | 'displayName'>[]): string {
  const shown = admins.slice(0, NAMED_ADMINS).map((a) => mention(a.platformUserId, a.displayName));
  const rest = admins.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

/**
 * Lets an admin through; claims the workspace for the caller when it has no admin
 * at all; otherwise throws a UserError naming the admins and how to get the right.
 * `what` completes "Only workspace admins can …", e.g. "change business hours".
 * The role is read fresh from the database, not from the caller's context.
 */
export async function requireWorkspaceAdmin(db: Db, workspaceId: string, actor: { userId: string; now: Date }, what: string): Promise<AdminCheck> {
  return db.transaction(async (tx) => {
    const [me] = await tx
      .select()
      .from(users)
      .where(and(eq(users.workspaceId, workspaceId), eq(users.id, actor.userId)));
    if (!me) throw new Error(`user ${actor.userId} is not in workspace ${workspaceId}`);
    if (me.role === 'admin') return { claimed: false };
    await lockWorkspace(tx, workspaceId);
    const admins = await workspaceAdmins(tx, workspaceId);
    if (admins.length === 0) {
      await setRole(tx, workspaceId, me, 'admin', { userId: me.id, now: actor.now }, 'role.claim');
      return { claimed: true };
    }
    throw new UserError(
      `Only workspace admins can ${what}. Admins here: ${adminNames(admins)}. Ask one of them, or ask them to run /tenure admin add @${me.displayName}.`,
      // A refusal is not a typing mistake: no usage line or example under it.
      { usage: '', example: '' },
    );
  });
}

/**
 * Makes `target` an admin. Returns false when they already were (nothing recorded).
 * `audited` names the change in the audit log: an Undo of a removal says so.
 */
export async function grantAdmin(db: Db, workspaceId: string, target: User, actor: RoleActor, audited = 'role.grant'): Promise<boolean> {
  return db.transaction(async (tx) => {
    const current = await lockedUser(tx, workspaceId, target.id);
    if (current.role === 'admin') return false;
    await setRole(tx, workspaceId, current, 'admin', actor, audited);
    return true;
  });
}

/**
 * Makes `target` a member again. Returns false when they were not an admin. The
 * last admin cannot be removed: the workspace would be open to the next claimer.
 * `audited` as for grantAdmin.
 */
export async function revokeAdmin(db: Db, workspaceId: string, target: User, actor: RoleActor, audited = 'role.revoke'): Promise<boolean> {
  return db.transaction(async (tx) => {
    const current = await lockedUser(tx, workspaceId, target.id);
    if (current.role !== 'admin') return false;
    const admins = await workspaceAdmins(tx, workspaceId);
    if (admins.length <= 1) {
      throw new UserError(`@${current.displayName} is the last admin here, so they stay admin.`, {
        hint: 'Make someone else admin first with /tenure admin add @name, then remove this one.',
      });
    }
    await setRole(tx, workspaceId, current, 'member', actor, audited);
    return true;
  });
}
