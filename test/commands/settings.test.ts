// /tenure settings and the workspace currency on every engine: everyone reads the
// settings, admins change them (validated, confirmed, audited); amounts are typed and
// shown in the workspace's currency, an amount in another currency is refused rather
// than counted as this one, and a new workspace starts in TENURE_CURRENCY.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { contextFor, type CommandContext } from '../../commands/context.js';
import { accounts, auditLog, users, workspaces } from '../../db/schema.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { expectLines } from '../helpers/expect-lines.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const NOW = new Date('2026-11-23T10:00:00Z');

describe.each(ENGINES)('/tenure settings on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  /** The context again with the workspace as stored now, as the next command would see it. */
  async function fresh(ctx: CommandContext): Promise<CommandContext> {
    const [workspace] = await db().select().from(workspaces).where(eq(workspaces.id, ctx.workspace.id));
    return { ...ctx, workspace: workspace! };
  }
  const arrOf = async (ctx: CommandContext, name: string) =>
    (await db().select().from(accounts).where(and(eq(accounts.workspaceId, ctx.workspace.id), eq(accounts.name, name))))[0]?.arrCents;

  it('shows the settings to anyone: USD and a 30 % margin by default', async () => {
    const ctx = await newContext(db(), { now: NOW });
    const out = plain(await t.registry.run(ctx, '/tenure settings'));
    expect(out).toContain('Currency: USD (US Dollar): amounts are typed and shown like $120k or $120.50');
    expect(out).toContain('Gross margin for CLV: 30% (the default)');
    expect(out).toContain('Time zone: UTC');
  });

  it('an admin changes the currency and the margin, confirmed in the channel and audited; members cannot', async () => {
    const admin = await newContext(db(), { now: NOW, user: 'ana' });
    await db().update(users).set({ role: 'admin' }).where(eq(users.id, admin.user.id));
    const member = await newContext(db(), { now: NOW, user: 'ben', workspace: admin.workspace.externalId });

    const refused = await t.registry.run(member, '/tenure settings currency=EUR');
    expect(plain(refused)).toContain('Only workspace admins can change the workspace settings. Admins here: @ana');
    expect((await fresh(member)).workspace.currency).toBe('USD');

    const reply = await t.registry.run(admin, '/tenure settings currency=eur margin=25%');
    const out = plain(reply);
    expect(reply.messages[0]!.visibility).toBe('channel');
    expectLines(out, [
      'Workspace settings changed by @ana',
      '• currency USD → EUR',
      '• gross margin for CLV 30% → 25%',
      'Currency: EUR (Euro): amounts are typed and shown like €120k or €120.50',
      'Amounts already recorded are not converted: $120,000 is now shown as €120,000.',
    ]);

    const ws = (await fresh(admin)).workspace;
    expect(ws.currency).toBe('EUR');
    expect(ws.settings).toMatchObject({ kpiMargin: 0.25 });
    const audit = await db().select().from(auditLog).where(and(eq(auditLog.workspaceId, ws.id), eq(auditLog.action, 'settings')));
    expect(audit.map((a) => [a.actorUserId, a.before, a.after])).toEqual([[admin.user.id, { currency: 'USD', kpiMargin: null }, { currency: 'EUR', kpiMargin: 0.25 }]]);

    // The KPI card states the margin it used.
    expect(plain(await t.registry.run(await fresh(admin), '/kpis'))).toContain('CLV = ARPU × 25% gross margin');
    // The same values again change nothing and record nothing.
    expect(plain(await t.registry.run(await fresh(admin), '/tenure settings currency=EUR'))).toContain('Workspace settings unchanged');
    expect(await db().select().from(auditLog).where(and(eq(auditLog.workspaceId, ws.id), eq(auditLog.action, 'settings')))).toHaveLength(1);
  });

  it('answers a bad value with what to type and changes nothing', async () => {
    const ctx = await newContext(db(), { now: NOW });
    for (const [input, expected] of [
      ['/tenure settings currency=EURO', 'currency=EURO: not a currency code; use a three-letter ISO 4217 code such as USD, EUR, GBP, CAD or AUD.'],
      ['/tenure settings currency=XYZ', 'currency=XYZ: not a currency code'],
      ['/tenure settings margin=0%', 'margin=0%: the gross margin is from 1% to 100%.'],
      ['/tenure settings margin=lots', 'margin=lots: write the gross margin as a whole percentage, e.g. 30%.'],
      ['/tenure settings colour=red', 'Unknown setting "colour".'],
    ] as const) {
      const reply = await t.registry.run(ctx, input);
      expect(reply.messages[0]!.tone, input).toBe('error');
      expect(plain(reply), input).toContain(expected);
      expect(plain(reply), input).toContain('Usage: /tenure settings [currency=EUR] [margin=30%]');
    }
    const ws = (await fresh(ctx)).workspace;
    expect([ws.currency, ws.settings]).toEqual(['USD', {}]);
  });

  it('refuses an amount in another currency, saying which one the workspace counts in', async () => {
    const ctx = await newContext(db(), { now: NOW });
    const reply = await t.registry.run(ctx, '/account add Acme arr=€90k');
    expect(reply.messages[0]!.tone).toBe('error');
    expect(plain(reply)).toContain(
      'arr=€90k: "€90k" is in EUR, but this workspace counts in USD (US Dollar): write the amount in USD, e.g. 90k or $90k. Tenure never converts between currencies; an admin can switch the workspace to EUR with /tenure settings currency=EUR.',
    );
    expect(await arrOf(ctx, 'Acme')).toBeUndefined();
    await t.registry.run(ctx, '/account add Acme arr=90k');
    expect(plain(await t.registry.run(ctx, '/usage Acme spend=£5k'))).toContain('spend=£5k: "£5k" is in GBP, but this workspace counts in USD');
    expect(plain(await t.registry.run(ctx, '/renewal Acme expanded arr=€100k'))).toMatch(/is in EUR, but this workspace counts in USD/);
    expect(await arrOf(ctx, 'Acme')).toBe(9_000_000);
  });

  it('rounds an amount half-up to the cent', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await t.registry.run(ctx, '/account add Acme arr=99.995');
    expect(await arrOf(ctx, 'Acme')).toBe(10_000);
    await t.registry.run(ctx, '/account set Acme arr=99.994');
    expect(await arrOf(ctx, 'Acme')).toBe(9_999);
  });

  it('reads and shows every amount in the workspace currency once it is changed', async () => {
    const admin = await newContext(db(), { now: NOW });
    await t.registry.run(admin, '/tenure settings currency=EUR');
    const ctx = await fresh(admin);
    expect(plain(await t.registry.run(ctx, '/account add Acme arr=€90k licensed=10 active=5'))).toContain('ARR €90,000');
    expect(plain(await t.registry.run(ctx, '/account add Beta arr=$90k'))).toContain('"$90k" is in USD, but this workspace counts in EUR (Euro): write the amount in EUR, e.g. 90k or €90k.');
    expect(plain(await t.registry.run(ctx, '/account set Acme arr=999999.99'))).not.toContain('⚠️');
    expect(plain(await t.registry.run(ctx, '/account list'))).toContain('ARR €1m');
    expect(plain(await t.registry.run(ctx, '/account Acme'))).toContain('ARR: €999,999.99');
    expect(plain(await t.registry.run(ctx, '/usage Acme spend=1.5k forecast=€1k'))).toContain('spend €1,500, forecast €1,000');
  });

  it('a workspace seen for the first time starts in the deployment currency (TENURE_CURRENCY)', async () => {
    const who = { platform: 'slack' as const, workspaceExternalId: 'T-EUR', workspaceName: 'Euro team', defaultTimezone: 'Europe/Berlin', userId: 'U1', userName: 'ana', channelId: 'C1' };
    const first = await contextFor(db(), { ...who, defaultCurrency: 'EUR' }, NOW);
    expect(first.workspace.currency).toBe('EUR');
    // Later it keeps its own, whatever the deployment's default says.
    expect((await contextFor(db(), { ...who, defaultCurrency: 'GBP' }, NOW)).workspace.currency).toBe('EUR');
    expect((await contextFor(db(), { ...who, workspaceExternalId: 'T-USD' }, NOW)).workspace.currency).toBe('USD');
  });
});
