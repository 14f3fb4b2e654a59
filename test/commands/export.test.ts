// What each /export file holds (issue 21), on every engine, through the command as
// typed in chat: accounts one row per account (the ARR column sums to the portfolio),
// contacts in a file of their own, health every active account scored now and dated,
// health-history the stored snapshots.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { portfolioHealth } from '../../src/core/health-inputs.js';
import { healthConfigFor } from '../../src/core/settings.js';
import { DEMO_ACCOUNTS } from '../../src/demo/demo-data.js';
import { seedDemoWorkspace } from '../../src/demo/seed.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const WEEK_AGO = new Date('2026-11-16T12:00:00Z');
const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');

describe.each(ENGINES)('/export on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  async function exported(ctx: CommandContext, kind: string): Promise<Record<string, string>[]> {
    const reply = await t.registry.run(ctx, `/export ${kind}`);
    expect(reply.files, plain(reply)).toHaveLength(1);
    return parse(String(reply.files![0]!.content), { columns: true }) as Record<string, string>[];
  }

  async function demo(): Promise<CommandContext> {
    const ctx = await newContext(db(), { now: NOW });
    await seedDemoWorkspace(db(), ctx.workspace.id, NOW);
    return ctx;
  }

  it('accounts: one row per account, so the ARR column adds up to the portfolio’s ARR', async () => {
    const ctx = await demo();
    const rows = await exported(ctx, 'accounts');
    expect(rows).toHaveLength(DEMO_ACCOUNTS.length);
    expect(new Set(rows.map((r) => r.name)).size).toBe(DEMO_ACCOUNTS.length);
    expect(rows.reduce((sum, r) => sum + Number(r.arr), 0)).toBe(DEMO_ACCOUNTS.reduce((sum, a) => sum + a.arr, 0));
    expect(Object.keys(rows[0]!)).not.toContain('contact_name');
    // The churned account says when it churned (the importer reads it back).
    expect(rows.find((r) => r.name === 'Wonka Confections')).toMatchObject({ stage: 'churned', churned_on: '2026-10-19', arr: '30000.00' });
  });

  it('contacts: one row per person, with the account it belongs to', async () => {
    const ctx = await demo();
    const rows = await exported(ctx, 'contacts');
    expect(rows).toHaveLength(DEMO_ACCOUNTS.length * 3);
    expect(rows.filter((r) => r.account === 'Acme Corp')).toEqual([
      { account: 'Acme Corp', external_id: 'CRM-1001', contact_name: 'Dana Whitfield', contact_email: 'dana.whitfield@acme.example', contact_role: 'program manager' },
      { account: 'Acme Corp', external_id: 'CRM-1001', contact_name: 'Marcus Lee', contact_email: 'marcus.lee@acme.example', contact_role: 'executive sponsor' },
      { account: 'Acme Corp', external_id: 'CRM-1001', contact_name: 'Priya Raman', contact_email: 'priya.raman@acme.example', contact_role: 'technical contact' },
    ]);
  });

  it('health: every active account’s score now, dated today in the workspace’s zone, with the workspace’s weights', async () => {
    // 12:00 UTC is already the 24th in Auckland.
    const before = await newContext(db(), { now: WEEK_AGO, timezone: 'Pacific/Auckland' });
    await t.registry.run(before, '/account add Alpha licensed=100 active=95');
    await t.registry.run(before, '/account add Beta licensed=100 active=60');
    await t.registry.run(before, '/account add Gamma licensed=100 active=80');
    // Alpha's snapshot of a week ago is the only one stored.
    expect(plain(await t.registry.run(before, '/health Alpha'))).toContain('Alpha — health 100/100');
    const ctx = { ...before, now: NOW };
    await t.registry.run(ctx, '/usage Alpha active=25');
    await t.registry.run(ctx, '/renewal Gamma churned reason=budget');
    await t.registry.run(ctx, '/health settings adoption=60');

    // The next command sees the workspace as stored now, with the weights just set.
    const next = await newContext(db(), { now: NOW, workspace: before.workspace.externalId });
    const rows = await exported(next, 'health');
    expect(rows.map((r) => r.account)).toEqual(['Alpha', 'Beta']);
    expect(new Set(rows.map((r) => r.day))).toEqual(new Set(['2026-11-24']));
    // The scores /health computes.
    const workspace = next.workspace;
    const current = await portfolioHealth(db(), workspace.id, { now: NOW, timezone: workspace.timezone, config: healthConfigFor(workspace) });
    expect(rows.map((r) => [r.account, r.score, r.band, r.adoption])).toEqual(
      current.map((a) => [a.name, String(a.health.score), a.health.band, String(a.health.components.adoption?.score ?? '')]),
    );
    expect(plain(await t.registry.run(next, '/health Alpha'))).toContain(`Alpha — health ${rows[0]!.score}/100`);
  });

  it('health-history: every stored snapshot, oldest first for each account', async () => {
    const ctx = await demo();
    const rows = await exported(ctx, 'health history');
    expect(rows.length).toBeGreaterThan(DEMO_ACCOUNTS.length);
    const acme = rows.filter((r) => r.account === 'Acme Corp');
    expect(acme.length).toBeGreaterThan(1);
    expect(acme.map((r) => r.day)).toEqual(acme.map((r) => r.day).sort());
    expect(acme.at(-1)!.day).toBe('2026-11-23');
    expect(await exported(ctx, 'health-history')).toEqual(rows);
  });

  it('leaves archived accounts out of every file unless asked, and exports them with archived=include or archived=only', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await t.registry.run(ctx, '/tenure settings currency=USD');
    for (const line of ['/account add "Acme Corp" arr=100k', '/account add Initech arr=50k', '/checkin "Acme Corp" call Went well', '/checkin Initech call Winding down', '/ticket Initech critical Mail down', '/usage Initech active=5', '/health Initech']) {
      await t.registry.run(ctx, line);
    }
    await t.registry.run(ctx, '/account archive Initech');
    const accountsOf = (rows: Record<string, string>[]) => rows.map((r) => r.name ?? r.account);

    const live = await t.registry.run(ctx, '/export accounts');
    expect(plain(live)).toContain('1 archived account is left out: add archived=include to export its accounts too (/export accounts archived=include).');
    expect(accountsOf(await exported(ctx, 'accounts'))).toEqual(['Acme Corp']);
    for (const kind of ['checkins', 'tickets', 'usage', 'health-history', 'health']) expect(accountsOf(await exported(ctx, kind)), kind).not.toContain('Initech');

    const all = await t.registry.run(ctx, '/export accounts archived=include');
    expect(plain(all)).toContain('**Export of accounts**: 2 rows, archived accounts included in tenure-accounts-with-archived-2026-11-23.csv.'.replace(/\*\*/g, ''));
    expect(all.files![0]).toMatchObject({ filename: 'tenure-accounts-with-archived-2026-11-23.csv', exportKind: 'accounts', exportArchived: 'include' });
    const rows = await exported(ctx, 'accounts archived=include');
    expect(rows.map((r) => [r.name, r.archived_at])).toEqual([['Acme Corp', ''], ['Initech', NOW.toISOString()]]);
    expect(accountsOf(await exported(ctx, 'checkins archived=include'))).toEqual(['Acme Corp', 'Initech']);
    expect(accountsOf(await exported(ctx, 'tickets archived=only'))).toEqual(['Initech']);
    expect(accountsOf(await exported(ctx, 'health history archived=only'))).toEqual(['Initech']);

    // The current health scores only the portfolio; a wrong choice says the right ones.
    const health = await t.registry.run(ctx, '/export health archived=include');
    expect(health.files).toBeUndefined();
    expect(plain(health)).toContain('an archived account has no current score. Its stored scores are in the health-history export with archived=include.');
    const wrong = await t.registry.run(ctx, '/export accounts archived=maybe');
    expect(wrong.files).toBeUndefined();
    expect(plain(wrong)).toContain('archived=maybe: use archived=include (live and archived accounts) or archived=only (archived accounts alone).');
  });

  it('names every kind when asked for one it does not have', async () => {
    const ctx = await newContext(db(), { now: NOW });
    const text = plain(await t.registry.run(ctx, '/export invoices'));
    expect(text).toContain('/export <accounts|contacts|usage|checkins|tickets|surveys|health|health-history> [archived=include|only]');
    expect(text).toContain('health-history: the stored health snapshots');
  });
});
