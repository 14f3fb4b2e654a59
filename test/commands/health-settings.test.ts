// /health settings on every engine: shown to everyone, changed by admins only, each
// value validated with an answer saying what to type; the new weights and bands
// change the score as hand-computed; the change is audited; reset restores defaults.
// Also: the account card carries the same score as /health.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { auditLog, users, workspaces } from '../../db/schema.js';
import { portfolioHealth } from '../../src/core/health-inputs.js';
import { healthConfigFor } from '../../src/core/settings.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { expectLines } from '../helpers/expect-lines.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const NOW = new Date('2026-11-23T10:00:00Z');

describe.each(ENGINES)('/health settings on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  async function withRole(ctx: CommandContext, role: 'admin' | 'member'): Promise<CommandContext> {
    await db().update(users).set({ role }).where(eq(users.id, ctx.user.id));
    return { ...ctx, user: { ...ctx.user, role } };
  }
  /** The context again with the workspace as stored now (settings are read from it). */
  async function fresh(ctx: CommandContext): Promise<CommandContext> {
    const [workspace] = await db().select().from(workspaces).where(eq(workspaces.id, ctx.workspace.id));
    return { ...ctx, workspace: workspace! };
  }

  it('shows the defaults to anyone', async () => {
    const ctx = await withRole(await newContext(db(), { now: NOW }), 'member');
    const out = plain(await t.registry.run(ctx, '/health settings'));
    expectLines(out, [
      'adoption: weight 30 (30%)',
      'engagement: weight 25 (25%)',
      'green ≥ 70, yellow 40–69, red < 40',
      'standard',
    ]);
  });

  it('an admin changes weights, bands and cadence; the score follows; the change is audited', async () => {
    const admin = await withRole(await newContext(db(), { now: NOW }), 'admin');
    // Adoption 72% → (0.72 − 0.2) ÷ 0.65 = 80; support 100 (no tickets); nothing else has data.
    await t.registry.run(admin, '/account add "Acme Corp" licensed=100 active=72');
    const before = (await portfolioHealth(db(), admin.workspace.id, { now: NOW, timezone: 'UTC' }))[0]!;
    // Defaults: (80 × 30 + 100 × 15) ÷ 45 = 86.67 → 87, green.
    expect(before.health.score).toBe(87);

    const out = plain(await t.registry.run(admin, '/health settings adoption=60 support=20 bands=90/50 adoption-bands=85/60 cadence=twice-monthly'));
    expectLines(out, [
      'Health score settings changed',
      'adoption weight 30 → 60',
      'support weight 15 → 20',
      'score bands 70/40 → 90/50',
      'adoption bands 70/40 → 85/60',
      'cadence standard → twice-monthly',
    ]);

    const ctx = await fresh(admin);
    const config = healthConfigFor(ctx.workspace);
    const after = (await portfolioHealth(db(), ctx.workspace.id, { now: NOW, timezone: 'UTC', config }))[0]!;
    // (80 × 60 + 100 × 20) ÷ 80 = 85 → yellow under 90/50; adoption 80 is yellow under 85/60.
    expect(after.health.score).toBe(85);
    expect(after.health.band).toBe('yellow');
    expect(after.health.components.adoption?.band).toBe('yellow');
    const card = plain(await t.registry.run(ctx, '/health "Acme Corp"'));
    expect(card).toContain('health 85/100 (yellow)');
    expect(card).toContain('green ≥ 90, yellow 50–89, red < 50');

    const audit = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, ctx.workspace.id), eq(auditLog.entityType, 'workspace')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorUserId).toBe(admin.user.id);
    expect(JSON.stringify(audit[0]!.after)).toContain('"adoption":60');

    const reset = plain(await t.registry.run(ctx, '/health settings reset'));
    expect(reset).toContain('back to the defaults');
    expect(reset).toContain('adoption weight 60 → 30');
    expect(healthConfigFor((await fresh(ctx)).workspace)).toEqual(healthConfigFor({ settings: {} }));
  });

  it('answers bad values with what to type, and changes nothing', async () => {
    const admin = await withRole(await newContext(db(), { now: NOW }), 'admin');
    const cases: [string, string][] = [
      ['/health settings adoption=lots', 'adoption=lots: a weight is a number from 0 to 100'],
      ['/health settings adoption=-5', 'adoption=-5: a weight is 0'],
      ['/health settings adoption=500', 'weights go up to 100'],
      ['/health settings bands=40/70', 'the yellow threshold must not be above the green one'],
      ['/health settings bands=high', 'write the green and yellow thresholds as green/yellow'],
      ['/health settings support-bands=120/50', 'thresholds go up to 100'],
      ['/health settings cadence=daily', 'cadence is standard'],
      ['/health settings colour=blue', 'Unknown setting "colour"'],
      ['/health settings please', '"please" is not a setting'],
      ['/health settings adoption=0 engagement=0 support=0 sentiment=0 financial=0', 'At least one component needs a weight above 0'],
    ];
    for (const [input, expected] of cases) {
      const out = plain(await t.registry.run(admin, input));
      expect(out, input).toContain(expected);
      expect(out, input).toContain('/health settings adoption=40');
    }
    expect(healthConfigFor((await fresh(admin)).workspace)).toEqual(healthConfigFor({ settings: {} }));
  });

  it('a member may read the settings but not change them', async () => {
    const admin = await withRole(await newContext(db(), { now: NOW, user: 'ana' }), 'admin');
    const member = await withRole(await newContext(db(), { now: NOW, user: 'li', workspace: admin.workspace.externalId }), 'member');
    expect(member.workspace.id).toBe(admin.workspace.id);
    const out = plain(await t.registry.run(member, '/health settings adoption=90'));
    expect(out).toMatch(/admin/i);
    expect(healthConfigFor((await fresh(member)).workspace).weights.adoption).toBe(30);
  });

  it('in a workspace with no admin yet, the first person to change a setting becomes its admin', async () => {
    const first = await withRole(await newContext(db(), { now: NOW, user: 'mo' }), 'member');
    const out = plain(await t.registry.run(first, '/health settings financial=0'));
    expect(out).toContain('financial weight 10 → 0');
    expect(out).toContain('you are now its admin');
    const [row] = await db().select().from(users).where(eq(users.id, first.user.id));
    expect(row!.role).toBe('admin');
  });

  it('an account called "Settings" is still shown when quoted', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await t.registry.run(ctx, '/account add Settings licensed=10 active=10');
    expect(plain(await t.registry.run(ctx, '/health "Settings"'))).toContain('Settings — health');
  });

  it('the account card shows the same score and top driver as /health', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await t.registry.run(ctx, '/account add Globex licensed=100 active=22');
    const [g] = await portfolioHealth(db(), ctx.workspace.id, { now: NOW, timezone: 'UTC' });
    const card = plain(await t.registry.run(ctx, '/account Globex'));
    expect(card).toContain(`Health: 🔴 ${g!.health.score}/100 (red) — 22% of licensed users active`);
    await t.registry.run(ctx, '/renewal Globex churned reason=budget');
    expect(plain(await t.registry.run(ctx, '/account Globex'))).toContain('Health: none (churned)');
  });
});
