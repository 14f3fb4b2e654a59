// Health score table tests: every expectation is computed by hand from the
// formulas in src/core/health.ts (written next to each case).
import { describe, expect, it } from 'vitest';
import { cadenceFor, firstTouchDue } from '../../src/core/cadence.js';
import {
  adoptionScore,
  bandFor,
  DEFAULT_HEALTH_CONFIG,
  engagementScore,
  financialScore,
  healthScore,
  scoreChange,
  sentimentScore,
  sparkline,
  supportScore,
  trueNps,
  type HealthConfig,
  type HealthInputs,
} from '../../src/core/health.js';
import { healthConfigFor } from '../../src/core/settings.js';
import { localDate } from '../../src/core/time.js';

const round = (v: { score: number } | null) => (v === null ? null : Math.round(v.score));

describe('adoption: active ÷ licensed, 85% → 100, linear to 0 at 20%', () => {
  it.each([
    [100, 72, 80], // (0.72 − 0.20) ÷ 0.65 × 100 = 80
    [100, 85, 100],
    [100, 95, 100],
    [100, 20, 0],
    [100, 10, 0],
    [100, 50, 46], // 0.30 ÷ 0.65 × 100 = 46.15
    [100, 22, 3], // 0.02 ÷ 0.65 × 100 = 3.08
    [40, 34, 100], // exactly 85%
  ])('%i licensed, %i active → %i', (licensed, active, expected) => {
    expect(round(adoptionScore(licensed, active))).toBe(expected);
  });
  it('no licensed or active count, or nothing licensed → no data', () => {
    expect(adoptionScore(null, 10)).toBeNull();
    expect(adoptionScore(100, null)).toBeNull();
    expect(adoptionScore(0, 0)).toBeNull();
  });
  it('says it in words', () => {
    expect(adoptionScore(100, 22)!.detail).toBe('22% of licensed users active (22 of 100)');
  });
});

describe('engagement: days since the last touch against the cadence', () => {
  const today = '2026-11-23';
  it.each([
    // kickoff, last touch, today, mode, expected, why
    [null, '2026-10-07', today, 'standard', 100, 'quarterly, 47 days: on time'],
    [null, '2026-07-26', today, 'standard', 67, 'quarterly, 120 days: 30 overdue → 100 × (1 − 30/90) = 66.7'],
    [null, '2026-05-27', today, 'standard', 0, 'quarterly, 180 days: twice the gap → 0'],
    ['2026-11-10', '2026-11-13', today, 'standard', 57, 'weekly (13 days after kickoff), 10 days: 3 overdue → 100 × 4/7 = 57.1'],
    ['2026-11-10', '2026-11-16', today, 'standard', 100, 'weekly, 7 days: on time'],
    ['2026-09-01', '2026-10-09', today, 'standard', 50, '30/60/90/120 marks (83 days after kickoff, gap 30), 45 days: 15 overdue → 50'],
    [null, '2026-11-03', today, 'twice-monthly', 67, 'twice a month, 20 days: 5 overdue → 100 × (1 − 5/15) = 66.7'],
  ] as const)('kickoff %s, touch %s, %s (%s) → %i: %s', (kickoff, touch, day, mode, expected, _why) => {
    const result = engagementScore(touch, day, cadenceFor(kickoff, day, mode), null);
    expect(round(result)).toBe(expected);
  });

  it('the cadence around kickoff and month ends: day 30 is still weekly, day 31 the 30-day marks', () => {
    // 2026-01-31 → 2026-03-02 is 30 days (February 2026 has 28 days).
    expect(cadenceFor('2026-01-31', '2026-03-02').maxGapDays).toBe(7);
    expect(cadenceFor('2026-01-31', '2026-03-03').maxGapDays).toBe(30);
    // Day 120 still the marks, day 121 quarterly.
    expect(cadenceFor('2026-01-01', '2026-05-01').maxGapDays).toBe(30);
    expect(cadenceFor('2026-01-01', '2026-05-02').maxGapDays).toBe(90);
    // The first month is weekly even for twice-a-month practices.
    expect(cadenceFor('2026-11-10', '2026-11-23', 'twice-monthly').maxGapDays).toBe(7);
  });

  it('a DST week counts calendar days in the zone, not 24-hour periods', () => {
    // A touch at 01:30 CET on the spring-forward Sunday, read 8 calendar days later just after midnight CEST.
    const touchDay = localDate(new Date('2026-03-29T00:30:00Z'), 'Europe/Berlin');
    const today = localDate(new Date('2026-04-05T22:30:00Z'), 'Europe/Berlin');
    expect([touchDay, today]).toEqual(['2026-03-29', '2026-04-06']);
    // Weekly cadence (kickoff 2026-03-20): 8 days, 1 overdue → 100 × 6/7 = 85.7.
    expect(round(engagementScore(touchDay, today, cadenceFor('2026-03-20', today), null))).toBe(86);
    // Autumn: 2026-10-25 has 25 hours in Berlin; a touch on the Saturday is 7 days before the next Saturday.
    expect(round(engagementScore('2026-10-24', '2026-10-31', cadenceFor('2026-10-10', '2026-10-31'), null))).toBe(100);
  });

  it('never touched: no data until the first touch is due, then overdue from that day like any late touch', () => {
    const quarterly = cadenceFor(null, '2026-11-23');
    // Added 2026-11-13, no kickoff or contract start: first touch due 90 days later.
    const fresh = firstTouchDue({ kickoffDate: null, contractStart: null, createdDay: '2026-11-13' });
    expect(fresh.dueDay).toBe('2027-02-11');
    expect(engagementScore(null, '2026-11-23', quarterly, fresh)).toBeNull();
    // Added 2026-08-01: due 2026-10-30, 24 days late → 100 × (1 − 24/90) = 73.3.
    const older = firstTouchDue({ kickoffDate: null, contractStart: null, createdDay: '2026-08-01' });
    expect(engagementScore(null, '2026-11-23', quarterly, older)).toEqual({
      score: 100 * (1 - 24 / 90),
      detail: 'No touch logged yet (first touch due Fri 30 Oct 2026, 24 days overdue; cadence: quarterly)',
    });
  });

  it('says it in words', () => {
    expect(engagementScore('2026-10-07', '2026-11-23', cadenceFor(null, '2026-11-23'), null)!.detail).toBe('Last touch 47 days ago (cadence: quarterly)');
    expect(engagementScore('2026-10-07', '2026-11-23', { label: 'twice a month', maxGapDays: 15 }, null)!.detail).toBe(
      'No touch in 47 days (cadence: twice a month; 32 days overdue)',
    );
  });
});

describe('support: open tickets by severity and SLA breaches of 90 days', () => {
  const none = { critical: 0, major: 0, minor: 0, cosmetic: 0 };
  it.each([
    [none, 0, 100],
    [{ ...none, critical: 1 }, 2, 55], // 100 − 25 − 2 × 10
    [{ critical: 0, major: 2, minor: 3, cosmetic: 1 }, 0, 67], // 100 − 20 − 12 − 1
    [{ ...none, critical: 5 }, 0, 0], // floored at 0
    [none, 3, 70],
  ])('%o with %i breaches → %i', (open, breaches, expected) => {
    expect(supportScore(open, breaches).score).toBe(expected);
  });
  it('says it in words', () => {
    expect(supportScore({ ...none, critical: 1 }, 2).detail).toBe('Open tickets: 1 critical; 2 SLA breaches in 90 days');
    expect(supportScore(none, 0).detail).toBe('No open tickets; no SLA breaches in 90 days');
  });
});

describe('sentiment: the true NPS of 180 days and CSAT', () => {
  it('NPS is % promoters − % detractors, never an average of the 0–10 answers', () => {
    // Answers 10, 10, 0, 0: the average is 5, the NPS is 0 (2 promoters, 2 detractors).
    expect(trueNps({ promoters: 2, detractors: 2, total: 4 })).toBe(0);
    expect(sentimentScore({ promoters: 2, detractors: 2, total: 4 }, null)!.score).toBe(50);
    expect(trueNps({ promoters: 0, detractors: 0, total: 0 })).toBeNull();
  });
  it.each([
    [{ promoters: 3, detractors: 1, total: 5 }, null, 70], // NPS +40 → (40 + 100) ÷ 2
    [{ promoters: 3, detractors: 1, total: 5 }, 4.2, 75], // mean of 70 and (4.2 − 1) ÷ 4 × 100 = 80
    [{ promoters: 0, detractors: 0, total: 0 }, 5, 100],
    [{ promoters: 0, detractors: 0, total: 0 }, 1, 0],
    [{ promoters: 0, detractors: 4, total: 4 }, null, 0], // NPS −100
  ])('%o, CSAT %s → %i', (nps, csat, expected) => {
    expect(round(sentimentScore(nps, csat))).toBe(expected);
  });
  it('no answers and no CSAT → no data', () => {
    expect(sentimentScore({ promoters: 0, detractors: 0, total: 0 }, null)).toBeNull();
  });
});

describe('financial: spend trend over three readings and variance against forecast', () => {
  it.each([
    [[10000, 9000, 8000], 10000, 60, 'trend −20% → 60; 20% under forecast → 60'],
    [[100, 120], null, 100, 'trend up → 100'],
    [[11000], 10000, 100, 'one reading over forecast → 100'],
    [[10000, 12000, 5000], null, 0, 'trend −50% → 0'],
    [[10000, 10000, 9000], 9500, 85, 'trend −10% → 80; (9000 − 9500) ÷ 9500 = −5.26% → 89.47; mean 84.74 → 85'],
  ] as const)('%o, forecast %s → %i (%s)', (spend, forecast, expected, _why) => {
    const result = financialScore([...spend], forecast);
    expect(round(result)).toBe(expected);
  });
  it('no readings → no data; the words', () => {
    expect(financialScore([], null)).toBeNull();
    expect(financialScore([], 1000)).toBeNull();
    expect(financialScore([10000, 9000, 8000], 10000)!.detail).toBe('Spend down 20% over the last 3 readings; spend 20% under forecast');
  });
});

const base: HealthInputs = {
  today: '2026-11-23',
  createdDay: '2025-01-01',
  licensedUsers: 100,
  activeUsers: 72,
  kickoffDate: null,
  contractStart: null,
  lastTouchDay: '2026-10-07',
  openTickets: { critical: 1, major: 0, minor: 0, cosmetic: 0 },
  slaBreaches90d: 2,
  nps: { promoters: 3, detractors: 1, total: 5 },
  csat: 4.2,
  spendReadings: [10000, 9000, 8000],
  latestForecast: 10000,
};

describe('the weighted score, renormalization, bands and drivers', () => {
  it('all five components: 30×80 + 25×100 + 15×55 + 20×75 + 10×60 = 7825 ÷ 100 → 78, green', () => {
    const result = healthScore(base);
    expect(Object.fromEntries(Object.entries(result.components).map(([k, v]) => [k, v?.score]))).toEqual({
      adoption: 80,
      engagement: 100,
      support: 55,
      sentiment: 75,
      financial: 60,
    });
    expect(result.score).toBe(78);
    expect(result.band).toBe('green');
  });

  it('components with no data are left out and the weights renormalized (never a silent zero)', () => {
    // Adoption and financial missing: (25×100 + 15×55 + 20×75) ÷ 60 = 4825 ÷ 60 = 80.4 → 80.
    const result = healthScore({ ...base, licensedUsers: null, spendReadings: [], latestForecast: null });
    expect(result.components.adoption).toBeNull();
    expect(result.components.financial).toBeNull();
    expect(result.effectiveWeights.adoption).toBe(0);
    expect(result.effectiveWeights.engagement).toBeCloseTo(25 / 60, 10);
    expect(result.score).toBe(80);
  });

  it('workspace weights: zero weight drops a component, others renormalize', () => {
    const config: HealthConfig = { ...DEFAULT_HEALTH_CONFIG, weights: { adoption: 50, engagement: 50, support: 0, sentiment: 0, financial: 0 } };
    // (50×80 + 50×100) ÷ 100 = 90.
    expect(healthScore(base, config).score).toBe(90);
  });

  it('weights and thresholds come from the workspace settings over the defaults', () => {
    const config = healthConfigFor({ settings: { healthWeights: { adoption: 10 }, healthBands: { green: 80, yellow: 50 }, componentBands: { support: { green: 90, yellow: 60 } } } });
    expect(config.weights).toEqual({ adoption: 10, engagement: 25, support: 15, sentiment: 20, financial: 10 });
    // 10×80 + 25×100 + 15×55 + 20×75 + 10×60 = 6225 ÷ 80 = 77.8 → 78: yellow under green ≥ 80.
    const result = healthScore(base, config);
    expect([result.score, result.band]).toEqual([78, 'yellow']);
    expect(result.components.support!.band).toBe('red'); // 55 < 60
    expect(result.components.adoption!.band).toBe('green'); // default 70
    // A damaged setting falls back to the defaults.
    expect(healthConfigFor({ settings: { healthWeights: 'heavy', healthBands: { green: 10, yellow: 90 } } })).toEqual({ ...DEFAULT_HEALTH_CONFIG });
  });

  it.each([
    [100, 'green'],
    [70, 'green'],
    [69, 'yellow'],
    [40, 'yellow'],
    [39, 'red'],
    [0, 'red'],
  ] as const)('band of %i is %s', (score, band) => {
    expect(bandFor(score)).toBe(band);
  });

  it('the top three drivers are the components that cost the most points, in words', () => {
    // Cost = weight × (100 − score): support 0.15×45 = 6.75, adoption 0.3×20 = 6, sentiment 0.2×25 = 5, financial 0.1×40 = 4, engagement 0.
    expect(healthScore(base).drivers).toEqual([
      'Open tickets: 1 critical; 2 SLA breaches in 90 days',
      '72% of licensed users active (72 of 100)',
      'NPS +40 from 5 answers (180 days); CSAT 4.2 of 5',
    ]);
    const late = healthScore({ ...base, lastTouchDay: '2026-07-26', activeUsers: 22 });
    expect(late.drivers[0]).toBe('22% of licensed users active (22 of 100)');
    expect(late.drivers[1]).toBe('No touch in 120 days (cadence: quarterly; 30 days overdue)');
  });

  it('the change since a week ago is explained by the components that moved it', () => {
    const before = healthScore(base);
    const now = healthScore({ ...base, lastTouchDay: '2026-07-26' });
    // Engagement 100 → 66.7 at weight 0.25: −8.3 points → −8; score 78 → 70.
    if (now.band === 'insufficient' || before.band === 'insufficient') throw new Error('both have a score');
    const change = scoreChange(now, before);
    expect(change.delta).toBe(now.score - before.score);
    expect(change.delta).toBe(-8);
    expect(change.moves).toEqual([{ component: 'engagement', points: -8, detail: 'No touch in 120 days (cadence: quarterly; 30 days overdue)' }]);
  });

  it('sparkline: ▁ for the bottom eighth, █ for the top, a space for a missing week', () => {
    expect(sparkline([0, 12.5, 50, 100, null, 99])).toBe('▁▂▅█ █');
  });
});
