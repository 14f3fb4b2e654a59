// Calendar arithmetic in a time zone, with Intl as the only source of zone rules.
// Calendar dates are ISO strings ('2027-03-31'); instants are Date objects.

export const MS_PER_DAY = 86_400_000;

/** The instant `days` whole 24-hour days before `now` (windows such as "the last 180 days"). */
export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * MS_PER_DAY);
}

/** The instant `days` whole 24-hour days after `now`. */
export function daysAfter(now: Date, days: number): Date {
  return new Date(now.getTime() + days * MS_PER_DAY);
}

/** The calendar date of an instant in a time zone, as YYYY-MM-DD. */
export function localDate(instant: Date, timeZone: string): string {
  // UTC (the default zone) needs no zone rules; Intl's formatter costs ~10 µs a call,
  // and a command asks for "today" several times.
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return fromDayNumber(Math.floor(instant.getTime() / MS_PER_DAY));
  let format = dateFormats.get(timeZone);
  if (!format) {
    // en-CA formats as YYYY-MM-DD. Formatters are costly to build: one per zone.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  return format.format(instant);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** Whole days from calendar date `from` to calendar date `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/**
 * Days since 1970-01-01 of a YYYY-MM-DD date, by arithmetic (Howard Hinnant's
 * days_from_civil): the health score calls this for every account of a portfolio,
 * and Date.parse of a built string costs several times more.
 */
function dayNumber(date: string): number {
  let y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The YYYY-MM-DD date of a day number (days since 1970-01-01; Hinnant's civil_from_days). */
function fromDayNumber(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** Adds days to a calendar date (by arithmetic: the card's 12-week trend does it dozens of times). */
export function addDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date) + days);
}

/** True for a real calendar date in YYYY-MM-DD form (rejects 2027-02-30). */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/**
 * The instant of a wall-clock time in a zone (e.g. 09:00 on 2026-11-20 in Europe/Berlin).
 * DST follows Temporal's 'compatible' rule: a wall time skipped by a spring-forward gap
 * is read with the offset before the change (02:30 → 03:30 new time), and a wall time
 * that happens twice in an autumn overlap is the earlier of the two.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T${time}:00Z`);
  // Offsets a day either side bracket any single transition near the wall time.
  const before = offsetMs(new Date(wall - MS_PER_DAY), timeZone);
  const after = offsetMs(new Date(wall + MS_PER_DAY), timeZone);
  const valid = [wall - before, wall - after].filter((t) => t + offsetMs(new Date(t), timeZone) === wall);
  return new Date(valid.length > 0 ? Math.min(...valid) : wall - before);
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at an instant, in milliseconds. */
export function offsetMs(instant: Date, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    offsetFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

const WEEKDAYS = ['Thu', 'Fri', 'Sat', 'Sun', 'Mon', 'Tue', 'Wed']; // 1970-01-01 was a Thursday
// As en-GB writes them ("Sept"), which is how dates read before this was arithmetic.
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sept', 'Oct', 'Nov', 'Dec'];

/** "Mon 23 Nov 2026" for a calendar date (English, as every answer is; by arithmetic, not Intl). */
export function formatDay(date: string): string {
  const n = dayNumber(date);
  return `${WEEKDAYS[((n % 7) + 7) % 7]} ${Number(date.slice(8, 10))} ${MONTHS[Number(date.slice(5, 7)) - 1]} ${Number(date.slice(0, 4))}`;
}

/** "3 days ago", "today", "in 12 days" relative to today. */
export function relativeDays(days: number): string {
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days === -1) return 'yesterday';
  return days > 0 ? `in ${days} days` : `${-days} days ago`;
}

/** True when `zone` is an IANA time zone the runtime's Intl data knows. */
export function isValidTimeZone(zone: string): boolean {
  return canonicalTimeZone(zone) !== null;
}

/** The zone's canonical spelling (`europe/berlin` → `Europe/Berlin`), or null when Intl does not know it. */
export function canonicalTimeZone(zone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** "Mon 30 Nov 2026 08:30": an instant as wall-clock time in a zone. */
export function formatDateTime(instant: Date, timeZone: string): string {
  let format = dateTimeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    dateTimeFormats.set(timeZone, format);
  }
  return format.format(instant).replace(/,/g, '');
}

/** "Mon 30 Nov 2026 08:30 (Europe/Berlin)": a deadline as a channel reads it. */
export function formatDateTimeInZone(instant: Date, timeZone: string): string {
  return `${formatDateTime(instant, timeZone)} (${timeZone})`;
}

/** "48 min", "4 h", "9 h 36 min", "2 d 3 h": a duration given in minutes, rounded to the minute. */
export function formatMinutes(minutes: number, options: { days?: boolean } = {}): string {
  const total = Math.round(Math.abs(minutes));
  if (total < 60) return `${total} min`;
  const hoursTotal = Math.floor(total / 60);
  const rest = total % 60;
  if (options.days && hoursTotal >= 24) {
    const d = Math.floor(hoursTotal / 24);
    const h = hoursTotal % 24;
    return h > 0 ? `${d} d ${h} h` : `${d} d`;
  }
  return rest > 0 ? `${hoursTotal} h ${rest} min` : `${hoursTotal} h`;
}
