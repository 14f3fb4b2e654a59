// No score without data (issue 21, item 2), on every engine and through every reader
// of the score: /health (one account and the portfolio), the /account card,
// /renewals, the digest's band counts and band changes, the stored snapshots and the
// daily pass's health-drop alerts. A new account with no usage, no touch and no survey
// shows "not enough data" with what is missing, never "100/100 (green)".
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { checkins, healthSnapshots } from '../../db/schema.js';
import { digestData } from '../../src/core/digest.js';
import { DEFAULT_HEALTH_CONFIG } from '../../src/core/health.js';
import { portfolioHealth } from '../../src/core/health-inputs.js';
import type { ChannelDelivery } from '../../src/jobs/delivery.js';
import { runHealthDaily } from '../../src/jobs/health-daily.js';
import type { Message, Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { expectLines } from '../helpers/expect-lines.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const NOW = new Date('2026-11-23T10:00:00Z');
const DAY = 86_400_000;
const quietLog = () => ({ info: () => undefined, warn: () => undefined, error: (d: Record<string, unknown>, m: string) => { throw new Error(`${m}: ${String(d.err)}`); } });

function recorder(): ChannelDelivery & { posts: { workspaceId: string; message: Message }[] } {
  const posts: { workspaceId: string; message: Message }[] = [];
  return {
    posts,
    async post(workspace, _channelId, message) {
      posts.push({ workspaceId: workspace.id, message });
    },
  };
}

/** A snapshot as stored before "not enough data" existed: support alone, scored 100, green. */
const supportOnlySnapshot = (workspaceId: string, accountId: string, day: string) => ({
  workspaceId,
  accountId,
  day,
  score: 100,
  band: 'green' as const,
  components: { adoption: null, engagement: null, support: { score: 100, detail: 'No open tickets; no SLA breaches in 90 days', contribution: 100 }, sentiment: null, financial: null },
  drivers: ['No open tickets; no SLA breaches in 90 days'],
  computedAt: new Date(`${day}T10:00:00Z`),
});

/** A snapshot with a real score: adoption and support. */
const scoredSnapshot = (workspaceId: string, accountId: string, day: string, score: number, band: 'green' | 'yellow' | 'red') => ({
  workspaceId,
  accountId,
  day,
  score,
  band,
  components: { adoption: { score, detail: 'a', contribution: (score * 30) / 45 }, engagement: null, support: { score, detail: 's', contribution: (score * 15) / 45 }, sentiment: null, financial: null },
  drivers: [],
  computedAt: new Date(`${day}T10:00:00Z`),
});

describe.each(ENGINES)('not enough data for a score on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;
  const run = (ctx: CommandContext, input: string) => t.registry.run(ctx, input);
  const idOf = async (ctx: CommandContext, name: string) => (await portfolioHealth(db(), ctx.workspace.id, { now: ctx.now, timezone: 'UTC' })).find((a) => a.name === name)!.accountId;
  const snapshotsOf = async (ctx: CommandContext, accountId: string) =>
    (await db().select().from(healthSnapshots).where(and(eq(healthSnapshots.workspaceId, ctx.workspace.id), eq(healthSnapshots.accountId, accountId)))).map((r) => String(r.day)).sort();

  it('/health for a new account: the marker with what is missing, no score, no band, no snapshot', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await run(ctx, '/account add Initech renewal=2027-01-15');
    const text = plain(await run(ctx, '/health Initech'));
    // Added today, no kickoff or contract start: quarterly, first touch due 2026-11-23 + 90 days.
    expect(text).toContain('❔ Initech — health not enough data (no usage, no survey yet, new — first touch due by Sun 21 Feb 2027)');
    expect(text).not.toContain('100/100');
    expect(text).not.toContain('(green)');
    expectLines(text, [
      'Engagement: no data (new — first touch due by Sun 21 Feb 2027; left out',
      'Support: 🟢 100 — No open tickets',
      'No score yet — a score needs at least two components with data. Missing: no usage, no survey yet, new — first touch due by Sun 21 Feb 2027.',
      'No score now (not enough data), so no change to show.',
    ]);
    // Nothing to store: a day without a score is a gap in the trend.
    expect(await snapshotsOf(ctx, await idOf(ctx, 'Initech'))).toEqual([]);
  });

  it('a contract start read from the account: never touched, overdue from it, and with support that is a score', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await run(ctx, '/account add Umbrella start=2026-07-01');
    const text = plain(await run(ctx, '/health Umbrella'));
    // Due 2026-09-29 (90 days after the start), 55 days late → 38.9; (25 × 38.9 + 15 × 100) ÷ 40 = 61.8 → 62.
    expect(text).toContain('Umbrella — health 62/100 (yellow)');
    expect(text).toContain('No touch logged yet (first touch due Tue 29 Sept 2026, 55 days overdue; cadence: quarterly)');
  });

  it('the portfolio and the /account card count it apart, never as green', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await run(ctx, '/account add "Acme Corp" licensed=100 active=90');
    await run(ctx, '/account add Initech');
    const portfolio = plain(await run(ctx, '/health'));
    expect(portfolio).toContain('🟢 green: 1');
    expect(portfolio).toContain('❔ not enough data: 1');
    expect(portfolio).toContain('Not enough data for a score\n• Initech — no usage, no survey yet, new — first touch due by Sun 21 Feb 2027');
    const card = plain(await run(ctx, '/account Initech'));
    expect(card).toContain('Health: ❔ not enough data (no usage, no survey yet, new — first touch due by Sun 21 Feb 2027)');
    expect(card).not.toContain('100/100');
  });

  it('/renewals: unknown health is at least medium risk, never "low risk"', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await run(ctx, '/account add Initech renewal=2027-01-15');
    const text = plain(await run(ctx, '/renewals'));
    expect(text).toContain('medium risk: health unknown: not enough data (no usage, no survey yet');
    expect(text).not.toContain('low risk');
    expect(text).not.toMatch(/health (100|null)/);
  });

  it('the digest: not enough data counted apart; into or out of it is no band change', async () => {
    const ctx = await newContext(db(), { now: NOW, channel: 'cs-team' });
    await run(ctx, '/account add "Acme Corp" licensed=100 active=90');
    await run(ctx, '/account add Initech');
    await run(ctx, '/account add Globex licensed=100 active=10');
    await run(ctx, '/account add Hooli licensed=100 active=50');
    const acme = await idOf(ctx, 'Acme Corp');
    await db().insert(checkins).values({ workspaceId: ctx.workspace.id, accountId: acme, type: 'call', occurredAt: new Date(NOW.getTime() - 3 * DAY), notes: 'n' });
    // A week ago: Globex had only support (stored as 100, green, before this rule); Hooli had a score.
    await db()
      .insert(healthSnapshots)
      .values([supportOnlySnapshot(ctx.workspace.id, await idOf(ctx, 'Globex'), '2026-11-16'), scoredSnapshot(ctx.workspace.id, await idOf(ctx, 'Hooli'), '2026-11-16', 80, 'green')]);
    const d = await digestData(db(), ctx.workspace.id, { now: NOW, timezone: 'UTC', config: DEFAULT_HEALTH_CONFIG });
    // Acme green; Hooli (46 adoption, 100 support → 64) yellow; Globex (0, 100 → 33) red; Initech none.
    expect(d.bands).toEqual({ green: { now: 1, weekAgo: 1 }, yellow: { now: 1, weekAgo: 0 }, red: { now: 1, weekAgo: 0 } });
    expect(d.notEnoughData).toBe(1);
    expect(d.bandChanges).toEqual([{ name: 'Hooli', from: 'green', to: 'yellow', score: 64 }]);
    const text = plain(await run(ctx, '/digest now'));
    expect(text).toContain('4 accounts: 🟢 1 green (±0) · 🟡 1 yellow (+1) · 🔴 1 red (+1) · ❔ 1 not enough data vs last week');
    expect(text).not.toContain('Globex: 🟢 green');
  });

  it('snapshots: none for a day without a score, one written earlier that day is removed, an old support-only one reads as no score', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await run(ctx, '/account add Hooli licensed=100 active=72');
    const hooli = await idOf(ctx, 'Hooli');
    await run(ctx, '/health Hooli');
    expect(await snapshotsOf(ctx, hooli)).toEqual(['2026-11-23']);
    // Its usage is cleared later that day: support alone is left, so today has no score.
    const later = { ...ctx, now: new Date(NOW.getTime() + 3_600_000) };
    await run(later, '/account set Hooli licensed=none active=none');
    expect(plain(await run(later, '/health Hooli'))).toContain('Hooli — health not enough data (no usage');
    expect(await snapshotsOf(ctx, hooli)).toEqual([]);
    // A support-only snapshot stored before this rule is shown as a gap, not a point of 100.
    await db().insert(healthSnapshots).values(supportOnlySnapshot(ctx.workspace.id, hooli, '2026-11-16'));
    await run(later, '/account set Hooli licensed=100 active=72');
    const card = plain(await run(later, '/health Hooli'));
    expect(card).toContain('2026-11-16 had not enough data for a score: the trend starts now.');
    // Eleven weeks without a point (the one of 2026-11-16 among them), then today's.
    expect(card.match(/12-week trend (.*)\n/)![1]!.trim()).toMatch(/^[▁▂▃▄▅▆▇█]$/);
  });

  it('the daily pass: no snapshot and no health-drop alert out of not enough data, old support-only peaks included', async () => {
    const ctx = await newContext(db(), { now: new Date('2026-11-17T09:00:00Z'), channel: 'initech' });
    await run(ctx, '/account add Initech');
    await run(ctx, '/account link Initech');
    await run(ctx, '/account add Globex licensed=100 active=10');
    await run({ ...ctx, channel: { ...ctx.channel, id: 'globex', name: 'globex' } } as CommandContext, '/account link Globex');
    const initech = await idOf(ctx, 'Initech');
    const globex = await idOf(ctx, 'Globex');
    // Globex was support-only yesterday, stored (before this rule) as 100, green.
    await db().insert(healthSnapshots).values(supportOnlySnapshot(ctx.workspace.id, globex, '2026-11-16'));
    const delivery = recorder();
    const deps = { db: db(), deliveries: { console: delivery }, logger: quietLog() };
    await runHealthDaily(deps, new Date('2026-11-17T10:00:00Z'));
    // Initech has no score: nothing stored for it. Globex now scores 33 (red) — no drop from a peak that was no score.
    expect(await snapshotsOf(ctx, initech)).toEqual([]);
    expect(await snapshotsOf(ctx, globex)).toEqual(['2026-11-16', '2026-11-17']);
    // Two days later Initech reports low usage: 10% → adoption 0, support 100 → 33, red. It never had a score to drop from.
    await run({ ...ctx, now: new Date('2026-11-19T09:00:00Z') }, '/usage Initech active=10 licensed=100');
    await runHealthDaily(deps, new Date('2026-11-19T10:00:00Z'));
    expect(await snapshotsOf(ctx, initech)).toEqual(['2026-11-19']);
    const drops = delivery.posts.filter((p) => p.workspaceId === ctx.workspace.id && renderPlain(p.message).includes('Health drop'));
    expect(drops.map((p) => renderPlain(p.message))).toEqual([]);
  });
});
