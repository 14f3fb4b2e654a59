// Workspace-scoped API tokens over HTTP, on every database engine: a token from
// /tenure token create writes to its own workspace only (naming another, by
// header, query or body, is 403), the operator's TENURE_API_TOKEN still writes
// anywhere, revoked tokens and deactivated workspaces are refused, and each
// token has its own request budget.
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { contextFor } from '../../commands/context.js';
import { accounts, apiTokens, workspaces } from '../../db/schema.js';
import { ensureUser, ensureWorkspace, type Workspace } from '../../src/core/workspaces.js';
import { createApiToken } from '../../src/data/api-tokens.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { scratchDirectory, tenureForSuite } from '../helpers/suite-tenure.js';

const OPERATOR = 'operator-token-0123456789abcdef';
const now = new Date('2026-11-23T10:00:00Z');

describe.each(ENGINES)('workspace API tokens on $name', (engine) => {
  const dir = scratchDirectory('tenure-api-tokens-');
  const app = tenureForSuite(engine, () => ({ TENURE_DATA_DIR: dir.path, TENURE_API_TOKEN: OPERATOR }), { clock: () => now, apiRateLimit: { requests: 12, windowMs: 60_000 } }, [dir]);
  let local: Workspace;
  let other: Workspace;
  let localToken = '';
  let otherToken = '';

  beforeAll(async () => {
    const db = app.tenure.database.db;
    // The console's admin makes a token in chat, as a person would.
    const ctx = await contextFor(db, { platform: 'console', workspaceExternalId: 'local', workspaceName: 'Demo workspace', defaultTimezone: 'UTC', userId: 'ana', userName: 'ana', channelId: 'general' }, now);
    local = ctx.workspace;
    const created = (await app.tenure.registry.run(ctx, '/tenure token create billing')).messages.map(renderPlain).join('\n');
    localToken = /tenure_[A-Za-z0-9_-]{43}/.exec(created)![0];
    other = await ensureWorkspace(db, { platform: 'slack', externalId: 'T-OTHER', name: 'Other team', timezone: 'UTC' });
    const admin = await ensureUser(db, other.id, { platformUserId: 'U1', displayName: 'li', role: 'admin' });
    otherToken = (await createApiToken(db, other.id, 'psa', { userId: admin.id, now })).token;
  });

  const post = (kind: string, body: unknown, token: string, headers: Record<string, string> = {}, query = '') =>
    fetch(new URL(`/api/v1/${kind}${query}`, app.tenure.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify(body),
    });
  const names = async (ws: Workspace) => (await app.tenure.database.db.select({ name: accounts.name }).from(accounts).where(eq(accounts.workspaceId, ws.id))).map((a) => a.name);

  it('writes with a scoped token into its own workspace, named or not, and never into another', async () => {
    const plainWrite = await post('accounts', { rows: [{ name: 'Scoped One', arr: 1000 }] }, localToken);
    expect(plainWrite.status).toBe(200);
    const byExternal = await post('accounts', { rows: [{ name: 'Scoped Two' }] }, localToken, { 'x-tenure-workspace': 'local' });
    expect(byExternal.status).toBe(200);
    const byBody = await post('accounts', { workspace: local.id, rows: [{ name: 'Scoped Three' }] }, localToken);
    expect(byBody.status).toBe(200);
    expect(await names(local)).toEqual(expect.arrayContaining(['Scoped One', 'Scoped Two', 'Scoped Three']));

    const attempts = [
      post('accounts', { rows: [{ name: 'Intruder' }] }, localToken, { 'x-tenure-workspace': other.id }),
      post('accounts', { rows: [{ name: 'Intruder' }] }, localToken, {}, '?workspace=T-OTHER'),
      post('accounts', { workspace: other.id, rows: [{ name: 'Intruder' }] }, localToken),
      // Its own workspace in the header does not excuse another in the body.
      post('accounts', { workspace: 'T-OTHER', rows: [{ name: 'Intruder' }] }, localToken, { 'x-tenure-workspace': 'local' }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(((await res.json()) as { error: string }).error).toMatch(/^this token \(#1\) writes to workspace Demo workspace only, not to "(T-OTHER|[0-9a-f-]{36})"$/);
    }
    expect(await names(other)).toEqual([]);

    const theirs = await post('accounts', { rows: [{ name: 'Their Account' }] }, otherToken);
    expect(theirs.status).toBe(200);
    expect(await names(other)).toEqual(['Their Account']);
    expect(await names(local)).not.toContain('Their Account');
    const [row] = await app.tenure.database.db.select().from(apiTokens).where(eq(apiTokens.workspaceId, local.id));
    expect(row!.lastUsedAt).toEqual(now);
  });

  it('keeps the operator token working for any workspace it names, and replays Idempotency-Keys per token workspace', async () => {
    const unnamed = await post('accounts', { rows: [{ name: 'Operator Co' }] }, OPERATOR);
    expect(unnamed.status).toBe(400);
    expect(((await unnamed.json()) as { error: string }).error).toContain('There are 2 workspaces');
    expect((await post('accounts', { rows: [{ name: 'Operator Co' }] }, OPERATOR, { 'x-tenure-workspace': 'T-OTHER' })).status).toBe(200);
    expect(await names(other)).toContain('Operator Co');
    const twice = await post('accounts', { workspace: local.id, rows: [{ name: 'Operator Co' }] }, OPERATOR, { 'x-tenure-workspace': 'T-OTHER' });
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { error: string }).error).toContain('named more than once, differently');

    const batch = { rows: [{ account: 'Scoped One', recordedAt: '2026-11-20', activeUsers: 4 }] };
    const first = await post('usage', batch, localToken, { 'idempotency-key': 'sync-1' });
    expect(first.status).toBe(200);
    const again = await post('usage', batch, localToken, { 'idempotency-key': 'sync-1' });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
  });

  it('refuses a revoked token (401) and a token of a deactivated workspace (403)', async () => {
    const ctx = await contextFor(app.tenure.database.db, { platform: 'console', workspaceExternalId: 'local', workspaceName: 'Demo workspace', defaultTimezone: 'UTC', userId: 'ana', userName: 'ana', channelId: 'general' }, now);
    const made = (await app.tenure.registry.run(ctx, '/tenure token create short-lived')).messages.map(renderPlain).join('\n');
    const token = /tenure_[A-Za-z0-9_-]{43}/.exec(made)![0];
    expect((await post('accounts', { rows: [{ name: 'Before Revoke' }] }, token)).status).toBe(200);
    await app.tenure.registry.run(ctx, '/tenure token revoke 2');
    const revoked = await post('accounts', { rows: [{ name: 'After Revoke' }] }, token);
    expect(revoked.status).toBe(401);
    expect(await names(local)).not.toContain('After Revoke');

    await app.tenure.database.db.update(workspaces).set({ active: false }).where(eq(workspaces.id, other.id));
    const gone = await post('accounts', { rows: [{ name: 'Ghost' }] }, otherToken);
    expect(gone.status).toBe(403);
    expect(((await gone.json()) as { error: string }).error).toContain('deactivated');
    await app.tenure.database.db.update(workspaces).set({ active: true }).where(eq(workspaces.id, other.id));
    expect(await names(other)).not.toContain('Ghost');
  });

  it('gives every token its own request budget', async () => {
    const ctx = await contextFor(app.tenure.database.db, { platform: 'console', workspaceExternalId: 'local', workspaceName: 'Demo workspace', defaultTimezone: 'UTC', userId: 'ana', userName: 'ana', channelId: 'general' }, now);
    const made = (await app.tenure.registry.run(ctx, '/tenure token create burst')).messages.map(renderPlain).join('\n');
    const burst = /tenure_[A-Za-z0-9_-]{43}/.exec(made)![0];
    let status = 0;
    for (let i = 0; i < 13 && status !== 429; i++) status = (await post('usage', { rows: [] }, burst)).status;
    expect(status).toBe(429);
    // Another workspace's token is not slowed down by it.
    expect((await post('accounts', { rows: [{ name: 'Still Fine' }] }, otherToken)).status).toBe(200);
    const [tokenRow] = await app.tenure.database.db.select().from(apiTokens).where(and(eq(apiTokens.workspaceId, local.id), eq(apiTokens.label, 'burst')));
    expect(tokenRow!.revokedAt).toBeNull();
  });

  it("keeps each token's Idempotency-Keys its own: two tools of one workspace may both use a key", async () => {
    const admin = await ensureUser(app.tenure.database.db, other.id, { platformUserId: 'U1', displayName: 'li', role: 'admin' });
    const secondTool = (await createApiToken(app.tenure.database.db, other.id, 'crm', { userId: admin.id, now })).token;
    const fromPsa = await post('accounts', { rows: [{ name: 'Keyed By PSA' }] }, otherToken, { 'idempotency-key': 'nightly-1' });
    expect(fromPsa.status).toBe(200);
    // The same key from the other tool is a new request: written, not refused as a different body.
    const fromCrm = await post('accounts', { rows: [{ name: 'Keyed By CRM' }] }, secondTool, { 'idempotency-key': 'nightly-1' });
    expect(fromCrm.status).toBe(200);
    expect(fromCrm.headers.get('idempotent-replayed')).toBeNull();
    // The same body and key from the other tool is not handed the first tool's answer either.
    expect((await post('accounts', { rows: [{ name: 'Keyed By PSA' }] }, secondTool, { 'idempotency-key': 'nightly-2' })).status).toBe(200);
    const sameBody = await post('accounts', { rows: [{ name: 'Keyed By PSA' }] }, otherToken, { 'idempotency-key': 'nightly-2' });
    expect(sameBody.status).toBe(200);
    expect(sameBody.headers.get('idempotent-replayed')).toBeNull();
    const operator = await post('accounts', { rows: [{ name: 'Keyed By Operator' }] }, OPERATOR, { 'idempotency-key': 'nightly-1', 'x-tenure-workspace': 'T-OTHER' });
    expect(operator.status).toBe(200);
    expect(operator.headers.get('idempotent-replayed')).toBeNull();
    expect(await names(other)).toEqual(expect.arrayContaining(['Keyed By PSA', 'Keyed By CRM', 'Keyed By Operator']));
    // Each still replays its own first answer.
    const again = await post('accounts', { rows: [{ name: 'Keyed By CRM' }] }, secondTool, { 'idempotency-key': 'nightly-1' });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual({ rows: 1, created: 1, updated: 0, unchanged: 0 });
    expect((await post('accounts', { rows: [{ name: 'Keyed By CRM' }] }, otherToken, { 'idempotency-key': 'nightly-1' })).status).toBe(422);
  });

  it("refuses the operator's writes to a deactivated workspace with 409, saying why", async () => {
    await app.tenure.database.db.update(workspaces).set({ active: false }).where(eq(workspaces.id, other.id));
    try {
      const res = await post('accounts', { rows: [{ name: 'Operator Ghost' }] }, OPERATOR, { 'x-tenure-workspace': 'T-OTHER' });
      expect(res.status).toBe(409);
      expect(await res.json()).toEqual({ error: 'workspace Other team (T-OTHER) is deactivated: Tenure was uninstalled there. Reinstall it before writing to it.' });
      expect((await post('usage', { workspace: other.id, rows: [{ account: 'Their Account', recordedAt: '2026-11-20', activeUsers: 1 }] }, OPERATOR)).status).toBe(409);
      expect(await names(other)).not.toContain('Operator Ghost');
    } finally {
      await app.tenure.database.db.update(workspaces).set({ active: true }).where(eq(workspaces.id, other.id));
    }
    expect((await post('accounts', { rows: [{ name: 'Operator Back' }] }, OPERATOR, { 'x-tenure-workspace': 'T-OTHER' })).status).toBe(200);
  });
});
