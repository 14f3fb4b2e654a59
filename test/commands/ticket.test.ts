// /ticket by text, form and buttons, on every database engine. Expected deadlines
// are hand-computed (default business hours 08:00–17:00 Mon–Fri, workspace in UTC
// unless a case says otherwise) and written in UTC.
import { and, count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { parseWorkdays } from '../../commands/ticket-settings.js';
import { auditLog, channelSettings, ticketEvents, tickets, workspaces } from '../../db/schema.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { expectLines } from '../helpers/expect-lines.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const MON = new Date('2026-11-23T10:00:00Z'); // a Monday

describe.each(ENGINES)('/ticket on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  async function workspaceWith(names: string[], options: Parameters<typeof newContext>[1] = {}): Promise<CommandContext> {
    const ctx = await newContext(db(), { now: MON, ...options });
    for (const name of names) await t.registry.run(ctx, `/account add "${name}" owner=@ana`);
    return ctx;
  }
  /** The same person at another moment (and channel), with the workspace as it is now (settings change). */
  async function at(ctx: CommandContext, iso: string, channel?: string): Promise<CommandContext> {
    const [workspace] = await db().select().from(workspaces).where(eq(workspaces.id, ctx.workspace.id));
    return { ...ctx, workspace: workspace!, now: new Date(iso), ...(channel ? { channel: { id: channel, name: channel } } : {}) };
  }
  const run = async (ctx: CommandContext, input: string) => t.registry.run(ctx, input);
  const ticketRows = (ctx: CommandContext) => db().select().from(tickets).where(eq(tickets.workspaceId, ctx.workspace.id)).orderBy(tickets.number);
  async function counts(ctx: CommandContext) {
    const n = async (table: typeof tickets | typeof ticketEvents | typeof auditLog) =>
      Number((await db().select({ n: count() }).from(table).where(eq(table.workspaceId, ctx.workspace.id)))[0]!.n);
    return { tickets: await n(tickets), events: await n(ticketEvents), audit: await n(auditLog) };
  }

  it('opens a ticket: #id, severity and the first-response due time in the channel’s time zone', async () => {
    const ctx = await workspaceWith(['Acme Corp']);
    // The channel reads times in New York; business hours stay the workspace's (UTC).
    await db().insert(channelSettings).values({ workspaceId: ctx.workspace.id, channelId: 'acme', timezone: 'America/New_York' });
    const friday = await at(ctx, '2026-11-27T16:30:00Z', 'acme');
    const reply = await run(friday, '/ticket "Acme Corp" critical VPN tunnel down tech=Networking');
    const text = plain(reply);
    expect(reply.messages[0]!.visibility).toBe('channel');
    expect(text).toContain('Opened #1 for Acme Corp — 🔴 critical: “VPN tunnel down”');
    // Fri 16:30 UTC + 1 business hour = 30 min Friday + 30 min Monday → Mon 08:30 UTC = 03:30 in New York (EST).
    expect(text).toContain('First response due Mon 30 Nov 2026 03:30 (America/New_York) — 1 business hour');
    expect(text).toContain("the team's business hours are 08:00–17:00 Mon–Fri (UTC)");
    expect(text).toContain('[Acknowledge #1]');

    const [row] = await ticketRows(ctx);
    expect(row).toMatchObject({ number: 1, severity: 'critical', title: 'VPN tunnel down', technology: 'networking', status: 'open', channelId: 'acme', openedByUserId: ctx.user.id });
    expect(row!.slaDueAt.toISOString()).toBe('2026-11-30T08:30:00.000Z');
    expect(await counts(ctx)).toMatchObject({ tickets: 1, events: 1 });

    // Multi-word names without quotes; the next number; the channel's zone defaults to the workspace's.
    const second = plain(await run(await at(ctx, '2026-11-24T15:00:00Z'), '/ticket acme corp major Backups failing since Monday'));
    // Tue 15:00 + 4 h = 2 h Tue + 2 h Wed → Wed 10:00.
    expect(second).toContain('Opened #2 for Acme Corp — 🟠 major: “Backups failing since Monday”');
    expect(second).toContain('First response due Wed 25 Nov 2026 10:00 (UTC) — 4 business hours.');
  });

  it('counts #ids per workspace and reads #42 and 42 alike', async () => {
    const a = await workspaceWith(['Acme Corp']);
    const b = await workspaceWith(['Acme Corp']);
    await run(a, '/ticket "Acme Corp" minor First');
    await run(a, '/ticket "Acme Corp" minor Second');
    expect(plain(await run(b, '/ticket "Acme Corp" minor Other workspace'))).toContain('Opened #1 for');
    expect(plain(await run(a, '/ticket #2'))).toContain('#2 · Second');
    expect(plain(await run(a, '/ticket show 2'))).toContain('#2 · Second');
  });

  it('in a linked channel the account may be left out', async () => {
    const ctx = await workspaceWith(['Hooli'], { channel: 'hooli' });
    await run(ctx, '/account link Hooli');
    expect(plain(await run(ctx, '/ticket cosmetic Logo is blurry'))).toContain('Opened #1 for Hooli — ⚪ cosmetic');
  });

  it('acknowledges: time to first response in business minutes, met or missed', async () => {
    const ctx = await workspaceWith(['Acme Corp']);
    await run(ctx, '/ticket "Acme Corp" critical Portal down'); // Mon 10:00 → due 11:00
    await run(await at(ctx, '2026-11-23T15:00:00Z'), '/ticket "Acme Corp" major Slow VPN'); // Mon 15:00 → due Tue 10:00

    const met = await run(await at(ctx, '2026-11-23T10:48:00Z'), '/ticket ack #1');
    expect(plain(met)).toContain('#1 acknowledged by @ana: first response after 48 min of business time — SLA met; it was due Mon 23 Nov 2026 11:00 (UTC).');
    expect(met.messages[0]!.tone).toBe('success');

    // Mon 15:00 → Tue 11:30: 2 h Monday + 3 h 30 min Tuesday; due Tue 10:00, so 1 h 30 min late.
    const missed = plain(await run(await at(ctx, '2026-11-24T11:30:00Z'), '/ticket ack 2'));
    expect(missed).toContain('first response after 5 h 30 min of business time — SLA missed by 1 h 30 min of business time');

    const rows = await ticketRows(ctx);
    expect(rows.map((r) => [r.status, r.firstResponseAt?.toISOString(), r.firstResponseByUserId])).toEqual([
      ['acknowledged', '2026-11-23T10:48:00.000Z', ctx.user.id],
      ['acknowledged', '2026-11-24T11:30:00.000Z', ctx.user.id],
    ]);
  });

  it('resolves with a note; an unacknowledged ticket gets its first response at resolution', async () => {
    const ctx = await workspaceWith(['Acme Corp']);
    await run(ctx, '/ticket "Acme Corp" major Certificate expired'); // due Mon 14:00
    const reply = plain(await run(await at(ctx, '2026-11-24T10:00:00Z'), '/ticket resolve #1 Rotated the certificate; monitoring added'));
    expect(reply).toContain('Resolved #1 for Acme Corp — “Certificate expired” — after 1 d');
    expect(reply).toContain('> Rotated the certificate; monitoring added');
    expect(reply).toContain('It was never acknowledged, so the resolution counts as the first response (SLA missed).');
    const [row] = await ticketRows(ctx);
    expect(row).toMatchObject({ status: 'resolved', resolutionNote: 'Rotated the certificate; monitoring added', resolvedByUserId: ctx.user.id, firstResponseByUserId: ctx.user.id });
    expect(row!.firstResponseAt!.toISOString()).toBe('2026-11-24T10:00:00.000Z');
    expect(row!.resolvedAt!.toISOString()).toBe('2026-11-24T10:00:00.000Z');
  });

  it('shows one ticket with its history', async () => {
    const ctx = await workspaceWith(['Acme Corp']);
    await run(ctx, '/ticket "Acme Corp" critical Portal down');
    await run(await at(ctx, '2026-11-23T10:20:00Z', 'ops'), '/ticket ack 1');
    await run(await at(ctx, '2026-11-23T12:00:00Z'), '/ticket resolve 1 Restarted the app pool');
    const card = plain(await run(ctx, '/ticket 1'));
    expectLines(card, [
      '#1 · Portal down',
      'Status: resolved',
      'Owner: @ana',
      'First response due: Mon 23 Nov 2026 11:00 (UTC)',
      'First response: Mon 23 Nov 2026 10:20 by @ana — 20 min of business time, SLA met ✅',
      'Resolved: Mon 23 Nov 2026 12:00 by @ana (after 2 h)',
    ]);
    expect(card).toContain(
      ['History', '• Mon 23 Nov 2026 10:00 — opened by @ana', '• Mon 23 Nov 2026 10:20 — acknowledged (first response) by @ana', '• Mon 23 Nov 2026 12:00 — resolved by @ana'].join('\n'),
    );
  });

  it('lists open tickets (unanswered, soonest deadline first) or all, per account', async () => {
    const ctx = await workspaceWith(['Acme Corp', 'Globex']);
    await run(ctx, '/ticket "Acme Corp" cosmetic Typo on invoice'); // due Tue 13:00
    await run(ctx, '/ticket Globex critical Outage'); // due 11:00
    await run(ctx, '/ticket Globex minor Slow reports'); // due Mon 18:00? no: 10:00 + 8 h = 7 h Mon + 1 h Tue → Tue 09:00
    await run(ctx, '/ticket Globex major Old one');
    await run(await at(ctx, '2026-11-23T10:05:00Z'), '/ticket ack 2');
    await run(await at(ctx, '2026-11-23T10:06:00Z'), '/ticket resolve 4');
    const later = await at(ctx, '2026-11-23T16:00:00Z');

    const open = plain(await run(later, '/ticket list'));
    expect(open).toContain('Open tickets (3)');
    const order = ['#3 🟡 minor · Globex', '#1 ⚪ cosmetic · Acme Corp', '#2 🔴 critical · Globex'].map((s) => open.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(open).toContain('“Slow reports” · awaiting first response — due Tue 24 Nov 2026 09:00 (2 h of business time left)');
    expect(open).toContain('#2 🔴 critical · Globex · “Outage” · acknowledged by @ana (SLA met)');
    expect(open).not.toContain('#4');

    const all = plain(await run(later, '/ticket list globex all'));
    expect(all).toContain('All tickets for Globex (3)');
    expect(all).toContain('#4 🟠 major · Globex · “Old one” · resolved Mon 23 Nov 2026 10:06 by @ana');
    expect(all).not.toContain('Acme Corp');

    const breached = plain(await run(await at(ctx, '2026-11-24T09:30:00Z'), '/ticket list "Globex" open'));
    expect(breached).toContain('#3 🟡 minor · Globex · “Slow reports” · ⚠️ SLA breached — first response was due Tue 24 Nov 2026 09:00');
    expect(plain(await run(ctx, '/ticket list Initech'))).toMatch(/No account named "Initech"/);
  });

  it('answers bad input with what to type, and changes nothing', async () => {
    const ctx = await workspaceWith(['Acme Corp']);
    const other = await workspaceWith(['Acme Corp']);
    await run(other, '/ticket "Acme Corp" major Someone else’s ticket'); // #1 in the other workspace only
    await run(ctx, '/ticket "Acme Corp" minor Ours'); // #1 here
    await run(ctx, '/ticket resolve 1 Done');
    const before = { here: await counts(ctx), there: await counts(other), rows: await ticketRows(ctx) };

    const cases: [string, RegExp, string][] = [
      ['/ticket ack abc', /"abc" is not a ticket number; write it like 42 or #42/, 'Usage: /ticket ack <id>'],
      ['/ticket ack', /Which ticket\? Give its number/, 'Usage: /ticket ack <id>'],
      ['/ticket ack 2', /There is no ticket #2 here/, 'Usage: /ticket ack <id>'],
      ['/ticket ack 1 2', /takes one ticket number/, 'Usage: /ticket ack <id>'],
      ['/ticket resolve #0', /"#0" is not a ticket number/, 'Usage: /ticket resolve <id>'],
      ['/ticket resolve 1 again', /Ticket #1 is already resolved \(by @ana\); nothing was changed/, 'Usage: /ticket resolve <id>'],
      ['/ticket ack 1', /Ticket #1 is already resolved/, 'Usage: /ticket ack <id>'],
      ['/ticket "Acme Corp" urgent VPN down', /"urgent" is not a severity: use critical, major, minor or cosmetic/, 'Usage: /ticket <account> <critical'],
      ['/ticket Acme Corp sev1 VPN down', /"sev1" is not a severity/, 'Usage: /ticket <account> <critical'],
      ['/ticket Acme Corp', /Say how severe it is/, 'Usage: /ticket <account>'],
      ['/ticket "Acme Corp" critical', /Add a title for the ticket: the title is missing/, 'Usage: /ticket <account>'],
      ['/ticket Acme Crop critical VPN', /No account named "Acme Crop"[\s\S]*Did you mean "Acme Corp"/, 'Usage: /ticket <account>'],
      ['/ticket 7', /There is no ticket #7 here/, 'Usage: /ticket <id>'],
      ['/ticket stats days=0', /days=0: give a whole number of days from 1 to 730/, 'Usage: /ticket stats'],
      ['/ticket stats lots', /days=lots/, 'Usage: /ticket stats'],
    ];
    for (const [input, expected, usage] of cases) {
      const reply = await run(ctx, input);
      expect(reply.messages[0]!.tone, input).toBe('error');
      expect(plain(reply), input).toMatch(expected);
      expect(plain(reply), input).toContain(usage);
    }
    expect(await counts(ctx)).toEqual(before.here);
    expect(await counts(other)).toEqual(before.there);
    expect(await ticketRows(ctx)).toEqual(before.rows);
    // The other workspace's #1 is untouched by everything above.
    expect((await ticketRows(other))[0]).toMatchObject({ status: 'open', firstResponseAt: null });
  });

  it('sets business hours and holidays through the command; new deadlines follow them', async () => {
    const ctx = await workspaceWith(['Acme Corp']);
    expect(plain(await run(ctx, '/ticket hours'))).toContain('Business hours: 08:00–17:00 Mon–Fri (UTC). No holidays ahead.');
    expect(plain(await run(ctx, '/ticket hours 09:00-18:00 europe/berlin'))).toContain('Business hours are now 09:00–18:00 Mon–Fri (Europe/Berlin).');
    expect(plain(await run(await at(ctx, MON.toISOString()), '/ticket holidays add 2026-12-25 2026-12-24,'))).toContain('Added holidays Thu 24 Dec 2026, Fri 25 Dec 2026.');
    expect(plain(await run(await at(ctx, MON.toISOString()), '/ticket holidays remove 2026-12-24'))).toContain('Holidays ahead: Fri 25 Dec 2026.');

    // Wed 23 Dec 16:00 Berlin (15:00 UTC), major 4 h: 2 h Wed (16–18), Thu 24 is a working day again: 09:00 + 2 h → Thu 11:00 Berlin.
    await run(await at(ctx, '2026-12-23T15:00:00Z'), '/ticket "Acme Corp" major Before the holiday');
    // Thu 24 Dec 16:00 Berlin: 2 h Thu, Fri 25 a holiday, the weekend → Mon 28 Dec 09:00 + 2 h = 11:00 Berlin = 10:00 UTC.
    const reply = plain(await run(await at(ctx, '2026-12-24T15:00:00Z'), '/ticket "Acme Corp" major Over the holiday'));
    // Shown in the zone of the business hours (issue 24: deadlines were shown in the workspace's UTC).
    expect(reply).toContain('First response due Mon 28 Dec 2026 11:00 (Europe/Berlin) — 4 business hours');
    const rows = await ticketRows(ctx);
    expect(rows.map((r) => r.slaDueAt.toISOString())).toEqual(['2026-12-24T10:00:00.000Z', '2026-12-28T10:00:00.000Z']);

    // Working days, a zone on its own, and back to the defaults (holidays kept).
    expect(plain(await run(await at(ctx, MON.toISOString()), '/ticket hours days=sun-thu'))).toContain('09:00–18:00 Sun–Thu (Europe/Berlin)');
    expect(plain(await run(await at(ctx, MON.toISOString()), '/ticket hours Asia/Dubai'))).toContain('09:00–18:00 Sun–Thu (Asia/Dubai)');
    expect(plain(await run(await at(ctx, MON.toISOString()), '/ticket hours reset'))).toContain('back to the default: 08:00–17:00 Mon–Fri (UTC). Holidays are kept.');
    expect(plain(await run(await at(ctx, MON.toISOString()), '/ticket holidays'))).toContain('Holidays ahead: Fri 25 Dec 2026.');
  });

  it('refuses bad hours and holidays, leaving the settings as they were', async () => {
    const ctx = await workspaceWith([]);
    await run(ctx, '/ticket hours 09:00-18:00 Europe/Berlin');
    const settings = async () => (await db().select().from(workspaces).where(eq(workspaces.id, ctx.workspace.id)))[0]!.settings;
    const before = await settings();
    const cases: [string, RegExp][] = [
      ['/ticket hours 25:00-18:00', /has a time that does not exist/],
      ['/ticket hours 18:00-09:00', /must close after they open/],
      ['/ticket hours 09:00-18:00 Mars/Base', /"Mars\/Base" is not a time zone/],
      ['/ticket hours nine to five', /is not a time range/],
      ['/ticket hours days=weekends', /days=weekends: write the working days like mon-fri/],
      ['/ticket hours 09:00-18:00 foo=bar', /"foo=bar" is not a setting of \/ticket hours/],
      ['/ticket holidays add 2026-02-30', /"2026-02-30" is not a date/],
      ['/ticket holidays add', /Which dates\?/],
      ['/ticket holidays sometimes 2026-12-25', /say add or remove/],
      ['/ticket alerts everywhere', /say here/],
    ];
    for (const [input, expected] of cases) {
      const reply = await run(await at(ctx, MON.toISOString()), input);
      expect(reply.messages[0]!.tone, input).toBe('error');
      expect(plain(reply), input).toMatch(expected);
    }
    expect(await settings()).toEqual(before);
    const changes = await db().select().from(auditLog).where(and(eq(auditLog.workspaceId, ctx.workspace.id), eq(auditLog.action, 'settings')));
    expect(changes).toHaveLength(1);
  });

  it('opens a form with no arguments; the form validates per field and opens only when valid', async () => {
    const ctx = await workspaceWith(['Acme Corp', 'Globex']);
    const form = (await run(ctx, '/ticket')).form!;
    expect(form.id).toBe('ticket');
    expect(form.fields.map((f) => f.id)).toEqual(['account', 'severity', 'title', 'tech']);
    expect(form.fields[0]!.options!.map((o) => o.value)).toEqual(['Acme Corp', 'Globex']);
    expect(form.fields[1]!.options!.map((o) => o.value)).toEqual(['critical', 'major', 'minor', 'cosmetic']);

    const invalid = await t.registry.submit(ctx, 'ticket', { account: 'Acme Crop', severity: 'urgent', title: ' ' });
    expect(invalid.ok).toBe(false);
    if (invalid.ok) throw new Error('unreachable');
    expect(invalid.errors).toMatchObject({ severity: 'Pick a severity', title: 'Add a title' });
    const wrongAccount = await t.registry.submit(ctx, 'ticket', { account: 'Acme Crop', severity: 'major', title: 'x' });
    if (wrongAccount.ok) throw new Error('unreachable');
    expect(wrongAccount.errors.account).toContain('Did you mean "Acme Corp"');
    expect(await ticketRows(ctx)).toEqual([]);

    const valid = await t.registry.submit(ctx, 'ticket', { account: 'Globex', severity: 'major', title: 'Mail delays', tech: 'Email' }, form.state);
    if (!valid.ok) throw new Error('form refused');
    expect(plain(valid.reply)).toContain('Opened #1 for Globex — 🟠 major: “Mail delays”');
    expect((await ticketRows(ctx))[0]).toMatchObject({ severity: 'major', technology: 'email' });

    // In a linked channel the form starts on that account.
    const linked = await at(ctx, MON.toISOString(), 'globex');
    await run(linked, '/account link Globex');
    expect((await run(linked, '/ticket')).form!.fields[0]!.initial).toBe('Globex');
  });

  it('buttons acknowledge, resolve and show by the ticket’s id, only within the workspace', async () => {
    const ctx = await workspaceWith(['Acme Corp']);
    const other = await workspaceWith(['Acme Corp']);
    await run(ctx, '/ticket "Acme Corp" critical Portal down');
    const [row] = await ticketRows(ctx);
    expect(plain(await t.registry.press(other, 'ticket.ack', row!.id))).toContain('That ticket no longer exists');
    expect(plain(await t.registry.press(ctx, 'ticket.show', row!.id))).toContain('#1 · Portal down');
    expect(plain(await t.registry.press(await at(ctx, '2026-11-23T10:30:00Z'), 'ticket.ack', row!.id))).toContain('#1 acknowledged by @ana');
    expect(plain(await t.registry.press(await at(ctx, '2026-11-23T11:30:00Z'), 'ticket.resolve', row!.id))).toContain('Resolved #1');
    expect(plain(await t.registry.press(ctx, 'ticket.resolve', 'not-an-id'))).toContain('That ticket no longer exists');
  });

  it('sets and clears the alert channel', async () => {
    const ctx = await workspaceWith([]);
    expect(plain(await run(ctx, '/ticket alerts'))).toContain('Alert channel: none set');
    expect(plain(await run(await at(ctx, MON.toISOString(), 'ops'), '/ticket alerts here'))).toContain('#ops is now the alert channel');
    expect(plain(await run(ctx, '/ticket alerts here'))).toContain('#general is now the alert channel');
    expect(plain(await run(ctx, '/ticket alerts'))).toContain('Alert channel: #general');
    const flagged = await db().select().from(channelSettings).where(and(eq(channelSettings.workspaceId, ctx.workspace.id), eq(channelSettings.isAlertChannel, true)));
    expect(flagged.map((c) => c.channelId)).toEqual(['general']);
    expect(plain(await run(ctx, '/ticket alerts off'))).toContain('No alert channel now: alerts of accounts without an internal channel go to their owner privately');
    expect(plain(await run(ctx, '/ticket alerts'))).toContain('none set');
  });

  it('prints usage for help', async () => {
    const ctx = await workspaceWith([]);
    const text = plain(await run(ctx, '/ticket help'));
    expect(text).toContain('/ticket <account> <critical|major|minor|cosmetic> <title…>');
    expect(text).toContain('/ticket hours [09:00-18:00] [Europe/Berlin]');
  });
});

describe('working days', () => {
  it.each([
    ['mon-fri', [1, 2, 3, 4, 5]],
    ['sun-thu', [1, 2, 3, 4, 7]],
    ['mon,wed,fri', [1, 3, 5]],
    ['SAT', [6]],
    ['weekdays', [1, 2, 3, 4, 5]],
    ['fri-mon', [1, 5, 6, 7]],
    ['mon-funday', null],
    ['', null],
  ] as [string, number[] | null][])('%s', (input, expected) => {
    expect(parseWorkdays(input)).toEqual(expected);
  });
});
