// The SLA watcher with a controllable clock, on every engine: the 80% warning and
// the breach alert each reach the channel exactly once per ticket, however often
// and however many watchers run, and land where the account's alerts belong.
// Times are hand-computed in business hours 08:00–17:00 Mon–Fri, UTC.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { createRegistry, type Registry } from '../../commands/registry.js';
import { openDatabase, type Database } from '../../db/client.js';
import { jobRuns, ticketEvents, tickets } from '../../db/schema.js';
import { DeliveryNotSent, type ChannelDelivery } from '../../src/jobs/delivery.js';
import { startScheduler } from '../../src/jobs/scheduler.js';
import { runSlaWatch, slaWatchJob, type SlaWatchDeps } from '../../src/jobs/sla-watch.js';
import { claimRun, currentClaimer, type Claimer } from '../../src/core/ledger.js';
import type { Message, Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { createScratchDatabase, ENGINES, TEST_DATABASE_URL } from '../helpers/engines.js';
import { collectingLog, newContext } from '../helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const MON_10 = '2026-11-23T10:00:00Z'; // a Monday

interface Post {
  workspaceId: string;
  channelId: string;
  message: Message;
}

function recorder(fail?: (post: Post) => Error | undefined): ChannelDelivery & { posts: Post[] } {
  const posts: Post[] = [];
  return {
    posts,
    async post(workspace, channelId, message) {
      const post = { workspaceId: workspace.id, channelId, message };
      const error = fail?.(post);
      if (error) throw error;
      posts.push(post);
    },
  };
}

function jobLog() {
  const entries: { level: 'info' | 'warn' | 'error'; details: Record<string, unknown>; message: string }[] = [];
  const add = (level: 'info' | 'warn' | 'error') => (details: Record<string, unknown>, message: string) => entries.push({ level, details, message });
  return { entries, info: add('info'), warn: add('warn'), error: add('error') };
}

/** A claimer on some other machine: only its lease can free its claims. */
const elsewhere = (label: string): Claimer => ({ label, pid: 1, instance: label, scope: null });

/** Runs `fn` `times` times in a row. */
async function repeat(times: number, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < times; i++) await fn();
}

describe.each(ENGINES)('SLA watcher on $name', (engine) => {
  let database: Database;
  let release: () => Promise<void>;
  let registry: Registry;
  const errors = collectingLog();

  beforeAll(async () => {
    ({ database, release } = await engine.open());
    registry = createRegistry(errors);
  });
  afterAll(async () => {
    await release();
    expect(errors.entries).toEqual([]);
  });

  /** A workspace with Acme Corp (owner @ana, unless `owner` is false) with #acme as its internal channel, unless `linked` is false. */
  async function workspace(options: { linked?: boolean; owner?: boolean } = {}): Promise<CommandContext> {
    const ctx = await newContext(database.db, { now: new Date(MON_10), channel: 'acme' });
    await registry.run(ctx, `/account add "Acme Corp"${options.owner === false ? '' : ' owner=@ana'}`);
    if (options.linked !== false) await registry.run(ctx, '/account link "Acme Corp" internal');
    return ctx;
  }
  async function command(ctx: CommandContext, iso: string, input: string): Promise<Reply> {
    const reply = await registry.run({ ...ctx, now: new Date(iso) }, input);
    if (reply.messages[0]?.tone === 'error') throw new Error(`${input}: ${plain(reply)}`);
    return reply;
  }
  function watcher(delivery: ChannelDelivery = recorder()) {
    const log = jobLog();
    const deps: SlaWatchDeps = { db: database.db, deliveries: { console: delivery }, logger: log };
    return { log, watch: (iso: string) => runSlaWatch(deps, new Date(iso)) };
  }
  const postsOf = (delivery: { posts: Post[] }, ctx: CommandContext) => delivery.posts.filter((p) => p.workspaceId === ctx.workspace.id);
  const firstTicket = async (ctx: CommandContext) => (await database.db.select().from(tickets).where(and(eq(tickets.workspaceId, ctx.workspace.id), eq(tickets.number, 1))))[0]!;

  it('warns at 80% and alerts at the breach, each exactly once although the job runs ten times', async () => {
    const ctx = await workspace();
    await command(ctx, MON_10, '/ticket "Acme Corp" critical Portal down'); // due 11:00; 80% of 60 min = 48 min → 10:48
    const delivery = recorder();
    const { watch } = watcher(delivery);

    await repeat(10, () => watch('2026-11-23T10:47:59Z'));
    expect(postsOf(delivery, ctx)).toEqual([]);

    await repeat(10, () => watch('2026-11-23T10:48:00Z'));
    await repeat(10, () => watch('2026-11-23T10:55:00Z'));
    expect(postsOf(delivery, ctx)).toHaveLength(1);
    const [warning] = postsOf(delivery, ctx);
    expect(warning!.channelId).toBe('acme');
    expect(warning!.message.visibility).toBe('channel');
    const warningText = renderPlain(warning!.message);
    expect(warningText).toContain('SLA warning — ticket #1 (critical) for Acme Corp has no first response yet: “Portal down”.');
    expect(warningText).toContain('First response due Mon 23 Nov 2026 11:00 (UTC): 12 min of business time left. Owner: @ana.');
    expect(warningText).toContain('[Acknowledge #1]');

    await repeat(10, () => watch('2026-11-23T11:00:00Z'));
    await repeat(10, () => watch('2026-11-23T16:00:00Z'));
    expect(postsOf(delivery, ctx)).toHaveLength(2);
    const breachText = renderPlain(postsOf(delivery, ctx)[1]!.message);
    expect(breachText).toContain('SLA breached — ticket #1 (critical) for Acme Corp had no first response by Mon 23 Nov 2026 11:00 (UTC): “Portal down”.');
    expect(breachText).toContain('Owner: @ana — please answer the customer now.');
    expect(postsOf(delivery, ctx)[1]!.message.tone).toBe('error');

    // Recorded in the database: the ticket's history and one done ledger row per kind.
    const ticket = await firstTicket(ctx);
    const events = await database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id)).orderBy(ticketEvents.at);
    expect(events.map((e) => [e.kind, e.at.toISOString(), e.note])).toEqual([
      ['opened', '2026-11-23T10:00:00.000Z', null],
      ['sla-warning', '2026-11-23T10:48:00.000Z', 'alert posted to #acme'],
      ['sla-breach', '2026-11-23T11:00:00.000Z', 'alert posted to #acme'],
    ]);
    const ledger = await database.db.select().from(jobRuns).where(eq(jobRuns.periodKey, ticket.id)).orderBy(jobRuns.jobName);
    // Each with what was sent and who claimed it (this process).
    const claimer = { pid: process.pid, instance: currentClaimer().instance, scope: currentClaimer().scope };
    expect(ledger.map((r) => [r.jobName, r.status, r.workspaceId, r.owner, r.detail])).toEqual([
      ['sla-breach', 'done', ctx.workspace.id, currentClaimer().label, { channelId: 'acme', via: 'internal', sent: postsOf(delivery, ctx)[1]!.message.text, claimer }],
      ['sla-warning', 'done', ctx.workspace.id, currentClaimer().label, { channelId: 'acme', via: 'internal', sent: postsOf(delivery, ctx)[0]!.message.text, claimer }],
    ]);
    const card = plain(await command(ctx, '2026-11-23T16:00:00Z', '/ticket 1'));
    expect(card).toContain('• Mon 23 Nov 2026 10:48 — SLA warning (alert posted to #acme)');
    expect(card).toContain('• Mon 23 Nov 2026 11:00 — SLA breach alert (alert posted to #acme)');
  });

  it('counts the 80% in business time: a Friday-evening critical warns Monday 08:18', async () => {
    const ctx = await workspace();
    await command(ctx, '2026-11-27T16:30:00Z', '/ticket "Acme Corp" critical VPN down'); // 30 min Fri + 18 min Mon = 48 min; due Mon 08:30
    const delivery = recorder();
    const { watch } = watcher(delivery);
    for (const iso of ['2026-11-27T16:59:00Z', '2026-11-28T12:00:00Z', '2026-11-30T07:59:00Z', '2026-11-30T08:17:00Z']) await watch(iso);
    expect(postsOf(delivery, ctx)).toEqual([]);
    await watch('2026-11-30T08:18:00Z');
    expect(postsOf(delivery, ctx).map((p) => renderPlain(p.message))).toEqual([expect.stringContaining('12 min of business time left')]);
  });

  it('follows the workspace’s business hours and shows the channel’s time zone', async () => {
    const ctx = await workspace();
    await command(ctx, MON_10, '/ticket hours 09:00-18:00 Europe/Berlin');
    // Mon 08:00 UTC = 09:00 Berlin: major due 13:00 Berlin (12:00 UTC); 80% of 4 h = 3 h 12 min → 12:12 Berlin (11:12 UTC).
    await command(ctx, '2026-11-23T08:00:00Z', '/ticket "Acme Corp" major Mail delays');
    const delivery = recorder();
    const { watch } = watcher(delivery);
    await watch('2026-11-23T11:11:00Z');
    expect(postsOf(delivery, ctx)).toEqual([]);
    await watch('2026-11-23T11:12:00Z');
    // The channel has no zone of its own: the business hours' zone (it was the workspace's UTC, issue 24).
    expect(renderPlain(postsOf(delivery, ctx)[0]!.message)).toContain('First response due Mon 23 Nov 2026 13:00 (Europe/Berlin): 48 min of business time left.');
  });

  it('sends nothing for tickets answered in time, and only the breach when the watcher was away for the 80% mark', async () => {
    const ctx = await workspace();
    await command(ctx, MON_10, '/ticket "Acme Corp" critical Answered in time'); // #1
    await command(ctx, MON_10, '/ticket "Acme Corp" critical Resolved in time'); // #2
    await command(ctx, MON_10, '/ticket "Acme Corp" critical Nobody watched'); // #3
    await command(ctx, '2026-11-23T10:30:00Z', '/ticket ack 1');
    await command(ctx, '2026-11-23T10:40:00Z', '/ticket resolve 2');
    const delivery = recorder();
    const { watch } = watcher(delivery);
    await repeat(3, () => watch('2026-11-23T11:30:00Z'));
    await repeat(3, () => watch('2026-11-24T09:00:00Z'));
    expect(postsOf(delivery, ctx).map((p) => p.message.text)).toEqual([expect.stringMatching(/^SLA breached: ticket #3 /)]);
  });

  it('without an internal channel: the owner privately, then the alert channel once set; with no one at all, skips and logs it once', async () => {
    const ctx = await workspace({ linked: false });
    await command(ctx, MON_10, '/ticket "Acme Corp" critical No channel anywhere'); // #1
    const delivery = recorder();
    const { watch } = watcher(delivery);
    await repeat(5, () => watch('2026-11-23T10:50:00Z'));
    // The warning: to the owner, privately (their own id is the direct message's channel).
    expect(postsOf(delivery, ctx).map((p) => [p.channelId, p.message.text.slice(0, 26)])).toEqual([['ana', 'SLA warning: ticket #1 (cr']]);
    await registry.run({ ...ctx, channel: { id: 'ops', name: 'ops' } }, '/ticket alerts here');
    await repeat(5, () => watch('2026-11-23T11:05:00Z'));
    expect(postsOf(delivery, ctx).map((p) => [p.channelId, p.message.text.slice(0, 26)])).toEqual([
      ['ana', 'SLA warning: ticket #1 (cr'],
      ['ops', 'SLA breached: ticket #1 (c'],
    ]);

    // No internal channel, no alert channel, no owner and no admin: nowhere to send it.
    const lonely = await workspace({ linked: false, owner: false });
    await command(lonely, MON_10, '/ticket "Acme Corp" critical Nobody to tell'); // #1
    const nowhere = watcher(delivery);
    await repeat(5, () => nowhere.watch('2026-11-23T10:50:00Z'));
    expect(postsOf(delivery, lonely)).toEqual([]);
    const skipped = nowhere.log.entries.filter((e) => e.details.workspaceId === lonely.workspace.id && e.level === 'warn');
    expect(skipped.map((e) => e.message)).toEqual(['SLA warning for #1 (Acme Corp) skipped: no internal channel, alert channel, owner or admin to send it to']);
    const ticket = await firstTicket(lonely);
    expect((await database.db.select().from(jobRuns).where(eq(jobRuns.periodKey, ticket.id)))[0]).toMatchObject({ status: 'done', detail: { skipped: 'nowhere to send' } });
  });

  it('tries again only when the platform provably took nothing; otherwise never posts twice', async () => {
    const ctx = await workspace();
    await command(ctx, MON_10, '/ticket "Acme Corp" critical Refused once'); // #1
    let refusals = 1;
    const flaky = recorder((post) => (post.workspaceId === ctx.workspace.id && refusals-- > 0 ? new DeliveryNotSent('rate limited') : undefined));
    const first = watcher(flaky);
    await first.watch('2026-11-23T10:50:00Z');
    expect(postsOf(flaky, ctx)).toEqual([]);
    await repeat(3, () => first.watch('2026-11-23T10:51:00Z'));
    expect(postsOf(flaky, ctx)).toHaveLength(1);

    const other = await workspace();
    await command(other, MON_10, '/ticket "Acme Corp" critical Timed out');
    const broken = recorder((post) => (post.workspaceId === other.workspace.id ? new Error('socket hang up') : undefined));
    const second = watcher(broken);
    await repeat(3, () => second.watch('2026-11-23T10:50:00Z'));
    const failed = second.log.entries.filter((e) => e.level === 'error' && e.details.workspaceId === other.workspace.id);
    expect(failed.map((e) => e.message)).toEqual(['SLA alert delivery failed; not retried, it may have been posted']);
    const ticket = await firstTicket(other);
    expect((await database.db.select().from(jobRuns).where(eq(jobRuns.periodKey, ticket.id)))[0]).toMatchObject({ jobName: 'sla-warning', status: 'failed' });
  });

  it.runIf(currentClaimer().scope !== null)('a breach alert claimed by a process that died before posting is posted once by the next pass, at once (Linux)', async () => {
    const ctx = await workspace();
    await command(ctx, MON_10, '/ticket "Acme Corp" critical Killed mid-alert'); // due 11:00
    const ticket = await firstTicket(ctx);
    // What a process killed between claim and post leaves behind: its claim, from this
    // machine, by a pid above Linux's pid_max (never a live process), a second ago.
    const gone: Claimer = { label: 'gone', pid: 2 ** 22 + 17, instance: 'gone-start', scope: currentClaimer().scope };
    await claimRun(database.db, { jobName: 'sla-breach', periodKey: ticket.id, workspaceId: ctx.workspace.id, claimer: gone, now: new Date('2026-11-23T11:00:00Z') });
    const delivery = recorder();
    const { watch, log } = watcher(delivery);
    await repeat(3, () => watch('2026-11-23T11:00:01Z'));
    expect(postsOf(delivery, ctx).map((p) => [p.channelId, p.message.text])).toEqual([['acme', expect.stringMatching(/^SLA breached: ticket #1 /)]]);
    const [run] = await database.db.select().from(jobRuns).where(and(eq(jobRuns.jobName, 'sla-breach'), eq(jobRuns.periodKey, ticket.id)));
    expect(run).toMatchObject({ status: 'done', owner: currentClaimer().label });
    expect(run!.detail).toMatchObject({ channelId: 'acme', sent: expect.stringMatching(/^SLA breached/), takenOver: { from: 'gone', why: 'claimer process is gone' } });
    expect(log.entries.filter((e) => e.details.workspaceId === ctx.workspace.id && e.level === 'warn').map((e) => [e.message, e.details.why])).toEqual([
      ['took over an SLA breach alert its claimer did not finish', 'claimer process is gone'],
    ]);
  });

  it('leaves a claim inside its lease alone, from a live process here or a claimer elsewhere; takes it over once the lease has passed', async () => {
    const ctx = await workspace();
    await command(ctx, MON_10, '/ticket "Acme Corp" critical Claimed elsewhere'); // #1, due 11:00
    await command(ctx, MON_10, '/ticket "Acme Corp" critical Claimed by a live process'); // #2
    const [one, two] = await database.db.select().from(tickets).where(eq(tickets.workspaceId, ctx.workspace.id)).orderBy(tickets.number);
    const claimedAt = new Date('2026-11-23T11:00:00Z');
    await claimRun(database.db, { jobName: 'sla-breach', periodKey: one!.id, workspaceId: ctx.workspace.id, claimer: elsewhere('remote'), now: claimedAt });
    // A live process on this machine (the test runner's parent); without a known scope, one elsewhere.
    const live: Claimer = { label: 'live', pid: process.ppid, instance: 'live-start', scope: currentClaimer().scope };
    await claimRun(database.db, { jobName: 'sla-breach', periodKey: two!.id, workspaceId: ctx.workspace.id, claimer: live, now: claimedAt });
    const delivery = recorder();
    const { watch } = watcher(delivery);
    await repeat(3, () => watch('2026-11-23T11:01:00Z'));
    await watch('2026-11-23T11:04:59Z');
    expect(postsOf(delivery, ctx)).toEqual([]);
    await Promise.all([watch('2026-11-23T11:05:01Z'), watch('2026-11-23T11:05:01Z')]);
    await watch('2026-11-23T12:00:00Z');
    expect(postsOf(delivery, ctx).map((p) => p.message.text.slice(0, 26)).sort()).toEqual(['SLA breached: ticket #1 (c', 'SLA breached: ticket #2 (c']);
    const runs = await database.db.select().from(jobRuns).where(and(eq(jobRuns.jobName, 'sla-breach'), eq(jobRuns.workspaceId, ctx.workspace.id)));
    expect(runs.map((r) => [r.status, (r.detail as { takenOver?: { why: string } }).takenOver?.why])).toEqual([
      ['done', 'lease expired'],
      ['done', 'lease expired'],
    ]);
  });

  it('the alert’s button acknowledges the ticket, and no breach follows', async () => {
    const ctx = await workspace();
    await command(ctx, MON_10, '/ticket "Acme Corp" critical Press the button');
    const delivery = recorder();
    const { watch } = watcher(delivery);
    await watch('2026-11-23T10:50:00Z');
    const button = postsOf(delivery, ctx)[0]!.message.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : [])).find((a) => a.id === 'ticket.ack')!;
    const pressed = await registry.press({ ...ctx, now: new Date('2026-11-23T10:52:00Z') }, button.id, button.value);
    expect(plain(pressed)).toContain('#1 acknowledged by @ana: first response after 52 min of business time — SLA met');
    await watch('2026-11-23T12:00:00Z');
    expect(postsOf(delivery, ctx)).toHaveLength(1);
  });

  it('several watchers on one database at once: each alert once', async () => {
    const ctx = await workspace();
    for (let i = 1; i <= 12; i++) await command(ctx, MON_10, `/ticket "Acme Corp" ${i % 2 ? 'critical' : 'major'} Ticket ${i}`);
    const deliveries = Array.from({ length: 4 }, () => recorder());
    const watchers = deliveries.map((d) => watcher(d));
    // Criticals: warn 10:48, due 11:00. Majors: due 14:00, warn at 3 h 12 min → 13:12.
    for (const iso of ['2026-11-23T10:50:00Z', '2026-11-23T11:00:00Z', '2026-11-23T13:15:00Z', '2026-11-23T14:00:00Z']) {
      await Promise.all(watchers.flatMap((w) => [w.watch(iso), w.watch(iso)]));
    }
    const posts = deliveries.flatMap((d) => postsOf(d, ctx)).map((p) => p.message.text.replace(/ for .*/, ''));
    expect(posts.filter((t) => t.startsWith('SLA warning'))).toHaveLength(12);
    expect(posts.filter((t) => t.startsWith('SLA breached'))).toHaveLength(12);
    expect(new Set(posts).size).toBe(24);
  });
});

if (!TEST_DATABASE_URL) {
  console.warn('sla-watch.test.ts: "two schedulers on one PostgreSQL" skipped — set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run it.');
}

describe.skipIf(!TEST_DATABASE_URL)('two schedulers on one PostgreSQL', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  const databases: Database[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    // Two processes' worth of connections (each a pool of its own) to one database.
    databases.push(await openDatabase({ kind: 'postgres', url: scratch.url }));
    databases.push(await openDatabase({ kind: 'postgres', url: scratch.url }));
  });
  afterAll(async () => {
    for (const d of databases) await d.close();
    await scratch?.drop();
  });

  it('posts each warning and each breach exactly once across both, over ten concurrent rounds', async () => {
    const [a, b] = databases as [Database, Database];
    const errors = collectingLog();
    const registry = createRegistry(errors);
    const ctx = await newContext(a.db, { now: new Date(MON_10), channel: 'acme' });
    await registry.run(ctx, '/account add "Acme Corp" owner=@ana');
    await registry.run(ctx, '/account link "Acme Corp" internal');
    const TICKETS = 20;
    for (let i = 1; i <= TICKETS; i++) await registry.run(ctx, `/ticket "Acme Corp" critical Outage ${i}`);

    let now = new Date('2026-11-23T10:50:00Z');
    const clock = () => now;
    const replicas = [a, b].map((database) => {
      const delivery = recorder();
      const scheduler = startScheduler([slaWatchJob({ db: database.db, deliveries: { console: delivery }, logger: jobLog() }, 'UTC')], { clock, logger: jobLog() });
      return { delivery, scheduler };
    });
    try {
      for (const at of ['2026-11-23T10:50:00Z', '2026-11-23T11:00:00Z']) {
        now = new Date(at);
        for (let round = 0; round < 10; round++) await Promise.all(replicas.map((r) => r.scheduler.runNow('sla-watch')));
      }
    } finally {
      await Promise.all(replicas.map((r) => r.scheduler.stop()));
    }
    const posts = replicas.flatMap((r) => r.delivery.posts).map((p) => p.message.text.replace(/ for Acme.*/, ''));
    expect(posts.filter((t) => t.startsWith('SLA warning'))).toHaveLength(TICKETS);
    expect(posts.filter((t) => t.startsWith('SLA breached'))).toHaveLength(TICKETS);
    expect(new Set(posts).size).toBe(2 * TICKETS);
    const ledger = await b.db.select().from(jobRuns);
    expect(ledger.filter((r) => r.status === 'done')).toHaveLength(2 * TICKETS);
    expect(errors.entries).toEqual([]);
  });
});
