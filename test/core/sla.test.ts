// Business-hours SLA and the small pure core modules it stands on (time, names, NPS,
// cadence). Expected instants are hand-computed and written in UTC, with the local
// wall time in the comment, so each row also checks the zone's offset on that day.
import { describe, expect, it } from 'vitest';
import { accountTouchStatus, cadenceFor, touchStatus } from '../../src/core/cadence.js';
import { closeMatches, foldName } from '../../src/core/names.js';
import { npsBreakdown, npsCategory } from '../../src/core/nps.js';
import {
  addBusinessMinutes,
  businessMinutesBetween,
  DEFAULT_BUSINESS_HOURS,
  FIRST_RESPONSE_HOURS,
  slaDueAt,
  slaWarningAt,
  type BusinessHours,
  type Severity,
} from '../../src/core/sla.js';
import { businessHoursFor, workspaceSettings } from '../../src/core/settings.js';
import {
  addDays,
  canonicalTimeZone,
  daysBetween,
  formatDateTime,
  formatDay,
  formatMinutes,
  isIsoDate,
  isValidTimeZone,
  localDate,
  offsetMs,
  relativeDays,
  zonedInstant,
} from '../../src/core/time.js';
import { prng as seeded } from '../../src/demo/prng.js';

const hoursIn = (timezone: string, holidays: string[] = []): BusinessHours => ({ ...DEFAULT_BUSINESS_HOURS, timezone, holidays });
const at = (iso: string) => new Date(iso);

describe('first-response targets', () => {
  it('match the product table', () => {
    expect(FIRST_RESPONSE_HOURS).toEqual({ critical: 1, major: 4, minor: 8, cosmetic: 12 });
    expect(DEFAULT_BUSINESS_HOURS).toEqual({ start: '08:00', end: '17:00', workdays: [1, 2, 3, 4, 5], holidays: [] });
  });
});

describe('slaDueAt', () => {
  // [what, zone, opened (UTC), severity, holidays, due (UTC)]
  const cases: [string, string, string, Severity, string[], string][] = [
    // Berlin is CET (+01:00) in late November.
    ['critical Fri 16:30 → Mon 08:30', 'Europe/Berlin', '2026-11-27T15:30:00Z', 'critical', [], '2026-11-30T07:30:00Z'],
    ['minor opened Sat 10:00 counts from Mon 08:00 → Mon 16:00', 'Europe/Berlin', '2026-11-28T09:00:00Z', 'minor', [], '2026-11-30T15:00:00Z'],
    ['critical Sun 23:00 → Mon 09:00', 'Europe/Berlin', '2026-11-29T22:00:00Z', 'critical', [], '2026-11-30T08:00:00Z'],
    ['cosmetic Tue 10:00: 7 h Tue + 5 h Wed → Wed 13:00', 'UTC', '2026-11-24T10:00:00Z', 'cosmetic', [], '2026-11-25T13:00:00Z'],
    ['cosmetic Fri 08:00: 9 h Fri + 3 h Mon → Mon 11:00', 'UTC', '2026-11-27T08:00:00Z', 'cosmetic', [], '2026-11-30T11:00:00Z'],
    ['major Thu 15:00, Fri a holiday → Mon 10:00', 'UTC', '2026-12-24T15:00:00Z', 'major', ['2026-12-25'], '2026-12-28T10:00:00Z'],
    ['major Thu 15:00, Fri and Mon holidays → Tue 10:00', 'UTC', '2026-12-24T15:00:00Z', 'major', ['2026-12-25', '2026-12-28'], '2026-12-29T10:00:00Z'],
    ['critical opened on a holiday Fri → Mon 09:00', 'UTC', '2026-12-25T09:00:00Z', 'critical', ['2026-12-25'], '2026-12-28T09:00:00Z'],
    ['critical opened exactly at 17:00 → next day 09:00', 'UTC', '2026-11-24T17:00:00Z', 'critical', [], '2026-11-25T09:00:00Z'],
    ['critical opened at 07:59 → 09:00 the same day', 'UTC', '2026-11-24T07:59:00Z', 'critical', [], '2026-11-24T09:00:00Z'],
    ['critical opened at 08:00 → 09:00', 'UTC', '2026-11-24T08:00:00Z', 'critical', [], '2026-11-24T09:00:00Z'],
    ['critical opened at 16:59 → next day 08:59', 'UTC', '2026-11-24T16:59:00Z', 'critical', [], '2026-11-25T08:59:00Z'],
    ['minor opened Mon 09:00 → Mon 17:00, not Tue 08:00', 'UTC', '2026-11-23T09:00:00Z', 'minor', [], '2026-11-23T17:00:00Z'],
    ['minor opened Mon 08:00 → Mon 16:00', 'UTC', '2026-11-23T08:00:00Z', 'minor', [], '2026-11-23T16:00:00Z'],
    ['seconds are kept: critical 10:00:30 → 11:00:30', 'UTC', '2026-11-24T10:00:30Z', 'critical', [], '2026-11-24T11:00:30Z'],
    // Kolkata is +05:30 all year.
    ['half-hour zone: critical Fri 16:30 IST → Mon 08:30 IST', 'Asia/Kolkata', '2026-11-27T11:00:00Z', 'critical', [], '2026-11-30T03:00:00Z'],
    // The business day is the local one: 23:30 UTC Friday is already Saturday in Auckland (NZDT, +13:00).
    ['Auckland: Fri 23:30 UTC is Sat local → Mon 09:00 NZDT', 'Pacific/Auckland', '2026-11-27T23:30:00Z', 'critical', [], '2026-11-29T20:00:00Z'],
    // Europe/London springs forward on Sun 2027-03-28 (GMT → BST) and falls back on Sun 2026-10-25.
    ['London spring: major Fri 15:00 GMT → Mon 10:00 BST', 'Europe/London', '2027-03-26T15:00:00Z', 'major', [], '2027-03-29T09:00:00Z'],
    ['London autumn: major Fri 15:00 BST → Mon 10:00 GMT', 'Europe/London', '2026-10-23T14:00:00Z', 'major', [], '2026-10-26T10:00:00Z'],
    ['London spring: cosmetic Fri 08:00 GMT → Mon 11:00 BST', 'Europe/London', '2027-03-26T08:00:00Z', 'cosmetic', [], '2027-03-29T10:00:00Z'],
    // America/New_York springs forward on Sun 2027-03-14 (EST → EDT) and falls back on Sun 2026-11-01.
    ['New York spring: major Fri 15:00 EST → Mon 10:00 EDT', 'America/New_York', '2027-03-12T20:00:00Z', 'major', [], '2027-03-15T14:00:00Z'],
    ['New York autumn: major Fri 15:00 EDT → Mon 10:00 EST', 'America/New_York', '2026-10-30T19:00:00Z', 'major', [], '2026-11-02T15:00:00Z'],
    ['New York spring: critical opened Sun (DST day) → Mon 09:00 EDT', 'America/New_York', '2027-03-14T15:00:00Z', 'critical', [], '2027-03-15T13:00:00Z'],
  ];

  it.each(cases)('%s', (_what, zone, opened, severity, holidays, due) => {
    const hours = hoursIn(zone, holidays);
    const dueAt = slaDueAt(at(opened), severity, hours);
    expect(dueAt.toISOString()).toBe(new Date(due).toISOString());
    // The clock between opening and the due time is exactly the target.
    expect(businessMinutesBetween(at(opened), dueAt, hours)).toBe(FIRST_RESPONSE_HOURS[severity] * 60);
  });

  it('a calendar with no working days is an error, not an endless loop', () => {
    expect(() => slaDueAt(at('2026-11-24T10:00:00Z'), 'critical', { ...hoursIn('UTC'), workdays: [] })).toThrow(/No business hours within a year/);
  });

  it('custom hours: 09:00–12:00 Mon/Wed only', () => {
    const hours: BusinessHours = { timezone: 'UTC', start: '09:00', end: '12:00', workdays: [1, 3], holidays: [] };
    // Tue 2026-11-24 10:00 → Wed 09:00 + 4 h = 3 h Wed + 1 h Mon 2026-11-30 → Mon 10:00.
    expect(slaDueAt(at('2026-11-24T10:00:00Z'), 'major', hours).toISOString()).toBe('2026-11-30T10:00:00.000Z');
  });
});

describe('businessMinutesBetween', () => {
  const cases: [string, string, string, string, string[], number][] = [
    ['same instant', 'UTC', '2026-11-24T10:00:00Z', '2026-11-24T10:00:00Z', [], 0],
    ['to before from', 'UTC', '2026-11-24T12:00:00Z', '2026-11-24T10:00:00Z', [], 0],
    ['inside one day', 'UTC', '2026-11-24T09:15:00Z', '2026-11-24T10:45:00Z', [], 90],
    ['Fri 17:00 → Mon 08:00', 'UTC', '2026-11-27T17:00:00Z', '2026-11-30T08:00:00Z', [], 0],
    ['a whole week, Mon 00:00 → Sat 00:00', 'UTC', '2026-11-23T00:00:00Z', '2026-11-28T00:00:00Z', [], 5 * 540],
    ['the same week with a holiday', 'UTC', '2026-11-23T00:00:00Z', '2026-11-28T00:00:00Z', ['2026-11-26'], 4 * 540],
    ['Berlin day, 07:00 → 18:00 CET', 'Europe/Berlin', '2026-11-23T06:00:00Z', '2026-11-23T17:00:00Z', [], 540],
    ['evening to next morning', 'UTC', '2026-11-24T16:00:00Z', '2026-11-25T09:30:00Z', [], 150],
    ['New York across the spring change, Fri 16:00 EST → Mon 09:00 EDT', 'America/New_York', '2027-03-12T21:00:00Z', '2027-03-15T13:00:00Z', [], 120],
  ];
  it.each(cases)('%s', (_what, zone, from, to, holidays, minutes) => {
    expect(businessMinutesBetween(at(from), at(to), hoursIn(zone, holidays))).toBe(minutes);
  });
});


describe('businessMinutesBetween agrees with addBusinessMinutes', () => {
  const zones = ['UTC', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Sydney', 'Pacific/Auckland'];
  const holidays = ['2026-12-25', '2026-12-28', '2027-01-01', '2027-03-15', '2027-03-29', '2026-11-02'];
  const start = Date.parse('2026-09-01T00:00:00Z');
  const span = Date.parse('2027-06-01T00:00:00Z') - start;
  const random = seeded(20261123);
  const samples = Array.from({ length: 400 }, () => ({
    zone: zones[Math.floor(random() * zones.length)]!,
    // Minute-aligned instants: every zone above has whole-minute offsets.
    from: new Date(start + Math.floor((random() * span) / 60_000) * 60_000),
    minutes: Math.floor(random() * 4_000),
    toOffset: Math.floor(random() * 20 * 24 * 60) * 60_000,
  }));

  it('between(from, add(from, m)) = m, and add never goes back in time', () => {
    for (const { zone, from, minutes } of samples) {
      const hours = hoursIn(zone, holidays);
      const due = addBusinessMinutes(from, minutes, hours);
      const context = `${zone} ${from.toISOString()} +${minutes}`;
      expect(due.getTime(), context).toBeGreaterThanOrEqual(from.getTime());
      expect(businessMinutesBetween(from, due, hours), context).toBe(minutes);
    }
  });

  it('add(from, between(from, to)) is at or before to, and adding is additive', () => {
    for (const { zone, from, minutes, toOffset } of samples) {
      const hours = hoursIn(zone, holidays);
      const to = new Date(from.getTime() + toOffset);
      const between = businessMinutesBetween(from, to, hours);
      const context = `${zone} ${from.toISOString()} → ${to.toISOString()}`;
      expect(addBusinessMinutes(from, between, hours).getTime(), context).toBeLessThanOrEqual(Math.max(to.getTime(), addBusinessMinutes(from, 0, hours).getTime()));
      const half = Math.floor(minutes / 2);
      expect(addBusinessMinutes(addBusinessMinutes(from, half, hours), minutes - half, hours).toISOString(), context).toBe(
        addBusinessMinutes(from, minutes, hours).toISOString(),
      );
    }
  });
});

describe('time: zonedInstant', () => {
  const cases: [string, string, string, string, string][] = [
    ['UTC', '2026-11-20', '09:00', 'UTC', '2026-11-20T09:00:00Z'],
    ['Berlin winter (+01:00)', '2026-11-20', '09:00', 'Europe/Berlin', '2026-11-20T08:00:00Z'],
    ['Berlin summer (+02:00)', '2027-07-01', '09:00', 'Europe/Berlin', '2027-07-01T07:00:00Z'],
    ['New York EDT day after the change', '2027-03-15', '08:00', 'America/New_York', '2027-03-15T12:00:00Z'],
    ['New York EST day after the change', '2026-11-02', '08:00', 'America/New_York', '2026-11-02T13:00:00Z'],
    ['Kathmandu (+05:45)', '2026-11-20', '09:00', 'Asia/Kathmandu', '2026-11-20T03:15:00Z'],
    ['Auckland NZDT (+13:00) is the previous UTC day', '2026-11-20', '09:00', 'Pacific/Auckland', '2026-11-19T20:00:00Z'],
    ['Honolulu (−10:00)', '2026-11-20', '17:00', 'Pacific/Honolulu', '2026-11-21T03:00:00Z'],
    // Spring gap: the skipped wall time is read with the old offset (→ 03:30 EDT / 02:30 BST).
    ['New York gap 02:30 → 03:30 EDT', '2027-03-14', '02:30', 'America/New_York', '2027-03-14T07:30:00Z'],
    ['London gap 01:30 → 02:30 BST', '2027-03-28', '01:30', 'Europe/London', '2027-03-28T01:30:00Z'],
    // Autumn overlap: the earlier of the two instants.
    ['New York overlap 01:30 → 01:30 EDT', '2026-11-01', '01:30', 'America/New_York', '2026-11-01T05:30:00Z'],
    ['London overlap 01:30 → 01:30 BST', '2026-10-25', '01:30', 'Europe/London', '2026-10-25T00:30:00Z'],
    ['London just after the overlap', '2026-10-25', '02:00', 'Europe/London', '2026-10-25T02:00:00Z'],
  ];
  it.each(cases)('%s', (_what, date, time, zone, expected) => {
    expect(zonedInstant(date, time, zone).toISOString()).toBe(new Date(expected).toISOString());
  });

  it('offsetMs reads the offset in force at an instant', () => {
    expect(offsetMs(at('2027-03-28T00:59:59Z'), 'Europe/London')).toBe(0);
    expect(offsetMs(at('2027-03-28T01:00:00Z'), 'Europe/London')).toBe(3_600_000);
    expect(offsetMs(at('2026-11-20T12:00:00Z'), 'Asia/Kolkata')).toBe(19_800_000);
    expect(offsetMs(at('2026-11-20T12:00:00Z'), 'America/New_York')).toBe(-18_000_000);
  });
});

describe('time: calendar dates', () => {
  it.each([
    ['2026-11-27T23:30:00Z', 'Europe/Berlin', '2026-11-28'],
    ['2026-11-27T23:30:00Z', 'America/New_York', '2026-11-27'],
    ['2026-11-27T12:00:00Z', 'Pacific/Auckland', '2026-11-28'],
    ['2026-11-28T04:59:00Z', 'America/New_York', '2026-11-27'],
    ['2026-11-28T05:00:00Z', 'America/New_York', '2026-11-28'],
    ['2028-02-29T12:00:00Z', 'UTC', '2028-02-29'],
  ])('localDate(%s, %s) = %s', (instant, zone, date) => {
    expect(localDate(at(instant), zone)).toBe(date);
  });

  it.each([
    ['2026-11-01', '2026-12-01', 30],
    ['2026-12-01', '2026-11-01', -30],
    ['2027-03-13', '2027-03-15', 2],
    ['2026-10-24', '2026-10-26', 2],
    ['2028-02-28', '2028-03-01', 2],
    ['2027-02-28', '2027-03-01', 1],
    ['2026-01-01', '2027-01-01', 365],
    ['2028-01-01', '2029-01-01', 366],
    ['2026-11-23', '2026-11-23', 0],
  ])('daysBetween(%s, %s) = %i', (from, to, days) => {
    expect(daysBetween(from, to)).toBe(days);
  });

  it.each([
    ['2026-12-31', 1, '2027-01-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2027-02-28', 1, '2027-03-01'],
    ['2027-03-01', -1, '2027-02-28'],
    ['2027-03-13', 2, '2027-03-15'],
    ['2026-11-01', 120, '2027-03-01'],
    ['2026-11-23', 0, '2026-11-23'],
  ])('addDays(%s, %i) = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it.each([
    ['2027-03-31', true],
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2100-02-29', false],
    ['2000-02-29', true],
    ['2027-02-30', false],
    ['2027-04-31', false],
    ['2027-13-01', false],
    ['2027-00-10', false],
    ['2027-1-01', false],
    ['27-01-01', false],
    ['2027-01-01T00:00', false],
    [' 2027-01-01', false],
    ['2027/01/01', false],
    ['', false],
  ])('isIsoDate(%j) = %s', (value, valid) => {
    expect(isIsoDate(value)).toBe(valid);
  });

  it('formatDay and relativeDays', () => {
    expect(formatDay('2026-11-23')).toBe('Mon 23 Nov 2026');
    expect(formatDay('2028-02-29')).toBe('Tue 29 Feb 2028');
    expect([0, 1, -1, 12, -3].map(relativeDays)).toEqual(['today', 'tomorrow', 'yesterday', 'in 12 days', '3 days ago']);
  });
});

describe('names: closeMatches', () => {
  const accounts = ['Acme Corp', 'Acme Industries', 'Globex', 'Initech', 'Müller & Söhne', 'Umbrella'];
  it.each([
    ['exact, any case', 'ACME CORP', 3, ['Acme Corp', 'Acme Industries']],
    ['a prefix matches both Acmes, ties by name', 'Acme', 3, ['Acme Corp', 'Acme Industries']],
    ['limit', 'Acme', 1, ['Acme Corp']],
    ['a transposition ranks first', 'Acme Crop', 3, ['Acme Corp', 'Acme Industries']],
    ['one letter missing', 'Globx', 3, ['Globex']],
    ['accents are folded', 'muller', 3, ['Müller & Söhne']],
    ['nothing similar', 'Zeppelin', 3, []],
    ['empty query', '', 3, []],
  ] as [string, string, number, string[]][])('%s: %j', (_what, query, limit, expected) => {
    expect(closeMatches(query, accounts, limit)).toEqual(expected);
  });

  it('foldName strips accents, case and extra space', () => {
    expect(foldName('  Müller   &  Söhne ')).toBe('muller & sohne');
    expect(foldName('ÉCOLE')).toBe('ecole');
  });
});

describe('nps', () => {
  const repeat = (score: number, n: number) => Array.from({ length: n }, () => score);
  it.each([
    ['two promoters, one passive, two detractors', [10, 9, 8, 6, 0], 0],
    ['three promoters, one passive', [9, 9, 9, 7], 75],
    ['all promoters', [10, 9], 100],
    ['all detractors', [0, 6], -100],
    ['all passives', [7, 8], 0],
    ['thirds round down', [9, 9, 0], 33],
    ['negative thirds', [9, 0, 0], -33],
    ['exact half rounds away from zero (+14.5 → 15)', [...repeat(10, 29), ...repeat(8, 171)], 15],
    ['and symmetrically (−14.5 → −15)', [...repeat(0, 29), ...repeat(8, 171)], -15],
    ['−0.5 → −1', [0, ...repeat(8, 199)], -1],
  ] as [string, number[], number][])('%s', (_what, scores, expected) => {
    expect(npsBreakdown(scores).score).toBe(expected);
  });

  it('no answers → null, and a zero is never −0', () => {
    expect(npsBreakdown([])).toEqual({ total: 0, promoters: 0, passives: 0, detractors: 0, score: null });
    expect(Object.is(npsBreakdown([9, 0, 7]).score, 0)).toBe(true);
  });

  it('counts each category', () => {
    expect(npsBreakdown([10, 9, 8, 7, 6, 0])).toEqual({ total: 6, promoters: 2, passives: 2, detractors: 2, score: 0 });
  });

  it('categories: 0–6 detractor, 7–8 passive, 9–10 promoter', () => {
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual(['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']);
  });
});

describe('cadence', () => {
  const kickoff = '2026-11-01';
  it.each([
    ['kickoff day', kickoff, 'standard', 7],
    ['day 30 is still the first month', '2026-12-01', 'standard', 7],
    ['day 31 → 30-day marks', '2026-12-02', 'standard', 30],
    ['day 120 is the last mark', '2027-03-01', 'standard', 30],
    ['day 121 → quarterly', '2027-03-02', 'standard', 90],
    ['twice a month keeps weekly in the first month', '2026-11-10', 'twice-monthly', 7],
    ['twice a month after the first month', '2026-12-02', 'twice-monthly', 15],
    ['twice a month long after onboarding', '2027-09-01', 'twice-monthly', 15],
  ] as [string, string, 'standard' | 'twice-monthly', number][])('%s', (_what, today, mode, gap) => {
    expect(cadenceFor(kickoff, today, mode).maxGapDays).toBe(gap);
  });

  it('without a kickoff date', () => {
    expect(cadenceFor(null, '2026-11-23')).toEqual({ label: 'quarterly', maxGapDays: 90 });
    expect(cadenceFor(null, '2026-11-23', 'twice-monthly')).toEqual({ label: 'twice a month', maxGapDays: 15 });
  });

  it('touchStatus', () => {
    const weekly = cadenceFor(kickoff, '2026-11-20');
    expect(touchStatus('2026-11-09', '2026-11-20', weekly)).toEqual({ daysSince: 11, cadence: weekly, overdue: true, dueInDays: -4 });
    expect(touchStatus('2026-11-13', '2026-11-20', weekly)).toEqual({ daysSince: 7, cadence: weekly, overdue: false, dueInDays: 0 });
  });

  it('accountTouchStatus: a never-touched account is due one gap after its start, not overdue from its first day', () => {
    const quarterly = { label: 'quarterly', maxGapDays: 90 };
    // Added 2026-11-19 with no kickoff or contract start: the first touch is due 90 days later.
    const added = { kickoffDate: null, contractStart: null, createdDay: '2026-11-19' };
    expect(accountTouchStatus(null, '2026-11-20', added)).toEqual({ daysSince: null, cadence: quarterly, overdue: false, dueInDays: 89, dueDay: '2027-02-17' });
    expect(accountTouchStatus(null, '2027-02-17', added)).toMatchObject({ overdue: false, dueInDays: 0 });
    expect(accountTouchStatus(null, '2027-02-18', added)).toMatchObject({ overdue: true, dueInDays: -1 });
    // A kickoff with no touch in the week after it is late, though the cadence loosens later.
    const kickedOff = { kickoffDate: '2026-11-02', contractStart: '2026-10-01', createdDay: '2026-09-01' };
    expect(accountTouchStatus(null, '2026-11-10', kickedOff)).toMatchObject({ overdue: true, dueInDays: -1, dueDay: '2026-11-09' });
    // Touched: measured from the touch, in today's cadence.
    expect(accountTouchStatus('2026-11-13', '2026-11-20', kickedOff)).toEqual({ ...touchStatus('2026-11-13', '2026-11-20', cadenceFor('2026-11-02', '2026-11-20')), dueDay: '2026-11-20' });
  });
});

describe('slaWarningAt: 80% of the window, in business time', () => {
  // [what, zone, opened (UTC), severity, warn (UTC)]
  const cases: [string, string, string, Severity, string][] = [
    ['critical Mon 10:00: 48 min → 10:48', 'UTC', '2026-11-23T10:00:00Z', 'critical', '2026-11-23T10:48:00Z'],
    ['critical Fri 16:30: 30 min Fri + 18 min Mon → Mon 08:18', 'UTC', '2026-11-27T16:30:00Z', 'critical', '2026-11-30T08:18:00Z'],
    ['critical opened Saturday → Mon 08:48', 'UTC', '2026-11-28T11:00:00Z', 'critical', '2026-11-30T08:48:00Z'],
    ['cosmetic Tue 10:00: 9 h 36 min = 7 h Tue + 2 h 36 min Wed → Wed 10:36', 'UTC', '2026-11-24T10:00:00Z', 'cosmetic', '2026-11-25T10:36:00Z'],
    ['major Mon 15:00: 3 h 12 min = 2 h Mon + 1 h 12 min Tue → Tue 09:12', 'UTC', '2026-11-23T15:00:00Z', 'major', '2026-11-24T09:12:00Z'],
    ['London spring: major Fri 15:00 GMT → Mon 09:12 BST', 'Europe/London', '2027-03-26T15:00:00Z', 'major', '2027-03-29T08:12:00Z'],
    ['New York autumn: minor Fri 12:00 EDT, 6 h 24 min = 5 h Fri + 1 h 24 min Mon → Mon 09:24 EST', 'America/New_York', '2026-10-30T16:00:00Z', 'minor', '2026-11-02T14:24:00Z'],
  ];
  it.each(cases)('%s', (_what, zone, opened, severity, warn) => {
    const hours = hoursIn(zone);
    const warnAt = slaWarningAt(at(opened), severity, hours);
    expect(warnAt.toISOString()).toBe(new Date(warn).toISOString());
    expect(businessMinutesBetween(at(opened), warnAt, hours)).toBe(FIRST_RESPONSE_HOURS[severity] * 60 * 0.8);
    expect(warnAt.getTime()).toBeLessThan(slaDueAt(at(opened), severity, hours).getTime());
  });

  it('never comes after the ticket’s stored deadline (hours changed since it opened)', () => {
    const due = at('2026-11-23T10:30:00Z');
    expect(slaWarningAt(at('2026-11-23T10:00:00Z'), 'critical', hoursIn('UTC'), due)).toEqual(due);
  });
});

describe('business hours from workspace settings', () => {
  const ws = (settings: Record<string, unknown>) => ({ settings, timezone: 'America/New_York' });
  it('defaults to 08:00–17:00 Mon–Fri in the workspace’s zone', () => {
    expect(businessHoursFor(ws({}))).toEqual({ timezone: 'America/New_York', start: '08:00', end: '17:00', workdays: [1, 2, 3, 4, 5], holidays: [] });
  });
  it('takes what is set over the defaults', () => {
    expect(businessHoursFor(ws({ businessHours: { start: '09:00', end: '18:00', timezone: 'Europe/Berlin', holidays: ['2026-12-25'] } }))).toEqual({
      timezone: 'Europe/Berlin',
      start: '09:00',
      end: '18:00',
      workdays: [1, 2, 3, 4, 5],
      holidays: ['2026-12-25'],
    });
  });
  it.each([
    ['closing before opening', { start: '18:00', end: '09:00' }],
    ['an unknown zone', { timezone: 'Mars/Base' }],
    ['no working days', { workdays: [] }],
    ['a bad date', { holidays: ['2026-02-30'] }],
    ['not an object', 'nine to five'],
  ])('falls back to the defaults on a damaged value: %s', (_what, businessHours) => {
    expect(businessHoursFor(ws({ businessHours, cadenceMode: 'twice-monthly' })).start).toBe('08:00');
    expect(workspaceSettings(ws({ businessHours, cadenceMode: 'twice-monthly' })).cadenceMode).toBe('twice-monthly');
  });
});

describe('time: formatting for tickets', () => {
  it.each([
    ['2026-11-30T07:30:00Z', 'Europe/Berlin', 'Mon 30 Nov 2026 08:30'],
    ['2026-11-30T07:30:00Z', 'America/New_York', 'Mon 30 Nov 2026 02:30'],
    ['2027-03-14T07:30:00Z', 'America/New_York', 'Sun 14 Mar 2027 03:30'],
    ['2026-11-29T23:59:00Z', 'UTC', 'Sun 29 Nov 2026 23:59'],
  ])('formatDateTime(%s, %s) = %s', (instant, zone, expected) => {
    expect(formatDateTime(at(instant), zone)).toBe(expected);
  });
  it.each([
    [0, {}, '0 min'],
    [48, {}, '48 min'],
    [60, {}, '1 h'],
    [576, {}, '9 h 36 min'],
    [1100, { days: true }, '18 h 20 min'],
    [1440, { days: true }, '1 d'],
    [3060, { days: true }, '2 d 3 h'],
    [3060, {}, '51 h'],
    [47.6, {}, '48 min'],
  ] as [number, { days?: boolean }, string][])('formatMinutes(%s, %j) = %s', (minutes, options, expected) => {
    expect(formatMinutes(minutes, options)).toBe(expected);
  });
  it('canonicalTimeZone', () => {
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('Mars/Base')).toBeNull();
    expect(isValidTimeZone('UTC')).toBe(true);
  });
});
