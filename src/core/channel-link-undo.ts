// Taking back an /account link: the channel goes back to what it was before — linked to
// no account, or to the account and kind it had — from the link's own audit entry. For
// the person who linked it, for a day, while the link is still as they made it.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accountChannels, auditLog, users } from '../../db/schema.js';
import { recordAudit } from './audit.js';
import type { ChannelKind } from './channel-kinds.js';
import { UserError } from './errors.js';
import { undoRefusal, type UndoActor } from './undo.js';

type LinkState = { channelId: string; accountId: string; kind: ChannelKind } | null;

export async function undoChannelLink(db: Db, workspaceId: string, target: { accountId: string; channelId: string; at: Date }, actor: UndoActor): Promise<{ previous: LinkState }> {
  return db.transaction(async (tx) => {
    const entries = await tx
      .select({ before: auditLog.before, after: auditLog.after, actorUserId: auditLog.actorUserId, actorName: users.displayName })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorUserId))
      .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.entityType, 'account'), eq(auditLog.entityId, target.accountId), eq(auditLog.action, 'link-channel'), eq(auditLog.at, target.at)));
    const entry = entries.find((e) => (e.after as LinkState)?.channelId === target.channelId);
    if (!entry) throw new UserError('That link is not in the audit log, so it cannot be undone here.', { hint: 'Link the channel as it should be with /account link <account> [customer|internal].' });
    const refusal = undoRefusal({ what: 'That channel link', madeBy: entry.actorUserId, madeByName: entry.actorName, at: target.at }, actor, 'Link the channel again with /account link <account> [customer|internal].');
    if (refusal) throw refusal;
    const made = entry.after as Exclude<LinkState, null>;
    const [current] = await tx.select().from(accountChannels).where(and(eq(accountChannels.workspaceId, workspaceId), eq(accountChannels.channelId, target.channelId))).for('update');
    if (!current || current.accountId !== made.accountId || current.kind !== made.kind) {
      throw new UserError('This channel’s link has changed since, so undoing that one would overwrite the newer one.', { hint: 'Link it as it should be with /account link <account> [customer|internal].' });
    }
    const previous = entry.before as LinkState;
    const where = and(eq(accountChannels.workspaceId, workspaceId), eq(accountChannels.channelId, target.channelId));
    if (previous) await tx.update(accountChannels).set({ accountId: previous.accountId, kind: previous.kind }).where(where);
    else await tx.delete(accountChannels).where(where);
    await recordAudit(tx, workspaceId, { actorUserId: actor.userId, at: actor.now, entityType: 'account', entityId: target.accountId, action: 'undo-link-channel', before: made, after: previous });
    return { previous };
  });
}
