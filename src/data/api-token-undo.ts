// Taking back /tenure token create (the token is revoked: it no longer works) and
// /tenure token revoke (it works again), for the admin who made the change, for a day
// (core/undo.ts), while the token is still as they left it. Tokens have no expiry of
// their own, so a revoked one can be brought back as it was. Audited 'undo-create' /
// 'undo-revoke' with the token's number and label: never its secret, which Tenure
// does not keep (only its SHA-256), nor that digest.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiTokens } from '../../db/schema.js';
import { auditedChange } from '../core/audited-change.js';
import { recordAudit } from '../core/audit.js';
import { UserError } from '../core/errors.js';
import { isUuid } from '../core/ids.js';
import { formatDateTimeInZone } from '../core/time.js';
import { undoRefusal, type UndoActor } from '../core/undo.js';
import { tokenName, type ApiToken } from './api-tokens.js';

async function lockedToken(tx: Db, workspaceId: string, tokenId: string): Promise<ApiToken> {
  const [row] = isUuid(tokenId)
    ? await tx
        .select()
        .from(apiTokens)
        .where(and(eq(apiTokens.workspaceId, workspaceId), eq(apiTokens.id, tokenId)))
        .for('update')
    : [];
  if (!row) throw new UserError('That API token is no longer in this workspace, so there is nothing to undo.', { hint: 'See the tokens with /tenure token list.' });
  return row;
}

const tokenChange = (tx: Db, workspaceId: string, tokenId: string, action: 'create' | 'revoke', at?: Date) =>
  auditedChange(tx, workspaceId, { entityType: 'api-token', entityId: tokenId, actions: [action], ...(at ? { at } : {}) });

async function setRevoked(tx: Db, workspaceId: string, token: ApiToken, revokedAt: Date | null, actor: UndoActor, action: string): Promise<ApiToken> {
  const [after] = await tx.update(apiTokens).set({ revokedAt }).where(eq(apiTokens.id, token.id)).returning();
  await recordAudit(tx, workspaceId, {
    actorUserId: actor.userId,
    at: actor.now,
    entityType: 'api-token',
    entityId: token.id,
    action,
    before: { number: token.number, label: token.label, revokedAt: token.revokedAt?.toISOString() ?? null },
    after: { number: token.number, label: token.label, revokedAt: revokedAt?.toISOString() ?? null },
  });
  return after!;
}

/** Takes back creating a token: it is revoked, for who created it, for a day, unless revoked since. */
export async function undoTokenCreate(db: Db, workspaceId: string, tokenId: string, actor: UndoActor): Promise<ApiToken> {
  return db.transaction(async (tx) => {
    const token = await lockedToken(tx, workspaceId, tokenId);
    const created = await tokenChange(tx, workspaceId, token.id, 'create');
    const refusal = undoRefusal(
      { what: `Creating ${tokenName(token)}`, madeBy: created?.actorUserId ?? null, madeByName: created?.actorName ?? null, at: created?.at ?? token.createdAt },
      actor,
      `Revoke it with /tenure token revoke ${token.number}.`,
    );
    if (refusal) throw refusal;
    if (token.revokedAt) {
      throw new UserError(`${tokenName(token)} was already revoked on ${formatDateTimeInZone(token.revokedAt, actor.timezone)}: it no longer works, so there is nothing to undo.`, { hint: 'See the tokens with /tenure token list.' });
    }
    return setRevoked(tx, workspaceId, token, actor.now, actor, 'undo-create');
  });
}

/** Takes back revoking a token at `at`: it works again, for who revoked it, for a day, while it is still revoked by that. */
export async function undoTokenRevoke(db: Db, workspaceId: string, target: { tokenId: string; at: Date }, actor: UndoActor): Promise<ApiToken> {
  return db.transaction(async (tx) => {
    const token = await lockedToken(tx, workspaceId, target.tokenId);
    const revoked = await tokenChange(tx, workspaceId, token.id, 'revoke', target.at);
    if (!revoked) throw new UserError(`That revocation of ${tokenName(token)} is not in the audit log, so it cannot be undone.`, { hint: 'See the tokens with /tenure token list.' });
    const refusal = undoRefusal({ what: `Revoking ${tokenName(token)}`, madeBy: revoked.actorUserId, madeByName: revoked.actorName, at: target.at }, actor, 'Create a new one with /tenure token create <label>.');
    if (refusal) throw refusal;
    if (!token.revokedAt) throw new UserError(`${tokenName(token)} works again already: that revocation was undone.`, { hint: `Revoke it with /tenure token revoke ${token.number}.` });
    if (token.revokedAt.getTime() !== target.at.getTime()) {
      throw new UserError(`${tokenName(token)} was revoked again since (${formatDateTimeInZone(token.revokedAt, actor.timezone)}), so that revocation can no longer be undone.`, { hint: 'Create a new one with /tenure token create <label>.' });
    }
    return setRevoked(tx, workspaceId, token, null, actor, 'undo-revoke');
  });
}
