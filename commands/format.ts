// How numbers and days read in the commands' messages, where more than one message shows them.
import type { Weekday } from '../src/core/digest.js';

/**
 * A change between two readings (a health score, a count of accounts): always signed,
 * with a true minus sign, and ±0 for no change, so a column of changes lines up and
 * "no change" is not mistaken for a missing value.
 */
export const formatChange = (n: number): string => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0');

/** An NPS and how many answers it rests on ("+67 from 3 answers", "+100 from 1 answer"); `none` when nobody answered. */
export const formatNpsFrom = (nps: { score: number | null; answers: number }, none: string): string =>
  nps.score === null ? none : `${nps.score > 0 ? '+' : ''}${nps.score} from ${nps.answers} answer${nps.answers === 1 ? '' : 's'}`;

/** A digest's day as people read it: `mon` → Monday. */
export const DAY_NAMES: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };
