// No score without data (issue 21, item 2): a score built from fewer than two
// components is "not enough data", never a band; an account never touched is
// overdue from its kickoff or contract start; renewal risk treats unknown health as
// at least medium. Expectations computed by hand from src/core/health.ts.
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_CONFIG, healthScore, healthSummary, missingData, notEnoughDataText, type HealthConfig, type HealthInputs } from '../../src/core/health.js';
import type { AccountHealth } from '../../src/core/health-inputs.js';
import { renewalRisk } from '../../src/core/renewals.js';

const NONE = { critical: 0, major: 0, minor: 0, cosmetic: 0 };

/** Added three days ago: no usage, no touch, no survey, no spend, no tickets. */
const fresh: HealthInputs = {
  today: '2026-11-23',
  createdDay: '2026-11-20',
  licensedUsers: null,
  activeUsers: null,
  kickoffDate: null,
  contractStart: null,
  lastTouchDay: null,
  openTickets: NONE,
  slaBreaches90d: 0,
  nps: { promoters: 0, detractors: 0, total: 0 },
  csat: null,
  spendReadings: [],
  latestForecast: null,
};

const account = (inputs: HealthInputs, config?: HealthConfig): AccountHealth => ({
  accountId: 'a1',
  name: 'Initech',
  ownerUserId: null,
  renewalDate: '2027-01-15',
  arrCents: 12_000_000,
  stage: 'onboard',
  inputs,
  csat: null,
  health: healthScore(inputs, config),
});

describe('a score needs at least two components with data', () => {
  it('a new account with no usage, no touch and no survey has no score and no band — not 100 and green from "no open tickets"', () => {
    const h = healthScore(fresh);
    expect([h.score, h.band]).toEqual([null, 'insufficient']);
    // Support alone has data; its component score is still shown.
    expect(h.components.support?.score).toBe(100);
    expect(h.drivers).toEqual([]);
    // Quarterly without a kickoff: the first touch is due 90 days after the account was added.
    expect(missingData(h)).toEqual(['no usage', 'no survey yet', 'new — first touch due by Thu 18 Feb 2027']);
    expect(notEnoughDataText(h)).toBe('not enough data (no usage, no survey yet, new — first touch due by Thu 18 Feb 2027)');
    expect(healthSummary(h)).toBe(notEnoughDataText(h));
    expect(JSON.parse(JSON.stringify(h))).toMatchObject({ score: null, band: 'insufficient', gaps: { adoption: 'no usage', support: null, financial: 'no usage' } });
    // Two components are enough. Adoption 72% → 80 (30), support 100 (15): (2400 + 1500) ÷ 45 = 86.7 → 87, green.
    const two = healthScore({ ...fresh, licensedUsers: 100, activeUsers: 72 });
    expect([two.score, two.band]).toEqual([87, 'green']);
    expect(healthSummary(two)).toBe('87/100 (green)');
    expect(two.gaps).toMatchObject({ adoption: null, sentiment: 'no survey yet', financial: 'no spend readings' });
  });

  it('a component with weight 0 builds nothing: usage and support with support weighted 0 is not enough', () => {
    const config: HealthConfig = { ...DEFAULT_HEALTH_CONFIG, weights: { ...DEFAULT_HEALTH_CONFIG.weights, support: 0 } };
    const h = healthScore({ ...fresh, licensedUsers: 100, activeUsers: 72 }, config);
    expect([h.score, h.band]).toEqual([null, 'insufficient']);
    expect(missingData(h)).toEqual(['no spend readings', 'no survey yet', 'new — first touch due by Thu 18 Feb 2027']);
  });

  it('an account older than the survey window is missing "no survey answers in 180 days", not "yet"', () => {
    const h = healthScore({ ...fresh, createdDay: '2026-01-05', kickoffDate: null, contractStart: '2026-11-01' });
    expect(h.gaps.sentiment).toBe('no survey answers in 180 days');
  });
});

describe('engagement of an account never touched: overdue from its kickoff or contract start', () => {
  it('kickoff 13 days ago, no touch: weekly cadence, first touch due 7 days after it, 6 days late → 100 × (1 − 6/7) = 14', () => {
    // Old rule: 0 (never touched and older than the gap), whatever the kickoff.
    const h = healthScore({ ...fresh, createdDay: '2025-06-01', kickoffDate: '2026-11-10', licensedUsers: 100, activeUsers: 72 });
    expect(h.components.engagement?.score).toBe(14);
    expect(h.components.engagement?.detail).toBe('No touch logged yet (first touch due Tue 17 Nov 2026, 6 days overdue; cadence: weekly (first month after kickoff))');
  });

  it('no kickoff: from the contract start (quarterly), even for an account added to Tenure three days ago', () => {
    // Contract start 2026-07-01 + 90 days = 2026-09-29; 55 days late → 100 × (1 − 55/90) = 38.9 → 39.
    const h = healthScore({ ...fresh, contractStart: '2026-07-01' });
    expect(h.components.engagement?.score).toBe(39);
    // Engagement and support: two components, a score. (25 × 38.9 + 15 × 100) ÷ 40 = 61.8 → 62, yellow.
    expect([h.score, h.band]).toEqual([62, 'yellow']);
  });

  it('before the first touch is due the account is new: no engagement data, and the marker says when it is due', () => {
    // Kickoff yesterday: due a week after it.
    const h = healthScore({ ...fresh, kickoffDate: '2026-11-22' });
    expect(h.components.engagement).toBeNull();
    expect(h.gaps.engagement).toBe('new — first touch due by Sun 29 Nov 2026');
    expect(h.band).toBe('insufficient');
  });

  it('twice-a-month practices: the first month after a kickoff is weekly there too', () => {
    const twice: HealthConfig = { ...DEFAULT_HEALTH_CONFIG, cadenceMode: 'twice-monthly' };
    expect(healthScore({ ...fresh, kickoffDate: '2026-11-22' }, twice).gaps.engagement).toBe('new — first touch due by Sun 29 Nov 2026');
    // No kickoff: twice a month from the contract start. 2026-11-01 + 15 = 2026-11-16; 7 late → 100 × (1 − 7/15) = 53.
    expect(healthScore({ ...fresh, contractStart: '2026-11-01' }, twice).components.engagement?.score).toBe(53);
  });
});

describe('renewal risk: unknown health is at least medium', () => {
  it('not enough data and nothing else wrong → medium, saying why (a green score with nothing wrong stays low)', () => {
    expect(renewalRisk(account(fresh))).toEqual({
      risk: 'medium',
      reasons: ['health unknown: not enough data (no usage, no survey yet, new — first touch due by Thu 18 Feb 2027)'],
    });
    expect(renewalRisk(account({ ...fresh, licensedUsers: 100, activeUsers: 90 }))).toEqual({ risk: 'low', reasons: ['health 100 (green)'] });
  });

  it('not enough data with an open critical ticket → high', () => {
    const risk = renewalRisk(account({ ...fresh, openTickets: { ...NONE, critical: 1 } }));
    expect(risk.risk).toBe('high');
    expect(risk.reasons).toEqual(['1 open critical ticket', expect.stringContaining('health unknown: not enough data')]);
  });

});
