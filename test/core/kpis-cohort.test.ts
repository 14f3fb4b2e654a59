// The T12M cohort KPIs against figures worked out by hand, on every engine: the
// cohort comes from contract dates (an imported history counts from day one), the
// starting ARR from the ARR history, and a churn keeps the ARR it lost.
import { describe, expect, it } from 'vitest';
import { portfolioKpis } from '../../src/core/kpis.js';
import { importCsv } from '../../src/data/import.js';
import { renderPlain } from '../../src/messages/plain.js';
import type { Reply } from '../../src/messages/message.js';
import { newContext, registryOn } from '../helpers/context.js';
import { ENGINES } from '../helpers/engines.js';
import { expectLines } from '../helpers/expect-lines.js';

const at = (day: string) => new Date(`${day}T10:00:00Z`);
const NOW = at('2026-11-23'); // the window opens 2025-11-23
const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');

describe.each(ENGINES)('the T12M cohort on $name', (engine) => {
  const t = registryOn(engine);

  it('cohort, starting ARR, gross churn, GRR, NRR and CLV from contract history', async () => {
    const first = await newContext(t.database.db, { now: at('2025-01-01') });
    const on = (day: string) => ({ ...first, now: at(day) });
    const run = async (day: string, text: string) => {
      const reply = await t.registry.run(on(day), text);
      expect(plain(reply)).not.toMatch(/^⚠️|can't|not an|Unknown/);
      return reply;
    };
    // An imported history, all on one day (today): contract starts long ago, one churn
    // inside the window and one before it, and one customer who joined during it.
    const report = await importCsv(
      t.database.db,
      first.workspace.id,
      [
        'name,arr,start,renewal,churned',
        'Alpha,100k,2024-01-01,2026-01-01,', //   in the cohort: 100k → expanded to 130k (2026-01-01)
        'Beta,80k,2024-06-01,2026-06-01,', //     in the cohort: 80k → downgraded to 60k (2026-06-01)
        'Gamma,50k,2023-03-01,,2026-03-01', //    in the cohort, churned inside the window: 50k lost
        'Delta,40k,2023-01-01,,2025-02-01', //    churned before the window: not in the cohort
        'Epsilon,70k,2026-02-01,2027-02-01,', //  joined during the window: not in the cohort
      ].join('\n'),
      { actor: { userId: null, now: NOW, label: 'CSV import (test)' } },
    );
    expect(report.errors).toEqual([]);
    expect(report.created).toBe(5);
    // Zeta has no contract start: it counts from the day it was added (2025-01-01);
    // its ARR changed once before the window (20k → 22k) and once inside it (→ 25k).
    await run('2025-01-01', '/account add Zeta arr=20k');
    await run('2025-06-01', '/account set Zeta arr=22k');
    await run('2025-12-01', '/account set Zeta arr=25k');
    // Outcomes recorded a few days after their renewal dates take effect on those dates.
    await run('2026-01-05', '/renewal Alpha expanded arr=130k');
    await run('2026-06-03', '/renewal Beta downgraded arr=60k reason=budget');

    const k = await portfolioKpis(t.database.db, first.workspace.id, { now: NOW, timezone: 'UTC' });
    // Cohort: Alpha, Beta, Gamma, Zeta. Starting ARR 100 + 80 + 50 + 22 = 252k.
    // Churned: Gamma, 50k. Contraction: Beta 20k. Expansion: Alpha 30k + Zeta 3k = 33k.
    expect(k.t12m).toMatchObject({
      since: '2025-11-23',
      customersAtStart: 4,
      churnedCustomers: 1,
      startingArrCents: 25_200_000,
      churnedArrCents: 5_000_000,
      contractionCents: 2_000_000,
      expansionCents: 3_300_000,
    });
    expect(k.t12m.grossChurnPct).toBeCloseTo(25, 10); // 1 of 4
    expect(k.t12m.grrPct).toBeCloseTo((182 / 252) * 100, 10); // (252 − 50 − 20) ÷ 252 = 72.22%
    expect(k.t12m.nrrPct).toBeCloseTo((215 / 252) * 100, 10); // (252 − 50 − 20 + 33) ÷ 252 = 85.32%
    // Today: Alpha 130 + Beta 60 + Epsilon 70 + Zeta 25 = 285k over 4 customers; ARPU 71.25k.
    expect([k.arrCents, k.customers, k.arpuCents]).toEqual([28_500_000, 4, 7_125_000]);
    // CLV = 71.25k × 30% ÷ 25% = 85.5k (a lifetime of 4 years).
    expect(k.clv).toMatchObject({ cents: 8_550_000, lifetimeYears: 4, capped: false });

    const card = plain(await t.registry.run(on('2026-11-23'), '/kpis'));
    expectLines(card, [
      'Gross churn (T12M): 25% — 1 of 4 customers',
      'Net revenue retention (T12M): 85.3%',
      'Gross revenue retention (T12M): 72.2%',
      'CLV (estimate): $85,500',
      'the 4 customers whose contracts had started by',
    ]);
  });

  it('a churn keeps the ARR it lost, and the account leaves ARR and customers', async () => {
    const ctx = await newContext(t.database.db, { now: at('2025-03-01') });
    await t.registry.run(ctx, '/account add Initech arr=30k renewal=2026-03-01');
    const later = { ...ctx, now: at('2026-03-10') };
    await t.registry.run(later, '/renewal Initech churned reason=budget');
    const k = await portfolioKpis(t.database.db, ctx.workspace.id, { now: at('2026-04-01'), timezone: 'UTC' });
    // Added 2025-03-01 (the window opens 2025-04-01): 30k at the start, churned 2026-03-01.
    expect(k.t12m).toMatchObject({ customersAtStart: 1, churnedCustomers: 1, startingArrCents: 3_000_000, churnedArrCents: 3_000_000 });
    expect(k.t12m.nrrPct).toBe(0);
    expect([k.arrCents, k.customers]).toEqual([0, 0]);
    const shown = plain(await t.registry.run({ ...ctx, now: at('2026-04-01') }, '/account Initech'));
    expect(shown).toContain('$30,000');
  });

  it('an account whose contract start is set after its ARR still has a starting ARR', async () => {
    const ctx = await newContext(t.database.db, { now: at('2026-10-01') });
    await t.registry.run(ctx, '/account add Hooli arr=90k');
    await t.registry.run(ctx, '/account set Hooli start=2024-05-01');
    const k = await portfolioKpis(t.database.db, ctx.workspace.id, { now: NOW, timezone: 'UTC' });
    // The contract started before the window; the first ARR known (90k) stands for its start.
    expect(k.t12m).toMatchObject({ customersAtStart: 1, churnedCustomers: 0, startingArrCents: 9_000_000, expansionCents: 0, contractionCents: 0 });
    expect(k.t12m.nrrPct).toBe(100);
  });
});
