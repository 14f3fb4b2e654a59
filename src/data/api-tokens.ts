// Ingest API tokens scoped to one workspace, which admins create and revoke in chat
// (TENURE_API_TOKEN stays the operator's token for every workspace). A token is
// shown once, when it is made; only its SHA-256 is stored, and a request's bearer
// token is looked up by that digest. Creating and revoking land in the audit log.
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiTokens, users, workspaces } from '../../db/schema.js';
import type { Actor } from '../core/accounts.js';
import { recordAudit } from '../core/audit.js';
import { UserError } from '../core/errors.js';
import { nextNumber, type Workspace } from '../core/workspaces.js';

export type ApiToken = typeof apiTokens.$inferSelect;
export interface ListedToken extends ApiToken {
  createdByName: string | null;
}

/** Recognisable in logs and secret scanners; the rest is 256 random bits. */
export const TOKEN_PREFIX = 'tenure_';
export const MAX_LABEL = 80;
/** last_used_at is a hint for admins, not a log: written at most once a minute per token. */
const TOUCH_EVERY_MS = 60_000;

/** "API token #3 (billing export)", as every answer about a token names it. */
export const tokenName = (t: Pick<ApiToken, 'number' | 'label'>): string => `API token #${t.number}${t.label ? ` (${t.label})` : ''}`;

export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createApiToken(db: Db, workspaceId: string, label: string, actor: Actor & { userId: string }): Promise<{ token: string; row: ApiToken }> {
  const clean = label.trim();
  if (clean.length > MAX_LABEL) throw new UserError(`The label is too long (at most ${MAX_LABEL} characters).`);
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return db.transaction(async (tx) => {
    const number = await nextNumber(tx, workspaceId, 'api-token');
    const [row] = await tx
      .insert(apiTokens)
      .values({ workspaceId, number, label: clean, hash: tokenDigest(token), createdBy: actor.userId, createdAt: actor.now })
      .returning();
    await recordAudit(tx, workspaceId, {
      actorUserId: actor.userId,
      at: actor.now,
      entityType: 'api-token',
      entityId: row!.id,
      action: 'create',
      after: { number, label: clean },
    });
    return { token, row: row! };
  });
}

/** Every token of the workspace, revoked ones too, oldest first. */
export async function listApiTokens(db: Db, workspaceId: string): Promise<ListedToken[]> {
  const rows = await db
    .select({ token: apiTokens, createdByName: users.displayName })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdBy))
    .where(eq(apiTokens.workspaceId, workspaceId))
    .orderBy(asc(apiTokens.number));
  return rows.map((r) => ({ ...r.token, createdByName: r.createdByName }));
}

/** Revokes token #number; `revoked` is false when it already was (nothing recorded). */
export async function revokeApiToken(db: Db, workspaceId: string, number: number, actor: Actor): Promise<{ token: ApiToken; revoked: boolean }> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.workspaceId, workspaceId), eq(apiTokens.number, number)))
      .for('update');
    if (!row) throw new UserError(`There is no API token #${number} in this workspace.`, { hint: 'See them with /tenure token list.' });
    if (row.revokedAt) return { token: row, revoked: false };
    const [after] = await tx.update(apiTokens).set({ revokedAt: actor.now }).where(eq(apiTokens.id, row.id)).returning();
    await recordAudit(tx, workspaceId, {
      actorUserId: actor.userId,
      at: actor.now,
      entityType: 'api-token',
      entityId: row.id,
      action: 'revoke',
      before: { number, label: row.label, revokedAt: null },
      after: { number, label: row.label, revokedAt: actor.now.toISOString() },
    });
    return { token: after!, revoked: true };
  });
}

/**
 * The live token a bearer value is, with its workspace; undefined for an unknown or
 * revoked token. A token of a deactivated workspace (Slack app uninstalled) is
 * returned with `active: false` on its workspace, for the API to refuse clearly.
 */
export async function findApiToken(db: Db, bearer: string, now: Date): Promise<{ token: ApiToken; workspace: Workspace } | undefined> {
  if (!bearer.startsWith(TOKEN_PREFIX)) return undefined;
  const [hit] = await db
    .select({ token: apiTokens, workspace: workspaces })
    .from(apiTokens)
    .innerJoin(workspaces, eq(workspaces.id, apiTokens.workspaceId))
    .where(and(eq(apiTokens.hash, tokenDigest(bearer)), isNull(apiTokens.revokedAt)));
  if (!hit) return undefined;
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(apiTokens.id, hit.token.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(now.getTime() - TOUCH_EVERY_MS)))));
  return hit;
}
