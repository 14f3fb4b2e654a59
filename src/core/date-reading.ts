// Reads a calendar date as people write it — 2027-03-31, today, tomorrow, fri, next
// friday, in 2 weeks, Dec 1, 1 Dec 2026, 12/01/2026 — into YYYY-MM-DD. Words are read
// by chrono-node; the clock (`now`) and the workspace's time zone are parameters, so
// "tomorrow" is tomorrow where the workspace is. Numeric dates are read here, not by
// chrono, because only the workspace knows whether 12/01 is the 12th of January or
// the 1st of December: when it has not said (`/tenure settings dates=`) and both
// readings are real dates, the answer asks instead of guessing.
import * as chrono from 'chrono-node';
import { addDays, daysBetween, formatDay, isIsoDate, localDate } from './time.js';

/** How a workspace writes numeric dates: day first (12/01 = 12 Jan) or month first (12/01 = 1 Dec). */
export const DATE_ORDERS = ['dmy', 'mdy'] as const;
export type DateOrder = (typeof DATE_ORDERS)[number];

/**
 * Which way a date without a year or week points: a touch that happened (`past`), a
 * next step or a renewal (`future`), or the nearest one (`nearest`, chrono's own).
 * `fri` in a next step is the coming Friday; as the day of a touch, the last one.
 */
export type DateDirection = 'past' | 'future' | 'nearest';

export interface DateReadingOptions {
  now: Date;
  timeZone: string;
  /** The workspace's numeric date order; undefined when it has not set one. */
  order?: DateOrder | undefined;
  direction?: DateDirection;
}

export type DateReading =
  | { ok: true; date: string }
  | { ok: false; problem: string; /** Set when the text is a numeric date the order would settle. */ ambiguous?: boolean };

/** The forms a date may take, for answers that say what to type. */
export const DATE_FORMS = 'tomorrow, fri, next friday, in 2 weeks, 31 Mar, 31 Mar 2027 or YYYY-MM-DD';

/** The longest text read as a date ("Wednesday, 31 December 2026" is 27): longer is refused before chrono reads it. */
export const MAX_DATE_CHARS = 60;

const NUMERIC = /^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}|\d{2}))?$|^(\d{1,2})-(\d{1,2})-(\d{4})$/;

// Month-first readings of month names ("Dec 31", "December 1, 2026"); en-GB's parser
// reads "Dec 31" as December 2031. Numeric dates never reach chrono.
const parser = chrono.casual;

/** The date a person wrote, or why it is not one (a whole sentence's clause, no trailing period). */
export function readDate(input: string, options: DateReadingOptions): DateReading {
  const text = input.trim().replace(/\s+/g, ' ');
  if (text === '') return { ok: false, problem: `the date is missing; write it like ${DATE_FORMS}` };
  if (text.length > MAX_DATE_CHARS) return { ok: false, problem: `a date is at most ${MAX_DATE_CHARS} characters long; write it like ${DATE_FORMS}` };
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return isIsoDate(text) ? { ok: true, date: text } : { ok: false, problem: `"${text}" is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31 (that month has no such day)` };
  }
  const today = localDate(options.now, options.timeZone);
  const direction = options.direction ?? 'nearest';
  const numeric = NUMERIC.exec(text);
  if (numeric) return readNumeric(text, numeric, today, direction, options.order);
  // chrono reads against the workspace's calendar date at noon UTC: relative words
  // then move whole days whatever the zone's offset or DST does that day.
  const results = parser.parse(text, { instant: new Date(`${today}T12:00:00Z`), timezone: 0 });
  const found = results[0];
  const dated = found && (found.start.isCertain('day') || found.start.isCertain('weekday') || found.start.isCertain('month'));
  if (!found || results.length > 1 || found.text.trim().toLowerCase() !== text.toLowerCase() || !dated) {
    return { ok: false, problem: `"${text}" is not a date; write it like ${DATE_FORMS}` };
  }
  const read = found.start.date().toISOString().slice(0, 10);
  const explicitYear = found.start.isCertain('year');
  // A bare weekday ("fri", not "next fri"), or a day and month without a year, points the field's way.
  if (/^[a-z]+\.?$/i.test(text) && found.start.isCertain('weekday') && !found.start.isCertain('day')) {
    return { ok: true, date: towards(read, today, direction, (d, sign) => addDays(d, 7 * sign)) };
  }
  if (!explicitYear && found.start.isCertain('day') && found.start.isCertain('month')) {
    return { ok: true, date: towards(read, today, direction, shiftYear) };
  }
  return { ok: true, date: read };
}

/** Moves a date read without its year or week to the field's side of today. */
function towards(date: string, today: string, direction: DateDirection, step: (date: string, sign: 1 | -1) => string): string {
  const days = daysBetween(today, date);
  if (direction === 'future' && days < 0) return step(date, 1);
  if (direction === 'past' && days > 0) return step(date, -1);
  return date;
}

/** The same day and month a year later or earlier (29 Feb becomes 28 Feb). */
function shiftYear(date: string, sign: 1 | -1): string {
  const year = String(Number(date.slice(0, 4)) + sign).padStart(4, '0');
  const shifted = `${year}${date.slice(4)}`;
  return isIsoDate(shifted) ? shifted : `${year}-02-28`;
}

function isoOf(year: number, month: number, day: number): string | null {
  const iso = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : null;
}

function readNumeric(text: string, m: RegExpExecArray, today: string, direction: DateDirection, order: DateOrder | undefined): DateReading {
  const a = Number(m[1] ?? m[4]);
  const b = Number(m[2] ?? m[5]);
  const yearText = m[3] ?? m[6];
  const year = yearText === undefined ? Number(today.slice(0, 4)) : yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  const place = (iso: string | null) => (iso === null || yearText !== undefined ? iso : towards(iso, today, direction, shiftYear));
  const dmy = place(isoOf(year, b, a));
  const mdy = place(isoOf(year, a, b));
  if (dmy === null && mdy === null) return { ok: false, problem: `"${text}" is not a real date in either order (day/month or month/day)` };
  // One real reading (25/12: there is no 25th month), or both the same (01/01), settles it.
  if (dmy === null || mdy === null || dmy === mdy) return { ok: true, date: (dmy ?? mdy)! };
  if (order) return { ok: true, date: order === 'dmy' ? dmy : mdy };
  return {
    ok: false,
    ambiguous: true,
    problem: `"${text}" could be ${formatDay(dmy)} or ${formatDay(mdy)}; write it as ${dmy} or ${mdy}, or have an admin say how this workspace writes dates: /tenure settings dates=dmy (day first) or dates=mdy (month first)`,
  };
}
