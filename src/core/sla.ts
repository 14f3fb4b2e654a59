// First-response SLA in business hours: the clock only runs inside the support
// team's working hours (default 08:00–17:00, Monday–Friday, in their time zone),
// skipping holidays. Zone rules (DST) come from Intl via time.ts.
import { addDays, localDate, zonedInstant } from './time.js';

export type Severity = 'critical' | 'major' | 'minor' | 'cosmetic';

/** First-response targets in business hours (PRODUCT.md). */
export const FIRST_RESPONSE_HOURS: Record<Severity, number> = { critical: 1, major: 4, minor: 8, cosmetic: 12 };

export interface BusinessHours {
  timezone: string;
  /** 'HH:MM' local opening and closing time. */
  start: string;
  end: string;
  /** ISO weekdays that are working days (1 = Monday … 7 = Sunday). */
  workdays: number[];
  /** Calendar dates (YYYY-MM-DD) with no business hours. */
  holidays: string[];
}

export const DEFAULT_BUSINESS_HOURS: Omit<BusinessHours, 'timezone'> = {
  start: '08:00',
  end: '17:00',
  workdays: [1, 2, 3, 4, 5],
  holidays: [],
};

function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

function isBusinessDay(date: string, hours: BusinessHours): boolean {
  return hours.workdays.includes(isoWeekday(date)) && !hours.holidays.includes(date);
}

/** The instant `minutes` business minutes after `from`. */
export function addBusinessMinutes(from: Date, minutes: number, hours: BusinessHours): Date {
  let remaining = minutes;
  let cursor = from.getTime();
  let day = localDate(from, hours.timezone);
  // A year of calendar days is far more than any SLA needs; the bound guards a
  // configuration with no working days at all.
  for (let i = 0; i < 366; i++) {
    if (isBusinessDay(day, hours)) {
      const open = zonedInstant(day, hours.start, hours.timezone).getTime();
      const close = zonedInstant(day, hours.end, hours.timezone).getTime();
      if (cursor < open) cursor = open;
      if (cursor < close) {
        const available = (close - cursor) / 60_000;
        if (remaining <= available) return new Date(cursor + remaining * 60_000);
        remaining -= available;
        cursor = close;
      }
    }
    day = addDays(day, 1);
  }
  throw new Error('No business hours within a year: check the working days and holidays.');
}

/** Business minutes between two instants (0 when `to` is not after `from`). */
export function businessMinutesBetween(from: Date, to: Date, hours: BusinessHours): number {
  if (to <= from) return 0;
  let total = 0;
  let day = localDate(from, hours.timezone);
  const lastDay = localDate(to, hours.timezone);
  for (let i = 0; i < 3660; i++) {
    if (isBusinessDay(day, hours)) {
      const open = Math.max(zonedInstant(day, hours.start, hours.timezone).getTime(), from.getTime());
      const close = Math.min(zonedInstant(day, hours.end, hours.timezone).getTime(), to.getTime());
      if (close > open) total += (close - open) / 60_000;
    }
    if (day === lastDay) break;
    day = addDays(day, 1);
  }
  return Math.round(total);
}

export function slaDueAt(openedAt: Date, severity: Severity, hours: BusinessHours): Date {
  return addBusinessMinutes(openedAt, FIRST_RESPONSE_HOURS[severity] * 60, hours);
}

/** The share of the first-response window after which the channel is warned. */
export const SLA_WARNING_SHARE = 0.8;

/**
 * When the warning is due: 80% of the severity's window, in business minutes from
 * opening. `dueAt` (the ticket's stored deadline) caps it, so a change of business
 * hours after opening can never put the warning after the breach.
 */
export function slaWarningAt(openedAt: Date, severity: Severity, hours: BusinessHours, dueAt?: Date): Date {
  const warnAt = addBusinessMinutes(openedAt, Math.round(FIRST_RESPONSE_HOURS[severity] * 60 * SLA_WARNING_SHARE), hours);
  return dueAt && dueAt < warnAt ? dueAt : warnAt;
}
