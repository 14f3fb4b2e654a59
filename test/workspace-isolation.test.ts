// Tenants never see each other, on every engine. Workspace A has an account, a
// linked channel, check-ins, tickets #1 and #2, surveys #1 and #2 with answers and
// usage; workspace B (whose admin has the same user name, in a channel with the
// same id) types A's ticket and survey numbers and account name, and presses
// buttons and submits forms carrying A's uuids. Every attempt is answered like
// an unknown id or name, nothing of A changes, nothing of A shows in B's lists,
// and no row anywhere points across workspaces.
import { and, asc, eq, is, sql } from 'drizzle-orm';
import { PgTable, type PgColumn } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../commands/context.js';
import { queryRows } from '../db/client.js';
import * as schema from '../db/schema.js';
import type { Action, Reply } from '../src/messages/message.js';
import { renderPlain } from '../src/messages/plain.js';
import { ENGINES } from './helpers/engines.js';
import { newContext, registryOn } from './helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const NOW = new Date('2026-11-23T10:00:00Z');
const A_NAME = 'Zephyr Logistics';

/** Every table that carries workspace_id: A's rows in all of them must stay as they were. */
const TENANT_TABLES: [string, PgTable & { workspaceId: PgColumn }][] = Object.entries(schema)
  .filter(([, v]) => is(v, PgTable) && 'workspaceId' in v)
  .map(([k, v]) => [k, v as PgTable & { workspaceId: PgColumn }]);

/** [child table, its column, parent table]: a reference that must stay inside one workspace. */
const REFERENCES: [string, string, string][] = [
  ['accounts', 'owner_user_id', 'users'],
  ['contacts', 'account_id', 'accounts'],
  ['account_channels', 'account_id', 'accounts'],
  ['account_channels', 'linked_by_user_id', 'users'],
  ['checkins', 'account_id', 'accounts'],
  ['checkins', 'user_id', 'users'],
  ['tickets', 'account_id', 'accounts'],
  ['tickets', 'opened_by_user_id', 'users'],
  ['tickets', 'first_response_by_user_id', 'users'],
  ['tickets', 'resolved_by_user_id', 'users'],
  ['ticket_events', 'ticket_id', 'tickets'],
  ['ticket_events', 'user_id', 'users'],
  ['surveys', 'account_id', 'accounts'],
  ['surveys', 'opened_by_user_id', 'users'],
  ['survey_responses', 'survey_id', 'surveys'],
  ['survey_responses', 'respondent_user_id', 'users'],
  ['usage_readings', 'account_id', 'accounts'],
  ['health_snapshots', 'account_id', 'accounts'],
  ['renewal_outcomes', 'account_id', 'accounts'],
  ['renewal_outcomes', 'recorded_by_user_id', 'users'],
  ['audit_log', 'actor_user_id', 'users'],
];

describe.each(ENGINES)('workspace isolation on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;
  const run = (ctx: CommandContext, input: string) => t.registry.run(ctx, input);
  const buttons = (reply: Reply): Action[] => [...reply.messages, ...(reply.update ? [reply.update] : [])].flatMap((m) => m.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : [])));

  interface WorkspaceA {
    ctx: CommandContext;
    accountId: string;
    tickets: { one: string; two: string };
    surveys: { nps: string; csat: string };
    answer: Action;
  }

  async function workspaceA(): Promise<WorkspaceA> {
    const ana = await newContext(db(), { now: NOW, user: 'ana', channel: 'zephyr' });
    const dana = await newContext(db(), { now: NOW, user: 'dana', channel: 'zephyr', workspace: ana.workspace.externalId });
    for (const input of [
      `/account add "${A_NAME}" arr=$120k renewal=2027-01-15 licensed=100 active=60 owner=@ana id=CRM-7`,
      `/account link "${A_NAME}" internal`,
      `/checkin "${A_NAME}" call Walked through the DR runbook sentiment=positive`,
      `/usage "${A_NAME}" active=70 spend=12000 forecast=11000`,
      `/ticket "${A_NAME}" critical VPN tunnel to the DR site is down`,
      `/ticket "${A_NAME}" minor Report typo`,
      '/ticket ack 2',
      '/ticket alerts here',
      '/ticket hours 09:00-18:00',
      '/digest schedule mon 09:00',
    ]) {
      expect(plain(await run(ana, input)), input).not.toContain('⚠️');
    }
    const nps = await run(ana, `/survey nps "${A_NAME}"`);
    const answer = buttons(nps).find((a) => a.label === '3')!;
    await t.registry.press(dana, answer.id, answer.value);
    await run(ana, `/survey csat "${A_NAME}" force=yes`);
    await run(ana, `/health "${A_NAME}"`);
    const [account] = await db().select().from(schema.accounts).where(eq(schema.accounts.workspaceId, ana.workspace.id));
    const ticketRows = await db().select().from(schema.tickets).where(eq(schema.tickets.workspaceId, ana.workspace.id)).orderBy(asc(schema.tickets.number));
    const surveyRows = await db().select().from(schema.surveys).where(eq(schema.surveys.workspaceId, ana.workspace.id)).orderBy(asc(schema.surveys.number));
    expect(ticketRows.map((r) => r.number)).toEqual([1, 2]);
    expect(surveyRows.map((r) => r.kind)).toEqual(['nps', 'csat']);
    return { ctx: ana, accountId: account!.id, tickets: { one: ticketRows[0]!.id, two: ticketRows[1]!.id }, surveys: { nps: surveyRows[0]!.id, csat: surveyRows[1]!.id }, answer };
  }

  /** B's admin, also called ana, in a channel whose id is the one A linked. */
  async function workspaceB(): Promise<CommandContext> {
    const ana = await newContext(db(), { now: NOW, user: 'ana', channel: 'zephyr' });
    await db().update(schema.users).set({ role: 'admin' }).where(eq(schema.users.id, ana.user.id));
    expect(plain(await run(ana, '/account add "Bravo Beta" arr=50k renewal=2027-02-01'))).not.toContain('⚠️');
    return ana;
  }

  /** All of A's rows in every tenant table (and A's workspace row), to compare before and after. */
  async function rowsOf(workspaceId: string) {
    const out: Record<string, unknown[]> = {};
    for (const [name, table] of TENANT_TABLES) {
      const rows = await db().select().from(table).where(eq(table.workspaceId, workspaceId));
      out[name] = rows.map((r) => JSON.stringify(r)).sort();
    }
    out.workspace = await db().select().from(schema.workspaces).where(eq(schema.workspaces.id, workspaceId));
    return out;
  }

  async function crossReferences(): Promise<string[]> {
    const found: string[] = [];
    for (const [child, column, parent] of REFERENCES) {
      const rows = await queryRows<{ n: number }>(
        db(),
        // Identifiers come from the constant list above, never from input.
        sql.raw(`select count(*)::int as n from ${child} c join ${parent} p on p.id = c.${column} where p.workspace_id <> c.workspace_id`),
      );
      if (Number(rows[0]!.n) > 0) found.push(`${child}.${column} → ${parent}: ${rows[0]!.n}`);
    }
    return found;
  }

  it('knows every tenant table', () => {
    // The list is built from the schema; this keeps it from silently becoming empty.
    expect(TENANT_TABLES.map(([n]) => n)).toEqual(expect.arrayContaining(['accounts', 'tickets', 'ticketEvents', 'surveys', 'surveyResponses', 'checkins', 'usageReadings', 'channelSettings', 'auditLog', 'users']));
  });

  it('typed ids and names of another workspace are unknown, and change nothing', async () => {
    const a = await workspaceA();
    const b = await workspaceB();
    const before = await rowsOf(a.ctx.workspace.id);
    // The comparison has something to compare.
    expect({ accounts: before.accounts!.length, tickets: before.tickets!.length, surveys: before.surveys!.length, answers: before.surveyResponses!.length, checkins: before.checkins!.length, usage: before.usageReadings!.length, links: before.accountChannels!.length }).toEqual({
      accounts: 1,
      tickets: 2,
      surveys: 2,
      answers: 1,
      checkins: 1,
      usage: 1,
      links: 1,
    });

    const attempts: [string, RegExp][] = [
      ['/ticket 1', /There is no ticket #1 here\./],
      ['/ticket show 1', /There is no ticket #1 here\./],
      ['/ticket #2', /There is no ticket #2 here\./],
      ['/ticket ack 1', /There is no ticket #1 here\./],
      ['/ticket resolve 1 Fixed from the wrong workspace', /There is no ticket #1 here\./],
      ['/ticket resolve #2', /There is no ticket #2 here\./],
      ['/survey results 1', /There is no survey #1\./],
      ['/survey results #2', /There is no survey #2\./],
      ['/survey close 1', /There is no survey #1\./],
      ['/survey close 2', /There is no survey #2\./],
      [`/account "${A_NAME}"`, /No account named "Zephyr Logistics"\./],
      [`/account set "${A_NAME}" arr=1 owner=@ana`, /No account named "Zephyr Logistics"\./],
      [`/account link "${A_NAME}"`, /No account named "Zephyr Logistics"\./],
      [`/account history "${A_NAME}"`, /No account named "Zephyr Logistics"\./],
      [`/checkin "${A_NAME}" call Took the account over`, /No account named "Zephyr Logistics"\./],
      [`/ticket "${A_NAME}" critical Everything is down`, /No account named "Zephyr Logistics"\./],
      [`/ticket list "${A_NAME}"`, /No account named "Zephyr Logistics"\./],
      [`/survey nps "${A_NAME}" force=yes`, /No account named "Zephyr Logistics"\./],
      [`/survey list "${A_NAME}"`, /No account named "Zephyr Logistics"\./],
      [`/usage "${A_NAME}" active=1`, /No account named "Zephyr Logistics"\./],
      [`/health "${A_NAME}"`, /No account named "Zephyr Logistics"\./],
      [`/renewal "${A_NAME}" churned reason=price`, /No account named "Zephyr Logistics"\./],
      // A's external id is not a name in B either.
      ['/usage CRM-7 active=1', /No account named "CRM-7"\./],
      // The channel id A linked means nothing in B: the account cannot be left out here.
      ['/checkin call Took the account over', /⚠️/],
      ['/ticket critical Everything is down', /⚠️/],
    ];
    for (const [input, expected] of attempts) {
      const out = plain(await run(b, input));
      expect(out, input).toContain('⚠️');
      expect(out, input).toMatch(expected);
    }
    // Close matches come from B's own names only: a near miss does not reveal A's account.
    const near = plain(await run(b, '/account "Zephyr Logistic"'));
    expect(near).toContain('No account named "Zephyr Logistic".');
    expect(near).not.toContain(A_NAME);

    expect(await rowsOf(a.ctx.workspace.id)).toEqual(before);
    expect(await crossReferences()).toEqual([]);
    // B's own numbering is untouched by A's: its first ticket is #1.
    expect(plain(await run(b, '/ticket "Bravo Beta" minor First one here'))).toContain('Opened #1 for Bravo Beta');
  });

  it('buttons and forms carrying another workspace’s uuids are refused, and change nothing', async () => {
    const a = await workspaceA();
    const b = await workspaceB();
    const before = await rowsOf(a.ctx.workspace.id);

    const presses: [string, string, RegExp][] = [
      ['account.show', a.accountId, /That account no longer exists\./],
      ['account.link', a.accountId, /That account no longer exists\./],
      ['ticket.ack', a.tickets.one, /That ticket no longer exists\./],
      ['ticket.resolve', a.tickets.one, /That ticket no longer exists\./],
      ['ticket.resolve', a.tickets.two, /That ticket no longer exists\./],
      ['ticket.show', a.tickets.two, /That ticket no longer exists\./],
      ['survey.answer', `${a.surveys.nps}:nps:10`, /That survey no longer exists\./],
      ['survey.answer', `${a.surveys.csat}:q1:5`, /That survey no longer exists\./],
      ['survey.reason', a.surveys.nps, /That survey no longer exists\./],
    ];
    for (const [id, value, expected] of presses) {
      const reply = await t.registry.press(b, id, value);
      const out = plain(reply);
      expect(out, `${id} ${value}`).toMatch(expected);
      expect(reply.update, id).toBeUndefined();
      expect(reply.deliveries ?? [], id).toEqual([]);
      expect(JSON.stringify(reply), id).not.toContain(A_NAME);
    }
    // A's own answer button, pressed in B: the survey is not B's.
    expect(plain(await t.registry.press(b, a.answer.id, a.answer.value))).toContain('That survey no longer exists.');

    // The check-in button with A's account opens B's empty form, not A's account.
    const form = await t.registry.press(b, 'checkin.form', a.accountId);
    expect(form.form?.id).toBe('checkin');
    expect(JSON.stringify(form)).not.toContain(A_NAME);
    expect(JSON.stringify(form)).not.toContain(a.accountId);

    const reason = await t.registry.submit(b, 'survey.reason', { reason: 'Sneaking a comment in' }, { surveyId: a.surveys.nps });
    expect(reason.ok && plain(reason.reply)).toContain('That survey no longer exists.');
    const checkin = await t.registry.submit(b, 'checkin', { account: A_NAME, type: 'call', date: '2026-11-23', sentiment: 'neutral', notes: 'From B', next: '' });
    expect(checkin).toMatchObject({ ok: false, errors: { account: expect.stringContaining('No account named') } });
    const ticket = await t.registry.submit(b, 'ticket', { account: A_NAME, severity: 'critical', title: 'From B', tech: '' });
    expect(ticket).toMatchObject({ ok: false, errors: { account: expect.stringContaining('No account named') } });

    expect(await rowsOf(a.ctx.workspace.id)).toEqual(before);
    expect(await crossReferences()).toEqual([]);
  });

  it('lists, reports, digests and exports of B show nothing of A', async () => {
    const a = await workspaceA();
    const b = await workspaceB();
    const before = await rowsOf(a.ctx.workspace.id);
    for (const input of ['/account list', '/ticket list all', '/ticket stats days=365', '/survey list', '/renewals days=730', '/kpis', '/health', '/digest now', '/health settings', '/ticket hours', '/ticket alerts', '/tenure admin list', '/export accounts', '/export tickets', '/export surveys', '/export checkins', '/export usage', '/export health', '/export contacts', '/export health-history']) {
      const reply = await run(b, input);
      const json = JSON.stringify(reply);
      expect(json, input).not.toContain('Zephyr');
      expect(json, input).not.toContain('CRM-7');
      expect(json, input).not.toContain(a.accountId);
      expect(json, input).not.toContain('dana');
    }
    // B's ticket hours are B's defaults, not the 09:00-18:00 A set; B's alert channel is unset.
    expect(plain(await run(b, '/ticket hours'))).toContain('08:00–17:00');
    expect(plain(await run(b, '/ticket alerts'))).toContain('none set');
    expect(await rowsOf(a.ctx.workspace.id)).toEqual(before);
  });

  it('the cross-reference check finds a row of B pointing at A', async () => {
    const a = await workspaceA();
    const b = await workspaceB();
    const [planted] = await db()
      .insert(schema.checkins)
      .values({ workspaceId: b.workspace.id, accountId: a.accountId, userId: a.ctx.user.id, type: 'call', occurredAt: NOW, notes: 'planted' })
      .returning();
    expect(await crossReferences()).toEqual(['checkins.account_id → accounts: 1', 'checkins.user_id → users: 1']);
    await db().delete(schema.checkins).where(eq(schema.checkins.id, planted!.id));
    expect(await crossReferences()).toEqual([]);
  });

  it('a setting changed in B leaves A’s alone; an admin of A is a member nowhere else', async () => {
    const a = await workspaceA();
    const b = await workspaceB();
    const before = await rowsOf(a.ctx.workspace.id);
    await run(b, '/ticket hours 07:00-15:00');
    await run(b, '/ticket alerts off');
    await run(b, '/digest off');
    await run(b, '/survey settings close=3');
    expect(await rowsOf(a.ctx.workspace.id)).toEqual(before);

    // B's admin is a member in a third workspace that already has an admin: refused there.
    const c = await newContext(db(), { now: NOW, user: 'carla' });
    await db().update(schema.users).set({ role: 'admin' }).where(and(eq(schema.users.workspaceId, c.workspace.id), eq(schema.users.id, c.user.id)));
    const anaInC = await newContext(db(), { now: NOW, user: 'ana', workspace: c.workspace.externalId });
    expect(plain(await run(anaInC, '/ticket hours 07:00-15:00'))).toContain('Only workspace admins can change business hours. Admins here: @carla.');
  });
});
