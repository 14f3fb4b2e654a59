// Roles on every engine: admins change settings (business hours, holidays, the
// alert channel, digest schedules, survey and health settings) and manage admins;
// members are refused with the admins' names and nothing changes; members keep
// logging check-ins, tickets, usage and survey answers. A workspace with no admin
// is claimed by the first person to run an admin command, once, audited.
import { and, asc, count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../commands/context.js';
import { CSV_IMPORT_ACTIONS } from '../commands/csv-import.js';
import { auditLog, channelSettings, checkins, surveyResponses, tickets, usageReadings, users, workspaces } from '../db/schema.js';
import type { Action, Reply } from '../src/messages/message.js';
import { renderPlain } from '../src/messages/plain.js';
import { ENGINES } from './helpers/engines.js';
import { newContext, registryOn } from './helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const NOW = new Date('2026-11-23T10:00:00Z');

/** Every change only an admin may make, as typed. */
const ADMIN_COMMANDS = [
  '/ticket hours 09:00-18:00 Europe/Berlin',
  '/ticket hours days=sun-thu',
  '/ticket hours reset',
  '/ticket holidays add 2026-12-25',
  '/ticket holidays remove 2026-12-31',
  '/ticket alerts here',
  '/ticket alerts off',
  '/survey settings close=10 fatigue=45',
  '/digest schedule mon 09:00 Europe/Berlin',
  '/digest off',
  '/health settings adoption=50',
  '/tenure admin add @carla',
  '/tenure admin remove @ana',
];

/** What members read and log: none of it needs an admin. */
const MEMBER_COMMANDS = [
  '/ticket hours',
  '/ticket holidays',
  '/ticket alerts',
  '/survey settings',
  '/health settings',
  '/digest now',
  '/tenure admin list',
  '/checkin "Acme Corp" call Reviewed the backup runbook',
  '/ticket "Acme Corp" minor Logo is blurry',
  '/ticket ack 1',
  '/usage "Acme Corp" active=80',
  '/survey nps "Acme Corp"',
];

describe.each(ENGINES)('roles on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;
  const run = (ctx: CommandContext, input: string) => t.registry.run(ctx, input);

  /** Someone in the same workspace as `ctx` (a fresh context, as the adapter would build it). */
  const as = (ctx: CommandContext, user: string, channel = 'general') =>
    newContext(db(), { now: NOW, user, channel, workspace: ctx.workspace.externalId, platform: ctx.workspace.platform });
  async function setRole(ctx: CommandContext, role: 'admin' | 'member'): Promise<void> {
    await db().update(users).set({ role }).where(eq(users.id, ctx.user.id));
  }
  async function roleOf(ctx: CommandContext, platformUserId: string): Promise<string | undefined> {
    const [row] = await db()
      .select({ role: users.role })
      .from(users)
      .where(and(eq(users.workspaceId, ctx.workspace.id), eq(users.platformUserId, platformUserId)));
    return row?.role;
  }
  /** Everything an admin command could change, to compare before and after a refusal. */
  async function state(ctx: CommandContext) {
    const [ws] = await db().select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, ctx.workspace.id));
    const channels = await db().select().from(channelSettings).where(eq(channelSettings.workspaceId, ctx.workspace.id)).orderBy(asc(channelSettings.channelId));
    const people = await db().select({ id: users.platformUserId, role: users.role }).from(users).where(eq(users.workspaceId, ctx.workspace.id)).orderBy(asc(users.platformUserId));
    const [audit] = await db().select({ n: count() }).from(auditLog).where(eq(auditLog.workspaceId, ctx.workspace.id));
    return { settings: ws!.settings, channels, people, audit: Number(audit!.n) };
  }
  async function auditOf(ctx: CommandContext, entityType: string) {
    return db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, ctx.workspace.id), eq(auditLog.entityType, entityType)))
      .orderBy(asc(auditLog.at), asc(auditLog.action));
  }

  /** A workspace whose admin is ana, with li and ben as members, an account and some settings to remove. */
  async function staffed(): Promise<{ ana: CommandContext; ben: CommandContext; li: CommandContext }> {
    const ana = await newContext(db(), { now: NOW, user: 'ana' });
    await setRole(ana, 'admin');
    const ben = await as(ana, 'ben');
    const li = await as(ana, 'li');
    await newContext(db(), { now: NOW, user: 'carla', workspace: ana.workspace.externalId });
    await run(ana, '/account add "Acme Corp" licensed=100 active=72 owner=@ana');
    await run(ana, '/ticket holidays add 2026-12-31');
    await run(ana, '/digest schedule fri 16:00');
    await run(ana, '/ticket alerts here');
    await setRole(li, 'admin');
    return { ana, ben, li };
  }

  it('refuses every admin command to a member, naming the admins and what to ask, and changes nothing', async () => {
    const { ben } = await staffed();
    for (const input of ADMIN_COMMANDS) {
      const before = await state(ben);
      const reply = await run(ben, input);
      const out = plain(reply);
      expect(out, input).toMatch(/^⚠️ Only workspace admins can [a-z ]+\. Admins here: @ana, @li\. Ask one of them, or ask them to run \/tenure admin add @ben\./);
      // A refusal is not a typing error: no usage line under it.
      expect(out, input).not.toContain('Usage:');
      expect(reply.messages[0]!.visibility, input).toBe('ephemeral');
      expect(await state(ben), input).toEqual(before);
    }
    expect(plain(await run(ben, '/ticket hours 09:00-18:00'))).toContain('Only workspace admins can change business hours.');
    expect(plain(await run(ben, '/ticket holidays add 2026-12-25'))).toContain('Only workspace admins can change holidays.');
    expect(plain(await run(ben, '/ticket alerts here'))).toContain('Only workspace admins can change the alert channel.');
    expect(plain(await run(ben, '/survey settings close=10'))).toContain('Only workspace admins can change survey settings.');
    expect(plain(await run(ben, '/digest off'))).toContain('Only workspace admins can turn the weekly digest off.');
    expect(plain(await run(ben, '/tenure admin add @ben'))).toContain('Only workspace admins can add or remove admins.');
  });

  it('in Slack the refusal mentions the admins so they are one click away', async () => {
    const ana = await newContext(db(), { now: NOW, user: 'U0ANA', platform: 'slack' });
    await setRole(ana, 'admin');
    const ben = await as(ana, 'U0BEN');
    const reply = await run(ben, '/ticket hours 09:00-18:00');
    expect(reply.messages[0]!.text).toContain('Admins here: @{U0ANA|U0ANA}.');
  });

  it('lets an admin run every admin command, each change audited', async () => {
    const { li } = await staffed();
    for (const input of ADMIN_COMMANDS) {
      const before = await state(li);
      const out = plain(await run(li, input));
      expect(out, input).not.toContain('Only workspace admins');
      expect(out, input).not.toContain('⚠️');
      expect((await state(li)).audit, input).toBeGreaterThan(before.audit);
    }
    expect(await roleOf(li, 'carla')).toBe('admin');
    expect(await roleOf(li, 'ana')).toBe('member');
    const digest = (await auditOf(li, 'channel')).filter((e) => e.action === 'digest-schedule');
    expect(digest.at(-2)).toMatchObject({ actorUserId: li.user.id, entityId: 'general', after: { digestDay: 'mon', digestTime: '09:00', timezone: 'Europe/Berlin' } });
    expect(digest.at(-1)).toMatchObject({ actorUserId: li.user.id, before: { digestEnabled: true }, after: { digestEnabled: false } });
  });

  it('lets members read settings and log check-ins, tickets, usage and survey answers', async () => {
    const { ben, li } = await staffed();
    for (const input of MEMBER_COMMANDS) {
      const out = plain(await run(ben, input));
      expect(out, input).not.toContain('Only workspace admins');
      expect(out, input).not.toContain('⚠️');
    }
    const posted = await run(ben, '/survey nps "Acme Corp" force=yes');
    const nine = posted.messages[0]!.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : [])).find((a: Action) => a.label === '9')!;
    expect(plain(await t.registry.press(li, nine.id, nine.value))).toContain('Thank');
    expect(plain(await t.registry.press(ben, nine.id, nine.value))).toContain('Thank');
    const ws = ben.workspace.id;
    const n = async (table: typeof checkins | typeof tickets | typeof usageReadings | typeof surveyResponses) =>
      Number((await db().select({ n: count() }).from(table).where(eq(table.workspaceId, ws)))[0]!.n);
    expect({ checkins: await n(checkins), tickets: await n(tickets), usage: await n(usageReadings), answers: await n(surveyResponses) }).toEqual({ checkins: 1, tickets: 1, usage: 1, answers: 2 });
    const [ticket] = await db().select().from(tickets).where(eq(tickets.workspaceId, ws));
    expect(ticket).toMatchObject({ status: 'acknowledged', firstResponseByUserId: ben.user.id });
  });

  it('manages admins: list, add (console @name, Slack <@U…|name>, Teams display name), remove — never the last one', async () => {
    const { ana, ben, li } = await staffed();
    expect(plain(await run(ben, '/tenure admin list'))).toContain('Admins here (2): @ana, @li');
    expect(plain(await run(ben, '/tenure admin'))).toContain('Admins here (2)');

    const added = await run(ana, '/tenure admin add @Ben');
    expect(plain(added)).toContain('✅ @ben is now an admin of Tenure here, added by @ana.');
    expect(added.messages[0]!.visibility).toBe('channel');
    expect(plain(await run(ana, '/tenure admin add @ben'))).toContain('@ben is already an admin here.');
    expect(await roleOf(ana, 'ben')).toBe('admin');
    // A new name in the console is a new person, as for owner=@name.
    expect(plain(await run(ana, 'tenure admin add @dana'))).toContain('@dana is now an admin');

    expect(plain(await run(li, '/tenure admin remove @ana'))).toContain('✅ @ana is no longer an admin of Tenure here, removed by @li.');
    expect(plain(await run(li, '/tenure admin remove @ana'))).toContain('@ana is not an admin here.');
    expect(plain(await run(ana, '/tenure admin remove @li'))).toContain('Only workspace admins can add or remove admins.');
    expect(plain(await run(li, '/tenure admin remove @nobody'))).toContain('Nobody called @nobody has used Tenure here yet.');

    // Down to one admin: they stay.
    await run(li, '/tenure admin remove @ben');
    await run(li, '/tenure admin remove @dana');
    const before = await state(li);
    const last = plain(await run(li, '/tenure admin remove @li'));
    expect(last).toContain('⚠️ @li is the last admin here, so they stay admin.');
    expect(last).toContain('Make someone else admin first with /tenure admin add @name');
    expect(last).toContain('Usage: /tenure admin remove @user');
    expect(await state(li)).toEqual(before);

    // Every grant and revoke is in the audit log, with who did it.
    const audit = (await auditOf(li, 'user')).map((e) => [e.action, e.before?.name, e.after?.role, e.actorUserId]);
    expect(audit).toEqual(
      expect.arrayContaining([
        ['role.grant', 'ben', 'admin', ana.user.id],
        ['role.grant', 'dana', 'admin', ana.user.id],
        ['role.revoke', 'ana', 'member', li.user.id],
        ['role.revoke', 'ben', 'member', li.user.id],
        ['role.revoke', 'dana', 'member', li.user.id],
      ]),
    );
    expect(audit).toHaveLength(5);

    // Mistakes say what to type.
    expect(plain(await run(li, '/tenure admin add'))).toContain('Who? Mention the person.');
    expect(plain(await run(li, '/tenure admin add <#C123|ops>'))).toContain('is a channel; mention a person');
    expect(plain(await run(li, '/tenure admin promote @ben'))).toContain('"promote" is not an admin command: use list, add or remove.');
    expect(plain(await run(li, '/tenure admin help'))).toContain('/tenure admin add @user');
  });

  it('reads Slack mentions by id (with or without a label) and Teams mentions by display name', async () => {
    const slackAdmin = await newContext(db(), { now: NOW, user: 'U0ANA', platform: 'slack' });
    await setRole(slackAdmin, 'admin');
    expect(plain(await run(slackAdmin, '/tenure admin add <@U0LI|li>'))).toContain('@li is now an admin');
    expect(await roleOf(slackAdmin, 'U0LI')).toBe('admin');
    // Without a label the known person keeps their name.
    expect(plain(await run(slackAdmin, '/tenure admin remove <@U0LI>'))).toContain('@li is no longer an admin');
    // A plain @name outside the console must be someone Tenure has seen.
    expect(plain(await run(slackAdmin, '/tenure admin add @zed'))).toContain('Nobody called @zed has used Tenure here yet.');
    expect(await roleOf(slackAdmin, 'zed')).toBeUndefined();

    const teamsAdmin = await newContext(db(), { now: NOW, user: '29:ana', platform: 'teams' });
    await setRole(teamsAdmin, 'admin');
    await newContext(db(), { now: NOW, user: '29:li', platform: 'teams', workspace: teamsAdmin.workspace.externalId }).then((li) =>
      db().update(users).set({ displayName: 'Li Wang' }).where(eq(users.id, li.user.id)),
    );
    // Teams sends "<at>Li Wang</at>", which reaches the command as the plain name.
    expect(plain(await run(teamsAdmin, 'admin add Li Wang'))).toContain('@Li Wang is now an admin');
    expect(await roleOf(teamsAdmin, '29:li')).toBe('admin');
  });

  it('a workspace with no admin is claimed by the first person to run an admin command — once, audited', async () => {
    const ben = await newContext(db(), { now: NOW, user: 'ben' });
    const carla = await as(ben, 'carla');
    expect(plain(await run(carla, '/tenure admin list'))).toContain('no Tenure admin yet');
    // Reading settings claims nothing.
    await run(carla, '/ticket hours');
    expect(await roleOf(ben, 'carla')).toBe('member');

    const claimed = plain(await run(ben, '/ticket hours 09:00-18:00'));
    expect(claimed).toContain('✅ Business hours are now');
    expect(claimed).toContain('You are now an admin of Tenure in this workspace');
    expect(await roleOf(ben, 'ben')).toBe('admin');
    expect(plain(await run(carla, '/ticket hours 10:00-18:00'))).toContain('Only workspace admins can change business hours. Admins here: @ben.');
    // The second change by the same admin says nothing more about it.
    expect(plain(await run(ben, '/ticket hours 10:00-18:00'))).not.toContain('You are now an admin');

    const claims = await auditOf(ben, 'user');
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({ action: 'role.claim', actorUserId: ben.user.id, entityId: ben.user.id, before: { role: 'member' }, after: { role: 'admin' } });
  });

  it('two people claiming an admin-less workspace at the same moment: exactly one becomes admin', async () => {
    const first = await newContext(db(), { now: NOW, user: 'ben' });
    const people = [first, ...(await Promise.all(['carla', 'dana', 'eli'].map((u) => as(first, u))))];
    const replies = await Promise.all(people.map((p, i) => run(p, `/survey settings close=${10 + i}`)));
    const outs = replies.map(plain);
    expect(outs.filter((o) => o.includes('Survey settings saved'))).toHaveLength(1);
    expect(outs.filter((o) => o.includes('Only workspace admins can change survey settings'))).toHaveLength(3);
    const admins = await db().select().from(users).where(and(eq(users.workspaceId, first.workspace.id), eq(users.role, 'admin')));
    expect(admins).toHaveLength(1);
    expect(await auditOf(first, 'user')).toHaveLength(1);
  });

  it('a revoked admin is refused at once, even with a context read before the change', async () => {
    const { ana, li } = await staffed();
    const stale: CommandContext = { ...ana, user: { ...ana.user, role: 'admin' } }; // read while ana was admin
    await run(li, '/tenure admin remove @ana');
    expect(stale.user.role).toBe('admin');
    expect(plain(await run(stale, '/ticket alerts off'))).toContain('Only workspace admins can change the alert channel.');
  });

  it('no button or form does an admin’s job: the registry’s buttons and forms are the member ones below', () => {
    // Buttons and form submissions run through the same command code (Registry.press /
    // submit). A new one must land in this list after deciding whether it calls
    // requireAdmin, as the typed admin commands do.
    const actions = [...t.registry.list().flatMap((c) => Object.keys(c.actions ?? {})), ...Object.keys(CSV_IMPORT_ACTIONS)].sort();
    const forms = [...t.registry.list().flatMap((c) => Object.keys(c.forms ?? {}))].sort();
    // The CSV import buttons (a file shared in Slack) add accounts, as /account add does: members may.
    // Undo buttons and check-in edits are the change's own person's (core/undo.ts checks who); those that
    // change what only admins may (an archive, the digest schedule, settings, the alert channel) also call requireAdmin. The PSA
    // connection's credentials form and its Import button (commands/connect.ts) call requireAdmin, as do
    // the Undo of a change of admins or of API tokens.
    expect(actions).toEqual(
      [
        'account.link',
        'account.show',
        'account.undo-add',
        'account.undo-archive',
        'account.undo-link',
        'account.undo-set',
        'admin.undo',
        'alerts.undo',
        'checkin.again',
        'checkin.form',
        'checkin.from-message',
        'checkin.undo',
        'checkin.undo-edit',
        'connect.confirm',
        'connect.undo',
        'csv-import.cancel',
        'csv-import.confirm',
        'csv-import.undo',
        'digest.undo',
        'renewal.undo',
        'settings.undo',
        'survey.answer',
        'survey.reason',
        'survey.undo-close',
        'survey.undo-start',
        'ticket.ack',
        'ticket.resolve',
        'ticket.show',
        'ticket.undo-ack',
        'ticket.undo-open',
        'ticket.undo-reopen',
        'ticket.undo-resolve',
        'token.undo-create',
        'token.undo-revoke',
        'usage.undo',
      ].sort(),
    );
    expect(forms).toEqual(['checkin', 'checkin.edit', 'connect.credentials', 'survey.reason', 'ticket']);
  });
});
