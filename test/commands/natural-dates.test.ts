// Issue 24, items 1 and 2 through the registry on every engine: dates and times as
// people write them in /checkin (text and form), /account, /ticket holidays and
// hours, /digest schedule and the CSV import, read in the workspace's zone and date
// order (/tenure settings dates=, confirmed and audited), every answer stating the
// date it understood in words. The clock is fixed: Sunday 6 Dec 2026, 11:00 in Berlin.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { accounts, auditLog, channelSettings, checkins, usageReadings, users, workspaces } from '../../db/schema.js';
import { importCsv } from '../../src/data/import.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const SUNDAY = new Date('2026-12-06T10:00:00Z');

describe.each(ENGINES)('dates and times as people write them on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  async function workspace(): Promise<CommandContext> {
    const ctx = await newContext(db(), { now: SUNDAY, timezone: 'Europe/Berlin' });
    await db().update(users).set({ role: 'admin' }).where(eq(users.id, ctx.user.id));
    await t.registry.run(ctx, '/account add "Acme Corp"');
    return ctx;
  }
  /** The context again with the workspace as stored now, as the next command would see it. */
  async function fresh(ctx: CommandContext): Promise<CommandContext> {
    const [ws] = await db().select().from(workspaces).where(eq(workspaces.id, ctx.workspace.id));
    return { ...ctx, workspace: ws! };
  }
  const touches = async (ctx: CommandContext) => db().select().from(checkins).where(eq(checkins.workspaceId, ctx.workspace.id));
  const lastTouch = async (ctx: CommandContext) => (await touches(ctx)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()).at(-1)!;

  it("README's first command works with a relative next step, and the answer names the day", async () => {
    const ctx = await workspace();
    const reply = plain(await t.registry.run(ctx, '/checkin "Acme Corp" call Walked through the backup runbook sentiment=positive next=in 2 weeks'));
    expect(reply).toContain('next touch Sun 20 Dec 2026');
    expect(await lastTouch(ctx)).toMatchObject({ notes: 'Walked through the backup runbook', nextStepDate: '2026-12-20' });
  });

  it('each form of a next step, typed after the note', async () => {
    const ctx = await workspace();
    const cases: [string, string, string][] = [
      ['next=tomorrow', '2026-12-07', 'Mon 7 Dec 2026'],
      ['next=fri', '2026-12-11', 'Fri 11 Dec 2026'],
      ['next=next friday', '2026-12-11', 'Fri 11 Dec 2026'],
      ['next="next friday"', '2026-12-11', 'Fri 11 Dec 2026'],
      ['next=Dec 1', '2027-12-01', 'Wed 1 Dec 2027'],
      ['next=1 Dec 2027', '2027-12-01', 'Wed 1 Dec 2027'],
      ['next=2027-03-31', '2027-03-31', 'Wed 31 Mar 2027'],
      ['next=25/12/2026', '2026-12-25', 'Fri 25 Dec 2026'],
      ['next_step=today', '2026-12-06', 'Sun 6 Dec 2026'],
    ];
    for (const [i, [option, date, words]] of cases.entries()) {
      const reply = plain(await t.registry.run(ctx, `/checkin "Acme Corp" email Sent plan ${i} ${option}`));
      expect(reply, option).toContain(`next touch ${words}`);
      expect(await lastTouch(ctx), option).toMatchObject({ notes: `Sent plan ${i}`, nextStepDate: date });
    }
  });

  it('the day of a touch points back: date=fri is the Friday that has passed', async () => {
    const ctx = await workspace();
    expect(plain(await t.registry.run(ctx, '/checkin "Acme Corp" meeting Onsite workshop date=fri'))).toContain('on Fri 4 Dec 2026');
    expect(plain(await t.registry.run(ctx, '/checkin "Acme Corp" call Quick sync on=yesterday next=tomorrow'))).toContain('on Sat 5 Dec 2026');
    const saved = (await touches(ctx)).map((c) => c.occurredAt.toISOString()).sort();
    // Midday of that day in Berlin.
    expect(saved).toEqual(['2026-12-04T11:00:00.000Z', '2026-12-05T11:00:00.000Z']);
  });

  it('an ambiguous numeric date is asked about until the workspace says its order (confirmed, audited)', async () => {
    const admin = await workspace();
    const asked = plain(await t.registry.run(admin, '/checkin "Acme Corp" call Roadmap next=12/01/2027'));
    expect(asked).toContain('"12/01/2027" could be Tue 12 Jan 2027 or Wed 1 Dec 2027');
    expect(asked).toContain('/tenure settings dates=dmy');
    expect(await touches(admin)).toEqual([]);

    expect(plain(await t.registry.run(admin, '/tenure settings'))).toContain('Numeric dates: not set: a date like 12/01 is asked about');
    const bad = plain(await t.registry.run(admin, '/tenure settings dates=ymd'));
    expect(bad).toContain('dates=ymd: say how numeric dates are written: dmy (12/01 is 12 January) or mdy (12/01 is 1 December).');
    const set = await t.registry.run(admin, '/tenure settings dates=DMY');
    expect(set.messages[0]!.visibility).toBe('channel');
    expect(plain(set)).toContain('• numeric dates not set: a date like 12/01 is asked about → dmy: day first (12/01 is 12 Jan)');
    const audit = await db().select().from(auditLog).where(and(eq(auditLog.workspaceId, admin.workspace.id), eq(auditLog.action, 'settings')));
    expect(audit.map((a) => [a.before, a.after])).toEqual([[{ dateOrder: null }, { dateOrder: 'dmy' }]]);

    const dmy = await fresh(admin);
    expect(plain(await t.registry.run(dmy, '/checkin "Acme Corp" call Roadmap next=12/01/2027'))).toContain('next touch Tue 12 Jan 2027');
    await t.registry.run(dmy, '/tenure settings dates=mdy');
    expect(plain(await t.registry.run(await fresh(admin), '/checkin "Acme Corp" call Roadmap again next=12/01/2027'))).toContain('next touch Wed 1 Dec 2027');
    expect((await touches(admin)).map((c) => c.nextStepDate).sort()).toEqual(['2027-01-12', '2027-12-01']);
  });

  it('the check-in form reads the same words', async () => {
    const ctx = await workspace();
    const form = (await t.registry.run(ctx, '/checkin')).form!;
    const done = await t.registry.submit(ctx, 'checkin', { account: 'Acme Corp', type: 'call', date: 'yesterday', sentiment: 'neutral', notes: 'Called back', next: 'next friday' }, form.state);
    expect(done.ok).toBe(true);
    if (!done.ok) return;
    expect(plain(done.reply)).toContain('on Sat 5 Dec 2026');
    expect(plain(done.reply)).toContain('next touch Fri 11 Dec 2026');
    const refused = await t.registry.submit(ctx, 'checkin', { account: 'Acme Corp', type: 'call', date: 'today', sentiment: 'neutral', notes: 'x', next: '12/01/2027' }, form.state);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.errors.next).toContain('could be Tue 12 Jan 2027 or Wed 1 Dec 2027');
  });

  it('the check-in edit form reads the same words, and says a long note\'s length', async () => {
    const ctx = await workspace();
    await t.registry.run(ctx, '/checkin "Acme Corp" call First version');
    const form = (await t.registry.run(ctx, '/checkin edit 1')).form!;
    const long = await t.registry.submit(ctx, 'checkin.edit', { type: 'call', date: 'today', sentiment: 'neutral', notes: 'n'.repeat(3_001), next: '' }, form.state);
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.errors.notes).toBe('The note is 3,001 characters long; a note takes at most 3,000.');
    const edited = await t.registry.submit(ctx, 'checkin.edit', { type: 'call', date: 'fri', sentiment: 'neutral', notes: 'Second "version"', next: 'in 2 weeks' }, form.state);
    expect(edited.ok).toBe(true);
    expect(await lastTouch(ctx)).toMatchObject({ notes: 'Second "version"', nextStepDate: '2026-12-20', occurredAt: new Date('2026-12-04T11:00:00Z') });
  });

  it('/account add and set read renewal, start and kickoff as people write them and say them in words', async () => {
    const ctx = await workspace();
    const added = plain(await t.registry.run(ctx, '/account add Globex renewal=31 Mar 2027 start=1 Apr 2026 kickoff=10 Apr 2026'));
    expect(added).toContain('renews Wed 31 Mar 2027');
    expect(added).toContain('contract start Wed 1 Apr 2026');
    const [globex] = await db().select().from(accounts).where(and(eq(accounts.workspaceId, ctx.workspace.id), eq(accounts.name, 'Globex')));
    expect(globex).toMatchObject({ renewalDate: '2027-03-31', contractStart: '2026-04-01', kickoffDate: '2026-04-10' });
    // A renewal named without a year is the next one.
    expect(plain(await t.registry.run(ctx, '/account set Globex renewal=Jun 30'))).toContain('renews Wed 30 Jun 2027');
    expect(plain(await t.registry.run(ctx, '/account set Globex renewal=someday'))).toContain('renewal=someday: "someday" is not a date');
  });

  it('/ticket holidays take dates in words and answer with them; /ticket hours take 9-17, 9am-5pm and CET, and deadlines show in that zone', async () => {
    const ctx = await workspace();
    const added = plain(await t.registry.run(ctx, '/ticket holidays add Dec 24 25/12/2026 1 Jan 2027'));
    expect(added).toContain('Added holidays Thu 24 Dec 2026, Fri 25 Dec 2026, Fri 1 Jan 2027.');

    expect(plain(await t.registry.run(ctx, '/ticket hours 9-17'))).toContain('Business hours are now 09:00–17:00 Mon–Fri (Europe/Berlin).');
    expect(plain(await t.registry.run(ctx, '/ticket hours 9am-5:30pm'))).toContain('09:00–17:30');
    expect(plain(await t.registry.run(ctx, '/ticket hours 0800–1600'))).toContain('08:00–16:00');
    const utc = await newContext(db(), { now: SUNDAY });
    await t.registry.run(utc, '/account add "Acme Corp"');
    const cet = plain(await t.registry.run(utc, '/ticket hours 09:00-18:00 CET'));
    expect(cet).toContain('Business hours are now 09:00–18:00 Mon–Fri (Europe/Brussels). CET was read as Europe/Brussels (Central European Time');
    // Monday 7 Dec 09:30 UTC is 10:30 in Brussels; a major ticket (4 business hours) is due 14:30 there.
    const opened = plain(await t.registry.run({ ...(await fresh(utc)), now: new Date('2026-12-07T09:30:00Z') }, '/ticket "Acme Corp" major VPN drops'));
    expect(opened).toContain('First response due Mon 7 Dec 2026 14:30 (Europe/Brussels)');
  });

  it('/digest schedule takes 9am, 9:00 and a zone abbreviation, saying which zone it took', async () => {
    const ctx = await workspace();
    expect(plain(await t.registry.run(ctx, '/digest schedule Mon 9:00'))).toContain('every Monday at 09:00 (Europe/Berlin)');
    const est = plain(await t.registry.run(ctx, '/digest schedule fri 4pm EST'));
    expect(est).toContain('every Friday at 16:00 (America/New_York). EST was read as America/New_York');
    const [row] = await db().select().from(channelSettings).where(and(eq(channelSettings.workspaceId, ctx.workspace.id), eq(channelSettings.channelId, ctx.channel.id)));
    expect(row).toMatchObject({ digestDay: 'fri', digestTime: '16:00', timezone: 'America/New_York' });
    expect(plain(await t.registry.run(ctx, '/digest schedule mon 9'))).toContain('"9" is not a time');
  });

  it('the CSV import reads dates in the workspace order and refuses an ambiguous one', async () => {
    const ctx = await workspace();
    const csv = 'name,renewal_date,contract_start\nInitech,31 Mar 2027,2026-04-01\nHooli,12/01/2027,\nUmbrella,25/12/2027,\n';
    const actor = { userId: ctx.user.id, now: SUNDAY };
    const report = await importCsv(db(), ctx.workspace.id, csv, { kind: 'accounts', actor });
    expect(report.errors).toEqual([{ line: 3, message: expect.stringContaining('renewal date "12/01/2027" could be Tue 12 Jan 2027 or Wed 1 Dec 2027') }]);
    await t.registry.run(ctx, '/tenure settings dates=mdy');
    const again = await importCsv(db(), ctx.workspace.id, 'name,renewal_date\nHooli,12/01/2027\n', { kind: 'accounts', actor });
    expect(again.errors).toEqual([]);
    const rows = await db().select().from(accounts).where(eq(accounts.workspaceId, ctx.workspace.id));
    const renewal = Object.fromEntries(rows.map((r) => [r.name, r.renewalDate]));
    expect(renewal).toMatchObject({ Initech: '2027-03-31', Hooli: '2027-12-01', Umbrella: '2027-12-25' });

    // Usage readings: a date in words, a numeric one in the order now set, an ISO date-time.
    const usage = await importCsv(db(), ctx.workspace.id, 'name,date,active\nInitech,1 Nov 2026,40\nInitech,11/02/2026,41\nInitech,yesterday,42\nInitech,2026-12-01T09:00:00Z,43\n', { actor, source: 'csv' });
    expect(usage).toMatchObject({ kind: 'usage', created: 4, errorCount: 0 });
    const readings = await db().select().from(usageReadings).where(eq(usageReadings.workspaceId, ctx.workspace.id));
    expect(readings.map((r) => [r.activeUsers, r.recordedAt.toISOString()]).sort()).toEqual([
      [40, '2026-11-01T00:00:00.000Z'],
      [41, '2026-11-02T00:00:00.000Z'],
      [42, '2026-12-05T00:00:00.000Z'],
      [43, '2026-12-01T09:00:00.000Z'],
    ]);
  });
});
