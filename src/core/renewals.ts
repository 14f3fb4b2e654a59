// Renewals: the accounts renewing inside a window with a risk rating, the alert
// thresholds before each renewal, and recording an outcome (renewed / expanded /
// downgraded / churned) with a reason code, which rolls the renewal date forward
// or marks the account churned.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { renewalOutcomes, RENEWAL_OUTCOMES } from '../../db/schema.js';
import { updateAccount, type Account, type Actor } from './accounts.js';
import { UserError } from './errors.js';
import { formatMoney } from './money.js';
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

/** Accounts renewing from today to `days` ahead (and passed, not yet recorded, up to 30 days back), soonest first. */
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
    if (daysLeft > options.days || daysLeft < -30) continue;
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

export interface RecordedOutcome {
  outcome: RenewalOutcome;
  renewalDate: string | null;
  nextRenewalDate: string | null;
  arrBeforeCents: number | null;
  arrAfterCents: number | null;
  npsAtRenewal: number | null;
}

/**
 * Records an outcome. Renewed/expanded/downgraded roll the renewal date a year
 * forward (from the current renewal date, or today without one) and set the new
 * ARR when given; churned marks the account churned from the renewal date (today
 * when recorded before it), with an ARR after of 0 on the outcome.
 * Expanded must not lower the ARR and downgraded must lower it.
 */
export async function recordRenewalOutcome(
  db: Db,
  workspaceId: string,
  account: Account,
  input: { outcome: RenewalOutcome; reason: RenewalReason | null; arrCents: number | null; timezone: string; currency?: string },
  actor: Actor,
): Promise<RecordedOutcome> {
  if (account.stage === 'churned') throw new UserError(`${account.name} has already churned.`);
  const before = account.arrCents;
  const currency = input.currency ?? 'USD';
  const after = input.outcome === 'churned' ? 0 : (input.arrCents ?? before);
  if (input.outcome === 'expanded' && before !== null && after !== null && after < before) {
    throw new UserError(`Expanded means the ARR grows, but ${formatMoney(after, currency)} is below the current ${formatMoney(before, currency)}.`, {
      hint: 'Record it as downgraded, or give the new, higher ARR.',
    });
  }
  if (input.outcome === 'downgraded' && before !== null && after !== null && after >= before) {
    throw new UserError('A downgrade needs the new, lower ARR: add arr=… below the current ARR.');
  }
  const [health] = await portfolioHealth(db, workspaceId, { now: actor.now, timezone: input.timezone, accountId: account.id });
  const npsAtRenewal = health ? trueNps(health.inputs.nps) : null;
  const today = localDate(actor.now, input.timezone);
  const nextRenewalDate = input.outcome === 'churned' ? null : addYear(account.renewalDate ?? today);
  // The outcome takes effect at the renewal date, or today when it is recorded early.
  const effectiveOn = account.renewalDate !== null && account.renewalDate < today ? account.renewalDate : today;
  await db.transaction(async (tx) => {
    await tx.insert(renewalOutcomes).values({
      workspaceId,
      accountId: account.id,
      renewalDate: account.renewalDate,
      outcome: input.outcome,
      reasonCode: input.reason,
      arrBeforeCents: before,
      arrAfterCents: after,
      npsAtRenewal,
      recordedByUserId: actor.userId,
      recordedAt: actor.now,
    });
    // A churned account keeps the ARR it had: that is the ARR lost, which churn and
    // retention figures need; it no longer counts in ARR because of its stage.
    await updateAccount(
      tx,
      workspaceId,
      account.id,
      input.outcome === 'churned' ? { stage: 'churned', churnedOn: effectiveOn } : { renewalDate: nextRenewalDate, ...(after !== before ? { arrCents: after } : {}) },
      actor,
      { effectiveOn, source: 'renewal' },
    );
  });
  return { outcome: input.outcome, renewalDate: account.renewalDate, nextRenewalDate, arrBeforeCents: before, arrAfterCents: after, npsAtRenewal };
}

/** An account's recorded outcomes, newest first. */
export async function renewalHistory(db: Db, workspaceId: string, accountId: string) {
  return db
    .select()
    .from(renewalOutcomes)
    .where(and(eq(renewalOutcomes.workspaceId, workspaceId), eq(renewalOutcomes.accountId, accountId)))
    .orderBy(renewalOutcomes.recordedAt);
}
