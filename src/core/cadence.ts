// Check-in cadence from the 120-day onboarding methodology: weekly in the first
// month after kickoff, then the 30/60/90/120-day marks (a touch at least every 30
// days), then at least quarterly. A practice may choose twice a month throughout.
// An account never touched is measured from its start: its first touch is due one
// gap after the kickoff (else the contract start, else the day it was added).
import { addDays, daysBetween, localDate } from './time.js';

export type CadenceMode = 'standard' | 'twice-monthly';

export interface Cadence {
  label: string;
  /** The longest gap between touches before the account is overdue. */
  maxGapDays: number;
}

export function cadenceFor(kickoffDate: string | null, today: string, mode: CadenceMode = 'standard'): Cadence {
  const sinceKickoff = kickoffDate ? daysBetween(kickoffDate, today) : null;
  // The first month is weekly in both modes: twice a month is the stricter choice
  // afterwards, never a looser one during onboarding.
  if (sinceKickoff !== null && sinceKickoff <= 30) return { label: 'weekly (first month after kickoff)', maxGapDays: 7 };
  if (mode === 'twice-monthly') return { label: 'twice a month', maxGapDays: 15 };
  if (sinceKickoff === null) return { label: 'quarterly', maxGapDays: 90 };
  if (sinceKickoff <= 120) return { label: '30/60/90/120-day marks', maxGapDays: 30 };
  return { label: 'quarterly', maxGapDays: 90 };
}

/** Where a never-touched account's cadence starts from. */
export interface CadenceStart {
  kickoffDate: string | null;
  contractStart: string | null;
  /** The day the account was added: the start when neither of the others is known. */
  createdDay: string;
}

/** An account's start as the cadence reads it; the day it was added is taken in the workspace's zone. */
export function cadenceStartOf(account: { kickoffDate: string | null; contractStart: string | null; createdAt: Date }, timezone: string): CadenceStart {
  return { kickoffDate: account.kickoffDate, contractStart: account.contractStart, createdDay: localDate(account.createdAt, timezone) };
}

export interface FirstTouch {
  /** The last day the first touch is on time. */
  dueDay: string;
  /** The cadence as it stood on the start day (weekly right after a kickoff). */
  cadence: Cadence;
}

/**
 * When a never-touched account's first touch is due: one cadence gap after its
 * kickoff, else its contract start, else the day it was added. The gap is the one
 * that applied on that day, so a kickoff with no touch in the week after it is late
 * even though the cadence loosens after the first month.
 */
export function firstTouchDue(start: CadenceStart, mode: CadenceMode = 'standard'): FirstTouch {
  const from = start.kickoffDate ?? start.contractStart ?? start.createdDay;
  const cadence = cadenceFor(start.kickoffDate, from, mode);
  return { dueDay: addDays(from, cadence.maxGapDays), cadence };
}

export interface TouchStatus {
  /** Days since the last touch; null when there has never been one. */
  daysSince: number | null;
  cadence: Cadence;
  overdue: boolean;
  /** Days the next touch is due in (negative: overdue by that many). */
  dueInDays: number;
}

/** Where a touched account stands against `cadence`, `today`. */
export function touchStatus(lastTouchDate: string, today: string, cadence: Cadence): TouchStatus {
  const daysSince = daysBetween(lastTouchDate, today);
  return { daysSince, cadence, overdue: daysSince > cadence.maxGapDays, dueInDays: cadence.maxGapDays - daysSince };
}

/**
 * Where an account stands today: from its last touch, or, never touched, against its
 * first touch (firstTouchDue), so an account added yesterday is not overdue today —
 * the health score's engagement reads it the same way. `dueDay` is the last day the
 * next touch is on time.
 */
export function accountTouchStatus(lastTouchDay: string | null, today: string, start: CadenceStart, mode: CadenceMode = 'standard'): TouchStatus & { dueDay: string } {
  if (lastTouchDay) {
    const cadence = cadenceFor(start.kickoffDate, today, mode);
    return { ...touchStatus(lastTouchDay, today, cadence), dueDay: addDays(lastTouchDay, cadence.maxGapDays) };
  }
  const first = firstTouchDue(start, mode);
  const dueInDays = daysBetween(today, first.dueDay);
  return { daysSince: null, cadence: first.cadence, overdue: dueInDays < 0, dueInDays, dueDay: first.dueDay };
}
