// /tenure token create|list|revoke through the registry, on every engine: admins
// only, a token shown once and stored as its SHA-256, revocation, the audit trail,
// and no token shown where a Teams channel would see it.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiTokens, auditLog } from '../../db/schema.js';
import { ensureUser } from '../../src/core/workspaces.js';
import { findApiToken, tokenDigest } from '../../src/data/api-tokens.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const tokenIn = (text: string) => /tenure_[A-Za-z0-9_-]{43}/.exec(text)?.[0];

describe.each(ENGINES)('/tenure token on $name', (engine) => {
  const t = registryOn(engine);

  it('creates a token shown once (privately), keeps only its hash, lists and revokes it, all audited', async () => {
    const ctx = await newContext(t.database.db, { user: 'ana' });
    const created = await t.registry.run(ctx, '/tenure token create billing export');
    expect(created.messages[0]!.visibility).toBe('ephemeral');
    const shown = plain(created);
    expect(shown).toContain('API token #1 (billing export) created');
    // The first admin-only command in a workspace without admins makes its caller admin.
    expect(shown).toContain('You are now an admin of Tenure in this workspace');
    const token = tokenIn(shown)!;
    expect(token).toBeDefined();

    const rows = await t.database.db.select().from(apiTokens).where(eq(apiTokens.workspaceId, ctx.workspace.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ number: 1, label: 'billing export', hash: tokenDigest(token), revokedAt: null });
    expect(JSON.stringify(rows)).not.toContain(token);
    const found = await findApiToken(t.database.db, token, ctx.now);
    expect(found?.workspace.id).toBe(ctx.workspace.id);

    const second = tokenIn(plain(await t.registry.run(ctx, '/tenure token create')))!;
    expect(second).not.toBe(token);
    const later = { ...ctx, now: new Date('2026-11-24T09:00:00Z') };
    await findApiToken(t.database.db, second, later.now);
    const listed = plain(await t.registry.run(later, '/tenure token list'));
    expect(listed).toContain('#1 billing export — created Mon 23 Nov 2026 10:00 by @ana; last used Mon 23 Nov 2026 10:00');
    expect(listed).toContain('#2 — created Mon 23 Nov 2026 10:00 by @ana; last used Tue 24 Nov 2026 09:00');
    expect(listed).not.toContain(token);

    expect(plain(await t.registry.run(later, '/tenure token revoke #1'))).toContain('API token #1 (billing export) is revoked');
    expect(await findApiToken(t.database.db, token, later.now)).toBeUndefined();
    expect(await findApiToken(t.database.db, second, later.now)).toBeDefined();
    expect(plain(await t.registry.run(later, '/tenure token revoke 1'))).toContain('was already revoked');
    expect(plain(await t.registry.run(later, '/tenure token list'))).toContain('#1 billing export — created Mon 23 Nov 2026 10:00 by @ana; revoked Tue 24 Nov 2026 09:00');

    const audit = await t.database.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, ctx.workspace.id), eq(auditLog.entityType, 'api-token')));
    expect(audit.map((a) => a.action).sort()).toEqual(['create', 'create', 'revoke']);
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('refuses members, bad ids, unknown tokens, and a new token in a Teams channel', async () => {
    const ctx = await newContext(t.database.db, { user: 'ana' });
    await t.registry.run(ctx, '/tenure token create first');
    const ben = { ...ctx, user: await ensureUser(t.database.db, ctx.workspace.id, { platformUserId: 'ben', displayName: 'ben' }) };
    for (const input of ['/tenure token create mine', '/tenure token list', '/tenure token revoke 1']) {
      const refused = plain(await t.registry.run(ben, input));
      expect(refused).toContain('Only workspace admins can manage API tokens');
    }
    expect(await t.database.db.select().from(apiTokens).where(eq(apiTokens.workspaceId, ctx.workspace.id))).toHaveLength(1);

    const missing = plain(await t.registry.run(ctx, '/tenure token revoke 9'));
    expect(missing).toContain('There is no API token #9 in this workspace');
    expect(missing).toContain('Usage: /tenure token revoke <id>');
    expect(plain(await t.registry.run(ctx, '/tenure token revoke billing'))).toContain('"billing" is not a token id');
    expect(plain(await t.registry.run(ctx, '/tenure token rotate'))).toContain('is not a token command');
    expect(plain(await t.registry.run(ctx, `/tenure token create ${'x'.repeat(81)}`))).toContain('The label is too long');

    const teams = await newContext(t.database.db, { platform: 'teams', channel: '19:ops@thread.tacv2' });
    const inChannel = plain(await t.registry.run(teams, '/tenure token create'));
    expect(inChannel).toContain('everyone in this conversation would see it');
    expect(tokenIn(inChannel)).toBeUndefined();
    const personal = { ...teams, channel: { id: 'a:personal-ana' } };
    expect(tokenIn(plain(await t.registry.run(personal, 'tenure token create')))).toBeDefined();
  });
});
