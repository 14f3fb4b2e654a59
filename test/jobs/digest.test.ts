// The weekly digest and the daily health pass with a controllable clock and a
// recording delivery, on every engine: posted once however many runners and runs,
// caught up the same day only, a dead claim taken over once its lease has passed
// (at once when its claimer is certainly gone), an unwritten outcome never re-posted.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { accounts, channelSettings, checkins, healthSnapshots, jobRuns } from '../../db/schema.js';
import type { ChannelDelivery } from '../../src/jobs/delivery.js';
import { digestDueOn, runDigests, DIGEST_JOB, type DigestDeps } from '../../src/jobs/digest.js';
import { claimRun, currentClaimer, type Claimer } from '../../src/core/ledger.js';
import { HEALTH_DAILY_JOB, runHealthDaily } from '../../src/jobs/health-daily.js';
import type { Message, Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');

function recorder(): ChannelDelivery & { posts: { workspaceId: string; channelId: string; message: Message }[] } {
  const posts: { workspaceId: string; channelId: string; message: Message }[] = [];
  return {
    posts,
    async post(workspace, channelId, message) {
      posts.push({ workspaceId: workspace.id, channelId, message });
    },
  };
}
/** A claimer on some other machine: only its lease can free its claims. */
const claimer = (label: string): Claimer => ({ label, pid: 1, instance: label, scope: null });
const quietLog = () => ({ info: () => undefined, warn: () => undefined, error: (d: Record<string, unknown>, m: string) => { throw new Error(`${m}: ${String(d.err)}`); } });

describe('digest day and time in the channel’s zone', () => {
  it.each([
    ['2026-11-23T07:59:00Z', 'mon', '09:00', 'Europe/Berlin', '2026-11-23', '2026-11-23T08:00:00.000Z'],
    ['2026-11-22T23:30:00Z', 'mon', '09:00', 'Europe/Berlin', '2026-11-23', '2026-11-23T08:00:00.000Z'], // already Monday in Berlin
    ['2026-11-22T23:30:00Z', 'mon', '09:00', 'UTC', null, null], // still Sunday in UTC
    ['2026-03-30T07:30:00Z', 'mon', '09:00', 'Europe/Berlin', '2026-03-30', '2026-03-30T07:00:00.000Z'], // the Monday after DST began: CEST
  ] as const)('%s, %s %s %s → %s', (now, day, time, zone, date, at) => {
    const due = digestDueOn(new Date(now), zone, day, time);
    expect(due ? [due.date, due.at.toISOString()] : [null, null]).toEqual([date, at]);
  });
});

describe.each(ENGINES)('digest and daily health jobs on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  async function scheduled(): Promise<CommandContext> {
    const ctx = await newContext(t.database.db, { now: new Date('2026-11-20T10:00:00Z'), channel: 'cs-team' });
    // Under contract since June and never touched: its first touch was due by the end of August.
    await t.registry.run(ctx, '/account add "Acme Corp" arr=120k renewal=2027-02-01 licensed=100 active=30 owner=@ana start=2026-06-01');
    const reply = plain(await t.registry.run(ctx, '/digest schedule mon 09:00 europe/berlin'));
    expect(reply).toContain('every Monday at 09:00 (Europe/Berlin)');
    return ctx;
  }

  it('/digest now, schedule and off; errors say what to type', async () => {
    const ctx = await scheduled();
    const now = plain(await t.registry.run(ctx, '/digest now'));
    expect(now).toContain('Weekly health digest');
    expect(now).toContain('1 accounts:');
    expect(now).toMatch(/At-risk renewals \(90 days\)\n• Acme Corp — .*30% utilization/);
    expect(now).toContain('Overdue check-ins by owner\n• @ana: Acme Corp');
    expect(now).toContain('Open critical tickets: none');
    expect(plain(await t.registry.run(ctx, '/digest schedule someday 09:00'))).toContain('is not a day of the week');
    expect(plain(await t.registry.run(ctx, '/digest schedule mon 25:00'))).toContain('is not a time');
    expect(plain(await t.registry.run(ctx, '/digest schedule mon 09:00 Mars/Base'))).toContain('is not a time zone');
    expect(plain(await t.registry.run(ctx, '/digest off'))).toContain('off for this channel');
    const [row] = await db().select().from(channelSettings).where(and(eq(channelSettings.workspaceId, ctx.workspace.id), eq(channelSettings.channelId, 'cs-team')));
    expect(row).toMatchObject({ digestDay: 'mon', digestTime: '09:00', timezone: 'Europe/Berlin', digestEnabled: false });
  });

  it('posts once at the channel’s time, with two runners at once; catches up the same day only', async () => {
    const ctx = await scheduled();
    const delivery = recorder();
    const deps = (owner: string): DigestDeps => ({ db: db(), deliveries: { console: delivery }, logger: quietLog(), claimer: claimer(owner) });
    const mine = () => delivery.posts.filter((p) => p.workspaceId === ctx.workspace.id);
    await runDigests(deps('a'), new Date('2026-11-23T07:59:00Z'));
    expect(mine()).toHaveLength(0);
    await Promise.all([runDigests(deps('a'), new Date('2026-11-23T08:00:00Z')), runDigests(deps('b'), new Date('2026-11-23T08:00:30Z'))]);
    await runDigests(deps('a'), new Date('2026-11-23T15:00:00Z'));
    expect(mine()).toHaveLength(1);
    expect(mine()[0]!.channelId).toBe('cs-team');
    // Down all Monday the next week: caught up late Monday evening, not on Tuesday.
    await runDigests(deps('a'), new Date('2026-11-30T22:30:00Z'));
    expect(mine()).toHaveLength(2);
    await runDigests(deps('a'), new Date('2026-12-08T08:00:00Z')); // a Tuesday
    expect(mine()).toHaveLength(2);
  });

  it('a claim left by a process that died before posting is completed exactly once after its lease', async () => {
    const ctx = await scheduled();
    const delivery = recorder();
    const mine = () => delivery.posts.filter((p) => p.workspaceId === ctx.workspace.id);
    // What a process killed between claim and post leaves behind (on another machine: no scope).
    await claimRun(db(), { jobName: DIGEST_JOB, periodKey: `${ctx.workspace.id}:cs-team:2026-11-23`, workspaceId: ctx.workspace.id, claimer: claimer('dead'), now: new Date('2026-11-23T08:00:00Z') });
    const next: DigestDeps = { db: db(), deliveries: { console: delivery }, logger: quietLog(), claimer: claimer('next') };
    await runDigests(next, new Date('2026-11-23T08:03:00Z')); // inside the lease: left alone
    expect(mine()).toHaveLength(0);
    await Promise.all([runDigests(next, new Date('2026-11-23T08:06:00Z')), runDigests({ ...next, claimer: claimer('other') }, new Date('2026-11-23T08:06:00Z'))]);
    await runDigests(next, new Date('2026-11-23T09:00:00Z'));
    expect(mine()).toHaveLength(1);
    const [done] = await db().select().from(jobRuns).where(and(eq(jobRuns.jobName, DIGEST_JOB), eq(jobRuns.workspaceId, ctx.workspace.id)));
    expect(done).toMatchObject({ status: 'done' });
    expect(['next', 'other']).toContain(done!.owner);
    expect(done!.detail).toMatchObject({ channelId: 'cs-team' });
  });

  it.runIf(currentClaimer().scope !== null)('takes over at once from a claimer that is certainly gone on this machine, never from a live one (Linux)', async () => {
    const ctx = await scheduled();
    const delivery = recorder();
    const mine = () => delivery.posts.filter((p) => p.workspaceId === ctx.workspace.id);
    const here = currentClaimer();
    const key = (date: string) => `${ctx.workspace.id}:cs-team:${date}`;
    const at = new Date('2026-11-23T08:00:00Z');
    // A live process on this machine (the test runner's parent) holds one claim; a pid above
    // Linux's pid_max (never a process), another.
    const live: Claimer = { label: 'live', pid: process.ppid, instance: 'live-start', scope: here.scope };
    const gone: Claimer = { label: 'gone', pid: 2 ** 22 + 17, instance: 'gone-start', scope: here.scope };
    await claimRun(db(), { jobName: DIGEST_JOB, periodKey: key('2026-11-23'), workspaceId: ctx.workspace.id, claimer: live, now: at });
    const deps: DigestDeps = { db: db(), deliveries: { console: delivery }, logger: quietLog(), claimer: here };
    await runDigests(deps, new Date('2026-11-23T08:01:00Z'));
    expect(mine()).toHaveLength(0);
    // A week later a process that is gone claimed the run a second ago: well inside its lease.
    await claimRun(db(), { jobName: DIGEST_JOB, periodKey: key('2026-11-30'), workspaceId: ctx.workspace.id, claimer: gone, now: new Date('2026-11-30T08:00:00Z') });
    await runDigests(deps, new Date('2026-11-30T08:00:01Z'));
    expect(mine()).toHaveLength(1);
    const rows = await db().select().from(jobRuns).where(and(eq(jobRuns.jobName, DIGEST_JOB), eq(jobRuns.workspaceId, ctx.workspace.id)));
    const byKey = new Map(rows.map((r) => [r.periodKey, r]));
    expect(byKey.get(key('2026-11-23'))).toMatchObject({ status: 'running', owner: 'live' });
    expect(byKey.get(key('2026-11-30'))).toMatchObject({ status: 'done', owner: here.label });
    expect(byKey.get(key('2026-11-30'))!.detail).toMatchObject({
      channelId: 'cs-team',
      sent: expect.stringContaining('Weekly health digest'),
      takenOver: { from: 'gone', why: 'claimer process is gone' },
      claimer: { instance: here.instance },
    });
  });

  it('a post whose ledger row could not be written is recorded later, never posted again', async () => {
    const ctx = await scheduled();
    const delivery = recorder();
    const mine = () => delivery.posts.filter((p) => p.workspaceId === ctx.workspace.id);
    let writesFail = false;
    // The database goes away between the post and the 'done' update.
    const flaky = new Proxy(db(), {
      get(target, prop) {
        if (prop === 'update' && writesFail) throw new Error('connection lost');
        return Reflect.get(target, prop, target) as unknown;
      },
    });
    const posting: ChannelDelivery = {
      async post(workspace, channelId, message) {
        await delivery.post(workspace, channelId, message);
        writesFail = true;
        return { ref: '1700000000.000100' };
      },
    };
    const errors: string[] = [];
    const deps: DigestDeps = { db: flaky, deliveries: { console: posting }, logger: { ...quietLog(), error: (_d, m) => errors.push(m), warn: () => undefined }, claimer: claimer('flaky'), unrecorded: new Map() };
    expect(await runDigests(deps, new Date('2026-11-23T08:00:00Z'))).toMatchObject({ posted: 0, failed: 1 });
    expect(errors).toEqual(['digest failed']);
    await runDigests(deps, new Date('2026-11-23T08:01:00Z')); // still failing: kept, not re-posted
    writesFail = false;
    await runDigests(deps, new Date('2026-11-23T08:02:00Z'));
    // Another replica long after the lease finds the run done.
    await runDigests({ ...deps, db: db(), claimer: claimer('replica'), unrecorded: new Map() }, new Date('2026-11-23T09:00:00Z'));
    expect(mine()).toHaveLength(1);
    const [row] = await db().select().from(jobRuns).where(and(eq(jobRuns.jobName, DIGEST_JOB), eq(jobRuns.workspaceId, ctx.workspace.id)));
    expect(row).toMatchObject({ status: 'done', detail: { channelId: 'cs-team', ref: '1700000000.000100' } });
    expect(deps.unrecorded!.size).toBe(0);
  });

  it('the daily pass: snapshots, the 90-day renewal alert, one overdue reminder, a drop alert — each once, in the account’s internal channel', async () => {
    const ctx = await newContext(t.database.db, { now: new Date('2026-08-01T10:00:00Z'), channel: 'acme' });
    await t.registry.run(ctx, '/account add "Acme Corp" arr=120k renewal=2027-02-15 licensed=100 active=90 owner=@ana');
    await t.registry.run(ctx, '/account link "Acme Corp" internal');
    const acme = (await t.registry.run(ctx, '/account "Acme Corp"')) && (await db().select().from(checkins)).length; // no touches yet
    expect(acme).toBeGreaterThanOrEqual(0);
    const delivery = recorder();
    const deps = { db: db(), deliveries: { console: delivery }, logger: quietLog() };
    const mine = () => delivery.posts.filter((p) => p.workspaceId === ctx.workspace.id);
    // 2026-11-17: 90 days before 2027-02-15; never touched in 108 days → overdue; Acme healthy.
    const day1 = new Date('2026-11-17T10:00:00Z');
    await runHealthDaily(deps, day1);
    await runHealthDaily(deps, new Date('2026-11-17T11:00:00Z'));
    const texts = mine().map((p) => `${p.channelId}: ${renderPlain(p.message)}`);
    expect(texts.filter((x) => x.includes('Renewal in 90 days'))).toHaveLength(1);
    expect(texts.find((x) => x.includes('Renewal in 90 days'))).toMatch(/^acme: .*Acme Corp/);
    expect(texts.filter((x) => x.startsWith('acme: ') && x.includes('Check-ins overdue'))).toHaveLength(1);
    const snaps = await db().select().from(healthSnapshots).where(eq(healthSnapshots.workspaceId, ctx.workspace.id));
    expect(snaps.map((s) => String(s.day))).toEqual(['2026-11-17']);
    // Two days later the account has a critical ticket and two more: a drop of ≥ 15 points alerts once.
    const later = { ...ctx, now: new Date('2026-11-19T09:00:00Z') };
    await t.registry.run(later, '/ticket "Acme Corp" critical Outage one');
    await t.registry.run(later, '/ticket "Acme Corp" critical Outage two');
    await t.registry.run(later, '/ticket "Acme Corp" critical Outage three');
    await runHealthDaily(deps, new Date('2026-11-19T10:00:00Z'));
    await runHealthDaily(deps, new Date('2026-11-20T10:00:00Z'));
    const drops = mine().filter((p) => renderPlain(p.message).includes('Health drop'));
    expect(drops).toHaveLength(1);
    expect(renderPlain(drops[0]!.message)).toContain('Open tickets: 3 critical');
    expect(drops[0]!.channelId).toBe('acme');
    // The reminder is not repeated for the same due date, and nothing went anywhere else.
    expect(mine().filter((p) => renderPlain(p.message).includes('Check-ins overdue'))).toHaveLength(1);
    expect(new Set(mine().map((p) => p.channelId))).toEqual(new Set(['acme']));
  });

  it.runIf(currentClaimer().scope !== null)('the daily pass and a check-in reminder claimed by a process that died are completed once by the next pass, at once (Linux)', async () => {
    const ctx = await newContext(t.database.db, { now: new Date('2026-08-01T10:00:00Z'), channel: 'acme' });
    await t.registry.run(ctx, '/account add "Acme Corp" arr=120k renewal=2027-02-15 licensed=100 active=90 owner=@ana');
    await t.registry.run(ctx, '/account add "Globex" owner=@ana');
    await t.registry.run(ctx, '/account link "Acme Corp"');
    const byName = new Map((await db().select().from(accounts).where(eq(accounts.workspaceId, ctx.workspace.id))).map((a) => [a.name, a.id]));
    const delivery = recorder();
    const mine = () => delivery.posts.filter((p) => p.workspaceId === ctx.workspace.id);
    const logged: string[] = [];
    const deps = { db: db(), deliveries: { console: delivery }, logger: { ...quietLog(), warn: (_d: Record<string, unknown>, m: string) => logged.push(m) } };
    // A process on this machine that is gone now claimed today's pass and Acme's overdue
    // reminder (never touched: due 90 days after the day it was added) a second before, then died.
    const gone: Claimer = { label: 'gone', pid: 2 ** 22 + 17, instance: 'gone-start', scope: currentClaimer().scope };
    const claimedAt = new Date('2026-11-17T10:00:00Z');
    await claimRun(db(), { jobName: HEALTH_DAILY_JOB, periodKey: `${ctx.workspace.id}:2026-11-17`, workspaceId: ctx.workspace.id, claimer: gone, now: claimedAt });
    await claimRun(db(), { jobName: 'cadence-reminder', periodKey: `${byName.get('Acme Corp')}:2026-10-30`, workspaceId: ctx.workspace.id, claimer: gone, now: claimedAt });
    await runHealthDaily(deps, new Date('2026-11-17T10:00:01Z'));
    await runHealthDaily(deps, new Date('2026-11-17T11:00:00Z'));
    const texts = mine().map((p) => `${p.channelId}: ${renderPlain(p.message)}`);
    expect(texts.filter((x) => x.includes('Renewal in 90 days'))).toHaveLength(1);
    const reminders = texts.filter((x) => x.startsWith('ana: ') && x.includes('Check-ins overdue'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toContain('Acme Corp');
    expect(reminders[0]).toContain('Globex');
    expect((await db().select().from(healthSnapshots).where(eq(healthSnapshots.workspaceId, ctx.workspace.id))).length).toBe(2);
    const runs = await db().select().from(jobRuns).where(eq(jobRuns.workspaceId, ctx.workspace.id));
    const pass = runs.find((r) => r.jobName === HEALTH_DAILY_JOB)!;
    expect(pass).toMatchObject({ status: 'done', detail: { takenOver: { from: 'gone', why: 'claimer process is gone' } } });
    const reminderRuns = runs.filter((r) => r.jobName === 'cadence-reminder');
    expect(reminderRuns.map((r) => r.status)).toEqual(['done', 'done']);
    expect(reminderRuns.find((r) => r.periodKey.startsWith(byName.get('Acme Corp')!))!.detail).toMatchObject({
      channelId: 'ana',
      sent: expect.stringContaining('Check-ins overdue'),
      takenOver: { from: 'gone', why: 'claimer process is gone' },
    });
    expect(logged).toEqual(['took over a daily health pass its claimer did not finish', 'took over a check-in reminder its claimer did not finish']);
  });
});
