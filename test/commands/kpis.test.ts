// /kpis on every engine, with hand-computed figures.
import { describe, expect, it } from 'vitest';
import { portfolioKpis } from '../../src/core/kpis.js';
import { seedDemoWorkspace } from '../../src/demo/seed.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { expectLines } from '../helpers/expect-lines.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const NOW = new Date('2026-11-23T10:00:00Z');

describe.each(ENGINES)('/kpis on $name', (engine) => {
  const t = registryOn(engine);

  it('ARR, MRR, churn, NRR, ARPU, CLV and ARR per owner from renewal outcomes', async () => {
    const then = await newContext(t.database.db, { now: new Date('2025-06-01T10:00:00Z') });
    expect(plain(await t.registry.run(then, '/kpis'))).toContain('ARR: $0');
    await t.registry.run(then, '/account add "Acme Corp" arr=120k owner=@ana');
    await t.registry.run(then, '/account add Globex arr=50k');
    await t.registry.run(then, '/account add Initech arr=30k owner=@ana');
    const now = { ...then, now: NOW };
    await t.registry.run(now, '/account add Hooli arr=100k');
    await t.registry.run(now, '/renewal "Acme Corp" expanded arr=150k');
    await t.registry.run(now, '/renewal Globex churned reason=budget');
    await t.registry.run(now, '/renewal Initech downgraded arr=20k reason=budget');
    const k = await portfolioKpis(t.database.db, now.workspace.id, { now: NOW, timezone: 'UTC' });
    // ARR 150k + 20k + 100k; the cohort of a year ago started at 120k + 50k + 30k = 200k.
    expect([k.arrCents, k.mrrCents, k.customers, k.arpuCents]).toEqual([27_000_000, 2_250_000, 3, 9_000_000]);
    expect(k.t12m).toMatchObject({ customersAtStart: 3, churnedCustomers: 1, startingArrCents: 20_000_000, churnedArrCents: 5_000_000, contractionCents: 1_000_000, expansionCents: 3_000_000 });
    // NRR (200 − 50 − 10 + 30) ÷ 200 = 85%; churn 1 of 3; CLV 90k × 30% × 3 years = 81k.
    expect(k.t12m.nrrPct).toBeCloseTo(85, 10);
    expect(k.t12m.grossChurnPct).toBeCloseTo(100 / 3, 10);
    expect(k.clv.cents).toBe(8_100_000);
    const text = plain(await t.registry.run(now, '/kpis'));
    expectLines(text, [
      'ARR: $270,000',
      'Net revenue retention (T12M): 85%',
      'Gross churn (T12M): 33.3% — 1 of 3 customers',
      'CLV (estimate): $81,000',
      '• @ana — $170k over 2 accounts: under $1M: room for more',
      '• no owner — $100k over 1 account: assign an owner',
      'Assumptions: CLV = ARPU × 30% gross margin',
    ]);
  });

  it('the demo portfolio shows every T12M figure, from its contract history', async () => {
    const ctx = await newContext(t.database.db, { now: NOW });
    await seedDemoWorkspace(t.database.db, ctx.workspace.id, NOW);
    const k = await portfolioKpis(t.database.db, ctx.workspace.id, { now: NOW, timezone: 'UTC' });
    // Contracts started over a year ago: Globex (260k, expanded to 340k at its first
    // anniversary), Wayne Retail (75k, downgraded to 60k), Soylent Foods 45k, Cyberdyne
    // 210k, and Wonka Confections (30k, churned 35 days ago). Starting ARR 620k.
    expect(k.t12m).toMatchObject({ customersAtStart: 5, churnedCustomers: 1, startingArrCents: 62_000_000, churnedArrCents: 3_000_000, contractionCents: 1_500_000, expansionCents: 8_000_000 });
    expect(k.t12m.nrrPct).toBeCloseTo((655 / 620) * 100, 10);
    expect(k.t12m.grrPct).toBeCloseTo((575 / 620) * 100, 10);
    const text = plain(await t.registry.run(ctx, '/kpis'));
    expect(text).toContain('Gross churn (T12M): 20% — 1 of 5 customers');
    expect(text).toContain('Net revenue retention (T12M): 105.6%');
    expect(text).toMatch(/CLV \(estimate\): \$[\d,]+/);
    expect(text).not.toContain('no data');
  });
});
