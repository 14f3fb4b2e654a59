// Check-in cadence from the 120-day onboarding methodology: weekly in the first
// month after kickoff, then the 30/60/90/120-day marks (a touch at least every 30
// days), then at least quarterly. A practice may choose twice a month throughout.
import { daysBetween } from './time.js';

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

export interface TouchStatus {
  /** Days since the last touch; null when there has never been one. */
  daysSince: number | null;
  cadence: Cadence;
  overdue: boolean;
  /** Days the next touch is due in (negative: overdue by that many). */
  dueInDays: number | null;
}

export function touchStatus(lastTouchDate: string | null, today: string, cadence: Cadence): TouchStatus {
  if (!lastTouchDate) return { daysSince: null, cadence, overdue: true, dueInDays: null };
  const daysSince = daysBetween(lastTouchDate, today);
  return { daysSince, cadence, overdue: daysSince > cadence.maxGapDays, dueInDays: cadence.maxGapDays - daysSince };
}
