// Renewals: the accounts renewing inside a window with a risk rating, those whose
// renewal date has passed without an outcome (overdue), and the alert thresholds
// before each renewal. Recording and undoing an outcome: renewal-outcomes.ts.
import type { Db } from '../../db/client.js';
import { RENEWAL_OUTCOMES } from '../../db/schema.js';
import { notEnoughDataText, trueNps, type HealthConfig } from './health.js';
import { portfolioHealth, type AccountHealth } from './health-inputs.js';
import { daysBetween, localDate } from './time.js';

export type RenewalOutcome = (typeof RENEWAL_OUTCOMES)[number];
export const RENEWAL_REASONS = ['price', 'product-fit', 'support', 'budget', 'competitor', 'consolidation', 'other'] as const;
export type RenewalReason = (typeof RENEWAL_REASONS)[number];
/** Days before a renewal at which the account's channel and owner are alerted, each once. */
export const RENEWAL_ALERT_DAYS = [120, 90, 60, 30] as const;

export type RenewalRisk = 'high' | 'medium' | 'low';

export interface RenewalEntry extends AccountHealth {
  renewalDate: string;
  daysLeft: number;
  risk: RenewalRisk;
  /** Why the risk is what it is, in words. */
  reasons: string[];
}

/**
 * Risk from the health band, utilization, NPS and open critical tickets: high when
 * the account is red, under 50% utilized, has a negative NPS or an open critical
 * ticket; medium when yellow, under 70% utilized or its health unknown (not enough
 * data for a score: nobody can call that low risk); low otherwise.
 */
export function renewalRisk(a: AccountHealth): { risk: RenewalRisk; reasons: string[] } {
  const high: string[] = [];
  const medium: string[] = [];
  const { inputs, health } = a;
  if (health.band === 'red') high.push(`health ${health.score} (red)`);
  else if (health.band === 'yellow') medium.push(`health ${health.score} (yellow)`);
  else if (health.band === 'insufficient') medium.push(`health unknown: ${notEnoughDataText(health)}`);
  if (inputs.licensedUsers && inputs.activeUsers !== null) {
    const util = inputs.activeUsers / inputs.licensedUsers;
    const text = `${Math.round(util * 100)}% utilization`;
    if (util < 0.5) high.push(text);
    else if (util < 0.7) medium.push(text);
  }
  const nps = trueNps(inputs.nps);
  if (nps !== null && nps < 0) high.push(`NPS ${nps}`);
  if (inputs.openTickets.critical > 0) high.push(`${inputs.openTickets.critical} open critical ticket${inputs.openTickets.critical === 1 ? '' : 's'}`);
  if (high.length > 0) return { risk: 'high', reasons: [...high, ...medium] };
  if (medium.length > 0) return { risk: 'medium', reasons: medium };
  return { risk: 'low', reasons: [`health ${health.score} (${health.band})`] };
}

/**
 * Accounts (not churned) renewing from today to `days` ahead, and every one whose
 * renewal date has passed: recording an outcome rolls the date forward, so a date
 * in the past means no outcome yet — it stays listed, overdue, however long ago it
 * was, rather than dropping out of every list. Soonest (most overdue) first.
 */
export async function listRenewals(
  db: Db,
  workspaceId: string,
  options: { now: Date; timezone: string; days: number; config?: HealthConfig },
): Promise<RenewalEntry[]> {
  const today = localDate(options.now, options.timezone);
  const all = await portfolioHealth(db, workspaceId, options);
  const out: RenewalEntry[] = [];
  for (const a of all) {
    if (!a.renewalDate) continue;
    const daysLeft = daysBetween(today, a.renewalDate);
    if (daysLeft > options.days) continue;
    out.push({ ...a, renewalDate: a.renewalDate, daysLeft, ...renewalRisk(a) });
  }
  return out.sort((x, y) => x.renewalDate.localeCompare(y.renewalDate) || x.name.localeCompare(y.name));
}

/** The alert threshold due for a renewal `daysLeft` away: the smallest of 120/90/60/30 not below it. */
export function renewalAlertThreshold(daysLeft: number): number | null {
  if (daysLeft < 0) return null;
  const due = RENEWAL_ALERT_DAYS.filter((d) => daysLeft <= d);
  return due.length === 0 ? null : Math.min(...due);
}

/** One year on from a date (29 February → 28 February). */
export function addYear(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = m === 2 && d === 29 ? 28 : d;
  return `${y + 1}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
