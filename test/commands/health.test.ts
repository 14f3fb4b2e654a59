// /health on every engine: the set-based inputs match hand-computed scores, the
// card says "no data" for missing components, the week's change is explained, and
// the portfolio groups by band with the biggest movers.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { checkins, healthSnapshots, surveyResponses, surveys, usageReadings } from '../../db/schema.js';
import { healthCardByAccountName, portfolioHealth } from '../../src/core/health-inputs.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { expectLines } from '../helpers/expect-lines.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const NOW = new Date('2026-11-23T10:00:00Z');
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);

describe.each(ENGINES)('/health on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;
  const run = (ctx: CommandContext, input: string) => t.registry.run(ctx, input);

  async function touch(ctx: CommandContext, accountId: string, at: Date) {
    await db().insert(checkins).values({ workspaceId: ctx.workspace.id, accountId, type: 'call', occurredAt: at, notes: 'n' });
  }
  async function npsAnswers(ctx: CommandContext, accountId: string, scores: number[], at: Date) {
    const [survey] = await db()
      .insert(surveys)
      .values({ workspaceId: ctx.workspace.id, number: Math.floor(Math.random() * 1e6), accountId, kind: 'nps', openedAt: at, closesAt: at })
      .returning();
    await db()
      .insert(surveyResponses)
      .values(scores.map((score, i) => ({ workspaceId: ctx.workspace.id, surveyId: survey!.id, respondentKey: `r${i}`, question: 'nps', score, answeredAt: at })));
  }
  const accountId = async (ctx: CommandContext, name: string) => (await portfolioHealth(db(), ctx.workspace.id, { now: NOW, timezone: 'UTC' })).find((a) => a.name === name)!.accountId;

  it('gathers every account’s inputs in one query and scores them as hand-computed', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await run(ctx, '/account add "Acme Corp" licensed=100 active=72');
    await run(ctx, '/account add Globex licensed=100 active=22');
    await run(ctx, '/account add Initech');
    const acme = await accountId(ctx, 'Acme Corp');
    const globex = await accountId(ctx, 'Globex');
    await touch(ctx, acme, daysAgo(47));
    await touch(ctx, acme, daysAgo(200));
    await touch(ctx, globex, daysAgo(120));
    await run(ctx, '/ticket "Acme Corp" critical VPN down');
    // NPS: 10, 9, 9, 7, 3 → 3 promoters, 1 detractor → +40; an answer older than 180 days is left out.
    await npsAnswers(ctx, acme, [10, 9, 9, 7, 3], daysAgo(10));
    await npsAnswers(ctx, acme, [0, 0, 0], daysAgo(200));
    // Spend: only the last three readings count (12000 is the fourth from last).
    for (const [days, spend] of [[120, 12000], [90, 10000], [60, 9000], [30, 8000]] as const) {
      await db().insert(usageReadings).values({ workspaceId: ctx.workspace.id, accountId: acme, recordedAt: daysAgo(days), spendCents: spend, forecastCents: 10000 });
    }
    const list = await portfolioHealth(db(), ctx.workspace.id, { now: NOW, timezone: 'UTC' });
    expect(list.map((a) => a.name)).toEqual(['Acme Corp', 'Globex', 'Initech']);
    const [a, g, i] = list;
    expect(a!.inputs).toMatchObject({ lastTouchDay: '2026-10-07', openTickets: { critical: 1, major: 0 }, nps: { promoters: 3, detractors: 1, total: 5 }, csat: null, spendReadings: [10000, 9000, 8000], latestForecast: 10000 });
    // Acme: adoption 80 (30), engagement 100 (25), support 75 (15), sentiment 70 (20), financial 60 (10)
    // = (2400 + 2500 + 1125 + 1400 + 600) ÷ 100 = 80.25 → 80.
    expect([a!.health.score, a!.health.band]).toEqual([80, 'green']);
    // Globex: adoption 3.08 (30), engagement 66.67 (25), support 100 (15); no sentiment, no financial:
    // (92.3 + 1666.7 + 1500) ÷ 70 = 46.6 → 47, yellow.
    expect([g!.health.score, g!.health.band, g!.health.components.sentiment, g!.health.components.financial]).toEqual([47, 'yellow', null, null]);
    // Initech: created today, never touched, nothing else: support alone is not enough for a score.
    expect([i!.health.score, i!.health.band, i!.health.components.engagement]).toEqual([null, 'insufficient', null]);
    // One account at a time (the card's single joined statement) reads exactly what the portfolio reads.
    for (const one of list) {
      const [alone] = await portfolioHealth(db(), ctx.workspace.id, { now: NOW, timezone: 'UTC', accountId: one.accountId });
      expect(JSON.parse(JSON.stringify(alone))).toEqual(JSON.parse(JSON.stringify(one)));
      // The card's statement finds it by name in any case and reads the same, with its stored snapshots.
      const card = await healthCardByAccountName(db(), ctx.workspace.id, `  ${one.name.toUpperCase()} `, { now: NOW, timezone: 'UTC', fromDay: '2026-11-01', toDay: '2026-11-23' });
      expect(JSON.parse(JSON.stringify(card!.current))).toEqual(JSON.parse(JSON.stringify(one)));
      expect(card!.stored).toEqual([]);
    }
    expect(await healthCardByAccountName(db(), ctx.workspace.id, 'Umbrella', { now: NOW, timezone: 'UTC', fromDay: '2026-11-01', toDay: '2026-11-23' })).toBeUndefined();
    // Stored snapshots inside the window come back oldest first, as views; those outside it do not.
    const snapshot = (day: string, score: number) => ({
      workspaceId: ctx.workspace.id,
      accountId: acme,
      day,
      score,
      band: 'yellow' as const,
      components: { adoption: { score: 80, detail: 'd', contribution: 24 }, support: { score: 75, detail: 's', contribution: 11.25 } },
      drivers: ['x'],
      computedAt: NOW,
    });
    await db().insert(healthSnapshots).values([snapshot('2026-11-20', 61), snapshot('2026-10-31', 50), snapshot('2026-11-02', 55)]);
    const card = await healthCardByAccountName(db(), ctx.workspace.id, 'acme corp', { now: NOW, timezone: 'UTC', fromDay: '2026-11-01', toDay: '2026-11-23' });
    expect(card!.stored.map((v) => [v.day, v.score, v.band, v.accountId])).toEqual([['2026-11-02', 55, 'yellow', acme], ['2026-11-20', 61, 'yellow', acme]]);
    expect(card!.stored[0]).toMatchObject({ components: { adoption: { score: 80, detail: 'd' }, engagement: null }, contributions: { adoption: 24, engagement: 0 }, drivers: ['x'] });
  });

  it('the card: score, band, components with "no data", drivers, trend and the change since last week explained', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await run(ctx, '/account add Globex licensed=100 active=22');
    const globex = await accountId(ctx, 'Globex');
    await touch(ctx, globex, daysAgo(120));
    // A week ago the touch was 113 days old: engagement 100 × (1 − 23/90) = 74.4 at 25/70.
    const lastWeek = (await portfolioHealth(db(), ctx.workspace.id, { now: daysAgo(7), timezone: 'UTC' }))[0]!;
    if (lastWeek.health.band === 'insufficient') throw new Error('Globex had a score a week ago');
    await db().insert(healthSnapshots).values({
      workspaceId: ctx.workspace.id,
      accountId: globex,
      day: '2026-11-16',
      score: lastWeek.health.score,
      band: lastWeek.health.band,
      components: { engagement: { score: 74, detail: 'x', contribution: (25 / 70) * 74.44 }, adoption: { score: 3, detail: 'y', contribution: (30 / 70) * 3.08 }, support: { score: 100, detail: 'z', contribution: (15 / 70) * 100 }, sentiment: null, financial: null },
      drivers: [],
      computedAt: daysAgo(7),
    });
    const text = plain(await run(ctx, '/health globex'));
    expectLines(text, [
      'Globex — health 47/100 (yellow)',
      'Sentiment: no data',
      'Financial: no data',
      'Adoption (43%): 🔴 3 — 22% of licensed users active (22 of 100)',
      '• No touch in 120 days (cadence: quarterly; 30 days overdue)',
    ]);
    // A week ago: (92.3 + 25 × 74.44 + 1500) ÷ 70 = 49.3 → 49; now 47. Engagement moved it by
    // (66.67 − 74.44) × 25/70 = −2.8 → −3 (the score's own rounding makes the total −2).
    expect(lastWeek.health.score).toBe(49);
    expect(text).toContain('−2 since 2026-11-16 (49 → 47)');
    expect(text).toContain('−3: engagement — No touch in 120 days');
    expect(text).toMatch(/12-week trend [ ▁▂▃▄▅▆▇█]{12}/);
    // Viewing records today's snapshot, once per day.
    await run(ctx, '/health Globex');
    const rows = await db().select().from(healthSnapshots).where(and(eq(healthSnapshots.workspaceId, ctx.workspace.id), eq(healthSnapshots.accountId, globex)));
    expect(rows.map((r) => String(r.day)).sort()).toEqual(['2026-11-16', '2026-11-23']);
  });

  it('today’s snapshot is written when the score says something new, and left alone when it is the same', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await run(ctx, '/account add Hooli licensed=100 active=50');
    const hooli = await accountId(ctx, 'Hooli');
    const today = async () =>
      (await db().select().from(healthSnapshots).where(and(eq(healthSnapshots.workspaceId, ctx.workspace.id), eq(healthSnapshots.accountId, hooli), eq(healthSnapshots.day, '2026-11-23'))))[0];
    await run(ctx, '/health Hooli');
    const first = (await today())!;
    // The same view an hour later: nothing changed, nothing is rewritten (computed_at stays).
    const later = { ...ctx, now: new Date(NOW.getTime() + 3_600_000) };
    const same = plain(await run(later, '/health Hooli'));
    expect((await today())!.computedAt.toISOString()).toBe(first.computedAt.toISOString());
    expect(same).toContain(`Hooli — health ${first.score}/100`);
    // A touch changes engagement: today's point is rewritten and the card shows the new score.
    await touch(ctx, hooli, new Date(NOW.getTime() + 1_800_000));
    const changed = plain(await run(later, '/health Hooli'));
    const rewritten = (await today())!;
    expect(rewritten.computedAt.toISOString()).toBe(later.now.toISOString());
    expect(rewritten.score).not.toBe(first.score);
    expect(changed).toContain(`Hooli — health ${rewritten.score}/100`);
    expect(rewritten.drivers).toEqual(expect.arrayContaining([expect.stringMatching(/touch/i)]));
  });

  it('the portfolio by band with the biggest movers; unknown accounts get close matches', async () => {
    const ctx = await newContext(db(), { now: NOW });
    expect(plain(await run(ctx, '/health'))).toContain('No accounts yet');
    await run(ctx, '/account add "Acme Corp" licensed=100 active=90');
    await run(ctx, '/account add Globex licensed=100 active=10');
    const acme = await accountId(ctx, 'Acme Corp');
    await touch(ctx, acme, daysAgo(3));
    const two = { adoption: { score: 60, detail: 'a', contribution: 40 }, support: { score: 60, detail: 's', contribution: 20 } };
    await db().insert(healthSnapshots).values({ workspaceId: ctx.workspace.id, accountId: acme, day: '2026-11-16', score: 60, band: 'yellow', components: two, drivers: [], computedAt: daysAgo(7) });
    const text = plain(await run(ctx, '/health'));
    expect(text).toContain('Portfolio health — 2 accounts');
    expect(text).toMatch(/🟢 green: 1/);
    expect(text).toMatch(/🔴 red: 1/);
    expect(text).toContain('• Globex — ');
    expect(text).toContain('• Acme Corp +40 → 100 (green)');
    const unknown = plain(await run(ctx, '/health Acme Crop'));
    expect(unknown).toContain('Acme Corp');
    expect(plain(await run(ctx, '/health help'))).toContain('/health <account>');
  });
});
