// Calendar arithmetic by day numbers (addDays, formatDay, localDate in UTC) against
// what Date and Intl say, day by day over three centuries and at random instants.
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, formatDay, localDate } from '../../src/core/time.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const intlDay = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
const intlLocal = (instant: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);

describe('calendar arithmetic', () => {
  it('addDays and formatDay agree with Date and Intl on every day from 1900 to 2200', () => {
    const from = Date.UTC(1900, 0, 1);
    const to = Date.UTC(2200, 11, 31);
    for (let ms = from; ms <= to; ms += DAY) {
      const day = iso(ms);
      for (const n of [1, -1, 7, -83, 366]) expect(addDays(day, n)).toBe(iso(ms + n * DAY));
      expect(formatDay(day)).toBe(intlDay.format(new Date(ms)).replace(',', ''));
    }
    expect(formatDay('2026-09-05')).toBe('Sat 5 Sept 2026');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(daysBetween('2026-12-04', addDays('2026-12-04', -4000))).toBe(-4000);
  });

  it('localDate in UTC is the instant’s UTC date, to the millisecond around midnight', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 20_000; i++) {
      const instant = new Date(Date.UTC(1970, 0, 1) + Math.floor(random() * 200 * 365 * DAY));
      expect(localDate(instant, 'UTC')).toBe(intlLocal(instant, 'UTC'));
      expect(localDate(instant, 'Etc/UTC')).toBe(intlLocal(instant, 'UTC'));
    }
    expect(localDate(new Date('2026-12-04T23:59:59.999Z'), 'UTC')).toBe('2026-12-04');
    expect(localDate(new Date('2026-12-05T00:00:00.000Z'), 'UTC')).toBe('2026-12-05');
    expect(localDate(new Date('1969-12-31T23:59:59.999Z'), 'UTC')).toBe('1969-12-31');
    // Other zones still go through Intl's rules.
    expect(localDate(new Date('2026-12-04T23:30:00Z'), 'Europe/Berlin')).toBe('2026-12-05');
  });
});
