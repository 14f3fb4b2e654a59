// Reads clock times, opening hours and time zones as people write them: 9am, 9:00,
// 09:00, 0900, 17h, 17h30; ranges 9-17, 9am-5pm, 09:00–17:30; zones by IANA name
// (any case) or by a common abbreviation. An abbreviation names no zone of its own
// (CET is kept by a dozen countries, each with its own history), so it is read as
// one named zone and the answer says which, for the person to correct if need be.
import { canonicalTimeZone } from './time.js';

export type ClockReading = { ok: true; time: string } | { ok: false; problem: string };
export type HoursReading = { ok: true; start: string; end: string } | { ok: false; problem: string };
export type ZoneReading =
  | { ok: true; zone: string; /** How an abbreviation was read ("CET was read as Europe/Brussels…"); absent for an IANA name. */ note?: string }
  | { ok: false; problem: string };

export const CLOCK_FORMS = '9am, 9:00, 09:00, 0900 or 17h';

const pad = (n: number) => String(n).padStart(2, '0');

/** `9am` → 09:00, `17h30` → 17:30, `0900` → 09:00; a bare hour (`9`) only where `bareHour` allows it (a range). */
export function readClock(input: string, options: { bareHour?: boolean } = {}): ClockReading {
  const text = input.trim().toLowerCase().replace(/\s+/g, '');
  const notATime = { ok: false as const, problem: `"${input.trim()}" is not a time; write it like ${CLOCK_FORMS}` };
  const meridiem = /^(\d{1,2})(?:[:.](\d{2}))?([ap])\.?m\.?$/.exec(text);
  if (meridiem) {
    const hour = Number(meridiem[1]);
    const minute = Number(meridiem[2] ?? 0);
    if (hour < 1 || hour > 12 || minute > 59) return notATime;
    const h24 = (hour % 12) + (meridiem[3] === 'p' ? 12 : 0);
    return { ok: true, time: `${pad(h24)}:${pad(minute)}` };
  }
  const clock =
    /^(\d{1,2})[:.](\d{2})$/.exec(text) ?? // 9:00, 09:00, 9.30
    /^(\d{2})(\d{2})$/.exec(text) ?? // 0900, 1730
    /^(\d{1,2})h(\d{2})?$/.exec(text) ?? // 17h, 17h30
    (options.bareHour ? /^(\d{1,2})()$/.exec(text) : null); // 9 in 9-17
  if (!clock) return notATime;
  const hour = Number(clock[1]);
  const minute = Number(clock[2] || 0);
  // 24:00 is how a day's end is often written; business hours close by 23:59.
  if (hour > 23 || minute > 59) return { ok: false, problem: `"${input.trim()}" is not a time of day; use 00:00 to 23:59` };
  return { ok: true, time: `${pad(hour)}:${pad(minute)}` };
}

/** Opening hours: `9-17`, `9am-5pm`, `09:00–17:30`, `9:00 to 17:00`. */
export function readHours(input: string): HoursReading {
  const text = input.trim();
  // Split on the separator alone and trim after: spaces around it in the pattern backtrack.
  const parts = text.split(/[-–—]|\bto\b|\buntil\b/i).map((part) => part.trim());
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    return { ok: false, problem: `"${text}" is not a range of hours; write the opening and closing time like 9-17, 9am-5pm or 09:00–17:30` };
  }
  const start = readClock(parts[0], { bareHour: true });
  if (!start.ok) return start;
  // "9-5pm": the opening time takes the closing time's am/pm when it has none.
  const endText = parts[1];
  const end = readClock(endText, { bareHour: true });
  if (!end.ok) return end;
  let opening = start.time;
  const closingMeridiem = /([ap])\.?m\.?$/i.exec(endText.trim());
  if (closingMeridiem && /^\d{1,2}(?:[:.]\d{2})?$/.test(parts[0].trim())) {
    const read = readClock(`${parts[0].trim()}${closingMeridiem[1]}m`);
    if (read.ok && read.time < end.time) opening = read.time;
  }
  return { ok: true, start: opening, end: end.time };
}

/**
 * Common abbreviations and the zone each is read as: the most populous zone that
 * keeps it (summer and winter names alike, since either is typed all year).
 */
const ABBREVIATIONS: Record<string, { zone: string; name: string }> = {
  UTC: { zone: 'UTC', name: 'Coordinated Universal Time' },
  GMT: { zone: 'Europe/London', name: 'Greenwich Mean Time, UK time' },
  BST: { zone: 'Europe/London', name: 'British Summer Time, UK time' },
  WET: { zone: 'Europe/Lisbon', name: 'Western European Time' },
  WEST: { zone: 'Europe/Lisbon', name: 'Western European Time' },
  CET: { zone: 'Europe/Brussels', name: 'Central European Time' },
  CEST: { zone: 'Europe/Brussels', name: 'Central European Time' },
  EET: { zone: 'Europe/Athens', name: 'Eastern European Time' },
  EEST: { zone: 'Europe/Athens', name: 'Eastern European Time' },
  MSK: { zone: 'Europe/Moscow', name: 'Moscow Time' },
  IST: { zone: 'Asia/Kolkata', name: 'India Standard Time' },
  SGT: { zone: 'Asia/Singapore', name: 'Singapore Time' },
  HKT: { zone: 'Asia/Hong_Kong', name: 'Hong Kong Time' },
  JST: { zone: 'Asia/Tokyo', name: 'Japan Standard Time' },
  KST: { zone: 'Asia/Seoul', name: 'Korea Standard Time' },
  AEST: { zone: 'Australia/Sydney', name: 'Australian Eastern Time' },
  AEDT: { zone: 'Australia/Sydney', name: 'Australian Eastern Time' },
  NZST: { zone: 'Pacific/Auckland', name: 'New Zealand Time' },
  NZDT: { zone: 'Pacific/Auckland', name: 'New Zealand Time' },
  ET: { zone: 'America/New_York', name: 'US Eastern Time' },
  EST: { zone: 'America/New_York', name: 'US Eastern Time' },
  EDT: { zone: 'America/New_York', name: 'US Eastern Time' },
  CT: { zone: 'America/Chicago', name: 'US Central Time' },
  CST: { zone: 'America/Chicago', name: 'US Central Time' },
  CDT: { zone: 'America/Chicago', name: 'US Central Time' },
  MT: { zone: 'America/Denver', name: 'US Mountain Time' },
  MST: { zone: 'America/Denver', name: 'US Mountain Time' },
  MDT: { zone: 'America/Denver', name: 'US Mountain Time' },
  PT: { zone: 'America/Los_Angeles', name: 'US Pacific Time' },
  PST: { zone: 'America/Los_Angeles', name: 'US Pacific Time' },
  PDT: { zone: 'America/Los_Angeles', name: 'US Pacific Time' },
};

/** An IANA zone in any case (`europe/berlin`), or an abbreviation read as a named zone. */
export function readTimeZone(input: string): ZoneReading {
  const text = input.trim();
  const abbreviation = ABBREVIATIONS[text.toUpperCase()];
  if (abbreviation) {
    if (abbreviation.zone === 'UTC') return { ok: true, zone: 'UTC' };
    return {
      ok: true,
      zone: abbreviation.zone,
      note: `${text.toUpperCase()} was read as ${abbreviation.zone} (${abbreviation.name}, with its summer time); name the zone instead, e.g. Europe/Paris, if you meant another`,
    };
  }
  // Only area/city names (and UTC): Intl also knows legacy names like "EST5EDT".
  const zone = /^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+){1,2}$/.test(text) ? canonicalTimeZone(text) : null;
  if (zone) return { ok: true, zone };
  return { ok: false, problem: `"${text}" is not a time zone; use an IANA name such as Europe/Berlin or America/New_York, or an abbreviation such as CET or EST` };
}

/** True when a word reads as a time zone (to tell it from the words around it). */
export function isTimeZoneWord(word: string): boolean {
  return readTimeZone(word).ok;
}
