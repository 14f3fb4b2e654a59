// Undo on /tenure admin add|remove and /tenure token create|revoke (issue 24, item 6),
// on every engine: the button on the confirmation, for the admin who made the change,
// for a day, once, refused when the thing changed since, audited; a token's secret is
// in no undo answer or audit entry.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { auditLog, users } from '../../db/schema.js';
import { undoAdminChange } from '../../src/core/admin-undo.js';
import { ensureUser } from '../../src/core/workspaces.js';
import { findApiToken, tokenDigest } from '../../src/data/api-tokens.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { replyText, undoButton } from '../helpers/reply-parts.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const HOUR = 60 * 60_000;
const plain = replyText;
const tokenIn = (text: string) => /tenure_[A-Za-z0-9_-]{43}/.exec(text)?.[0];

describe.each(ENGINES)('undo of admin and token changes on $name', (engine) => {
  const t = registryOn(engine);

  /** ana, the workspace's first admin (claimed by adding li, also admin), and bo, a member. */
  async function workspace(): Promise<{ ana: CommandContext; li: CommandContext; bo: CommandContext }> {
    const ana = await newContext(t.database.db, { now: NOW });
    const person = async (name: string) => ({ ...ana, user: await ensureUser(t.database.db, ana.workspace.id, { platformUserId: name, displayName: name }) });
    const li = await person('li');
    await t.registry.run(ana, '/tenure admin add @li');
    return { ana, li, bo: await person('bo') };
  }
  const later = (ctx: CommandContext, hours: number): CommandContext => ({ ...ctx, now: new Date(NOW.getTime() + hours * HOUR) });
  const roleOf = async (ctx: CommandContext, name: string) =>
    (await t.database.db.select().from(users).where(and(eq(users.workspaceId, ctx.workspace.id), eq(users.displayName, name))))[0]!.role;
  const audit = (ctx: CommandContext, entityType: string, action: string) =>
    t.database.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, ctx.workspace.id), eq(auditLog.entityType, entityType), eq(auditLog.action, action)));

  it('takes back adding an admin: for the admin who added them, for a day, once; audited', async () => {
    const { ana, li, bo } = await workspace();
    const added = await t.registry.run(later(ana, 1), '/tenure admin add @dana');
    expect(plain(added)).toContain('@dana is now an admin of Tenure here, added by @ana.');
    expect(plain(added)).toContain('Undo works for you until Tue 24 Nov 2026 11:00 (UTC).');
    const undo = undoButton(added);
    expect(undo.id).toBe('admin.undo');

    expect(plain(await t.registry.press(later(bo, 2), undo.id, undo.value))).toContain('Only workspace admins can add or remove admins.');
    const other = plain(await t.registry.press(later(li, 2), undo.id, undo.value));
    expect(other).toContain('Adding @dana as admin was made by @ana: only they can undo it (until Tue 24 Nov 2026 11:00 (UTC)).');
    expect(other).toContain('Remove them with /tenure admin remove @dana.');
    expect(plain(await t.registry.press(later(ana, 26), undo.id, undo.value))).toContain('it could be undone for a day, until Tue 24 Nov 2026 11:00 (UTC)');
    expect(await roleOf(ana, 'dana')).toBe('admin');

    const undone = await t.registry.press(later(ana, 2), undo.id, undo.value);
    expect(undone.update?.text).toBe('Undid adding @dana as admin: they are a member again.');
    expect(undone.update?.visibility).toBe('channel');
    expect(await roleOf(ana, 'dana')).toBe('member');
    expect(await audit(ana, 'user', 'undo-role.grant')).toMatchObject([{ actorUserId: ana.user.id, before: { role: 'admin', name: 'dana' }, after: { role: 'member', name: 'dana' } }]);
    expect(plain(await t.registry.press(later(ana, 3), undo.id, undo.value))).toContain('That change was already undone: @dana is a member.');
    expect(plain(await t.registry.press(ana, 'admin.undo', '{"u":"nobody"}'))).toContain('That change of admins can no longer be undone from here.');
  });

  it('takes back removing an admin, and refuses when their role changed since', async () => {
    const { ana, li } = await workspace();
    const removed = await t.registry.run(later(ana, 1), '/tenure admin remove @li');
    expect(plain(removed)).toContain('@li is no longer an admin of Tenure here, removed by @ana.');
    const undo = undoButton(removed);
    const undone = await t.registry.press(later(ana, 2), undo.id, undo.value);
    expect(undone.update?.text).toBe('Undid removing @li as admin: they are an admin again.');
    expect(await roleOf(ana, 'li')).toBe('admin');
    expect(await audit(ana, 'user', 'undo-role.revoke')).toMatchObject([{ actorUserId: ana.user.id, after: { role: 'admin' } }]);

    // Someone else changed dana's role after ana made her admin: ana's Undo would overwrite it.
    const addedDana = undoButton(await t.registry.run(later(ana, 3), '/tenure admin add @dana'));
    await t.registry.run(later(li, 4), '/tenure admin remove @dana');
    const refused = plain(await t.registry.press(later(ana, 5), addedDana.id, addedDana.value));
    expect(refused).toContain('@dana’s role has changed since (removed as admin by @li on Mon 23 Nov 2026 14:00 (UTC)), so undoing that change would overwrite the newer one.');
    expect(await roleOf(ana, 'dana')).toBe('member');
    expect(await audit(ana, 'user', 'undo-role.grant')).toEqual([]);
  });

  it('never leaves the workspace without an admin: undoing an addition keeps the only admin left', async () => {
    const { ana, li } = await workspace();
    const added = undoButton(await t.registry.run(later(ana, 1), '/tenure admin add @dana'));
    const dana = { ...li, user: await ensureUser(t.database.db, ana.workspace.id, { platformUserId: 'dana', displayName: 'dana' }) };
    await t.registry.run(later(dana, 2), '/tenure admin remove @ana');
    await t.registry.run(later(dana, 3), '/tenure admin remove @li');
    expect(await roleOf(ana, 'li')).toBe('member');
    // ana is no admin any more, so her button is refused before anything else...
    expect(plain(await t.registry.press(later(ana, 4), added.id, added.value))).toContain('Only workspace admins can add or remove admins.');
    // ...and the core itself keeps dana, now the only admin.
    const { u, at } = JSON.parse(added.value) as { u: string; at: string };
    await expect(undoAdminChange(t.database.db, ana.workspace.id, { userId: u, at: new Date(at) }, { userId: ana.user.id, now: later(ana, 4).now, timezone: 'UTC' })).rejects.toThrow(
      '@dana is the last admin here, so they stay admin.',
    );
    expect(await roleOf(ana, 'dana')).toBe('admin');
  });

  it('takes back creating a token: it no longer works; the secret is in no answer or audit entry', async () => {
    const { ana, li, bo } = await workspace();
    const created = await t.registry.run(ana, '/tenure token create billing');
    const secret = tokenIn(plain(created))!;
    const undo = undoButton(created);
    expect(undo.id).toBe('token.undo-create');
    expect(undo.value).not.toContain(secret);
    expect(plain(created)).toContain('Undo works for you until Tue 24 Nov 2026 10:00 (UTC).');

    expect(plain(await t.registry.press(later(bo, 1), undo.id, undo.value))).toContain('Only workspace admins can manage API tokens');
    const other = plain(await t.registry.press(later(li, 1), undo.id, undo.value));
    expect(other).toContain('Creating API token #1 (billing) was made by @ana: only they can undo it');
    expect(other).toContain('Revoke it with /tenure token revoke 1.');
    expect(plain(await t.registry.press(later(ana, 25), undo.id, undo.value))).toContain('it could be undone for a day');
    expect(await findApiToken(t.database.db, secret, later(ana, 1).now)).toBeDefined();

    const undone = await t.registry.press(later(ana, 1), undo.id, undo.value);
    expect(undone.update?.text).toBe('Undid creating API token #1 (billing): the token no longer works; requests with it are refused.');
    // The confirmation that showed the secret is replaced.
    expect(plain(undone)).not.toContain(secret);
    expect(await findApiToken(t.database.db, secret, later(ana, 2).now)).toBeUndefined();
    expect(plain(await t.registry.press(later(ana, 2), undo.id, undo.value))).toContain('API token #1 (billing) was already revoked on Mon 23 Nov 2026 11:00 (UTC): it no longer works, so there is nothing to undo.');
    const entries = await audit(ana, 'api-token', 'undo-create');
    expect(entries).toMatchObject([{ actorUserId: ana.user.id, before: { number: 1, label: 'billing', revokedAt: null }, after: { number: 1, label: 'billing' } }]);
    expect(JSON.stringify(entries)).not.toContain(secret);
    expect(JSON.stringify(entries)).not.toContain(tokenDigest(secret));
  });

  it('takes back revoking a token: it works again, once; refused when revoked again since', async () => {
    const { ana, li } = await workspace();
    const secret = tokenIn(plain(await t.registry.run(ana, '/tenure token create rmm')))!;
    const revoked = await t.registry.run(later(ana, 1), '/tenure token revoke 1');
    const undo = undoButton(revoked);
    expect(undo.id).toBe('token.undo-revoke');
    expect(plain(await t.registry.press(later(li, 2), undo.id, undo.value))).toContain('Revoking API token #1 (rmm) was made by @ana: only they can undo it');
    expect(await findApiToken(t.database.db, secret, later(ana, 2).now)).toBeUndefined();

    const undone = await t.registry.press(later(ana, 2), undo.id, undo.value);
    expect(undone.update?.text).toBe('Undid revoking API token #1 (rmm): it works again.');
    expect(await findApiToken(t.database.db, secret, later(ana, 2).now)).toBeDefined();
    expect(await audit(ana, 'api-token', 'undo-revoke')).toMatchObject([{ actorUserId: ana.user.id, before: { number: 1, label: 'rmm' }, after: { number: 1, label: 'rmm', revokedAt: null } }]);
    expect(plain(await t.registry.press(later(ana, 3), undo.id, undo.value))).toContain('API token #1 (rmm) works again already: that revocation was undone.');

    await t.registry.run(later(li, 4), '/tenure token revoke 1');
    const again = plain(await t.registry.press(later(ana, 5), undo.id, undo.value));
    expect(again).toContain('API token #1 (rmm) was revoked again since (Mon 23 Nov 2026 14:00 (UTC)), so that revocation can no longer be undone.');
    expect(await findApiToken(t.database.db, secret, later(ana, 5).now)).toBeUndefined();
    const all = await t.database.db.select().from(auditLog).where(eq(auditLog.workspaceId, ana.workspace.id));
    expect(JSON.stringify(all)).not.toContain(secret);
  });
});
