// Each health component's formula (documented at the top of health.ts): a score
// (null: no data) and, apart, its words — a portfolio's scores are computed for every
// account, the words only where someone reads them.
import { daysBetween, formatDay } from './time.js';
import type { Cadence, FirstTouch } from './cadence.js';
import type { HealthComponent, HealthInputs } from './health.js';

export const clamp = (v: number) => Math.max(0, Math.min(100, v));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const pct = (v: number) => `${Math.round(v * 100)}%`;

/** The true NPS (% promoters − % detractors), rounded; null without answers. */
export function trueNps(nps: HealthInputs['nps']): number | null {
  return nps.total === 0 ? null : Math.round(((nps.promoters - nps.detractors) * 100) / nps.total);
}

export function adoptionValue(licensed: number | null, active: number | null): number | null {
  if (licensed === null || active === null || licensed <= 0) return null;
  return clamp(((active / licensed - 0.2) / 0.65) * 100);
}

function adoptionWords(licensed: number, active: number): string {
  return `${pct(active / licensed)} of licensed users active (${active} of ${licensed})`;
}

export function adoptionScore(licensed: number | null, active: number | null): { score: number; detail: string } | null {
  const score = adoptionValue(licensed, active);
  return score === null ? null : { score, detail: adoptionWords(licensed!, active!) };
}

/**
 * Engagement from the last touch against the cadence's gap; an account never touched
 * is measured the same way from the day its first touch was due (`firstTouch`, which
 * such an account must have): until then it has no data — it is new, not engaged.
 */
export function engagementValue(lastTouchDay: string | null, today: string, gap: number, firstTouch: FirstTouch | null): number | null {
  if (lastTouchDay === null) {
    if (firstTouch === null) return null;
    const late = daysBetween(firstTouch.dueDay, today);
    return late <= 0 ? null : clamp(100 * (1 - late / firstTouch.cadence.maxGapDays));
  }
  const overdue = Math.max(0, daysBetween(lastTouchDay, today)) - gap;
  return overdue <= 0 ? 100 : clamp(100 * (1 - overdue / gap));
}

function engagementWords(lastTouchDay: string | null, today: string, cadence: Cadence, firstTouch: FirstTouch | null): string {
  if (lastTouchDay === null) {
    if (firstTouch === null) return `No touch logged yet (cadence: ${cadence.label})`;
    const late = daysBetween(firstTouch.dueDay, today);
    return `No touch logged yet (first touch due ${formatDay(firstTouch.dueDay)}, ${plural(late, 'day')} overdue; cadence: ${firstTouch.cadence.label})`;
  }
  const since = Math.max(0, daysBetween(lastTouchDay, today));
  const overdue = since - cadence.maxGapDays;
  if (overdue <= 0) return `Last touch ${since === 0 ? 'today' : `${plural(since, 'day')} ago`} (cadence: ${cadence.label})`;
  return `No touch in ${since} days (cadence: ${cadence.label}; ${plural(overdue, 'day')} overdue)`;
}

export function engagementScore(
  lastTouchDay: string | null,
  today: string,
  cadence: Cadence,
  firstTouch: FirstTouch | null,
): { score: number; detail: string } | null {
  const score = engagementValue(lastTouchDay, today, cadence.maxGapDays, firstTouch);
  return score === null ? null : { score, detail: engagementWords(lastTouchDay, today, cadence, firstTouch) };
}

const SEVERITIES = ['critical', 'major', 'minor', 'cosmetic'] as const;

export function supportValue(open: HealthInputs['openTickets'], breaches: number): number {
  return clamp(100 - 25 * open.critical - 10 * open.major - 4 * open.minor - 1 * open.cosmetic - 10 * breaches);
}

function supportWords(open: HealthInputs['openTickets'], breaches: number): string {
  const parts: string[] = [];
  for (const s of SEVERITIES) if (open[s] > 0) parts.push(`${open[s]} ${s}`);
  const openText = parts.length === 0 ? 'No open tickets' : `Open tickets: ${parts.join(', ')}`;
  const breachText = breaches === 0 ? 'no SLA breaches in 90 days' : `${plural(breaches, 'SLA breach', 'SLA breaches')} in 90 days`;
  return `${openText}; ${breachText}`;
}

export function supportScore(open: HealthInputs['openTickets'], breaches: number): { score: number; detail: string } {
  return { score: supportValue(open, breaches), detail: supportWords(open, breaches) };
}

export function sentimentValue(nps: HealthInputs['nps'], csat: number | null): number | null {
  const npsValue = trueNps(nps);
  const npsPart = npsValue === null ? null : (npsValue + 100) / 2;
  const csatPart = csat === null ? null : clamp(((csat - 1) / 4) * 100);
  if (npsPart === null) return csatPart;
  return csatPart === null ? npsPart : (npsPart + csatPart) / 2;
}

function sentimentWords(nps: HealthInputs['nps'], csat: number | null): string {
  const words: string[] = [];
  const npsValue = trueNps(nps);
  if (npsValue !== null) words.push(`NPS ${npsValue > 0 ? '+' : ''}${npsValue} from ${plural(nps.total, 'answer')} (180 days)`);
  if (csat !== null) words.push(`CSAT ${csat.toFixed(1)} of 5`);
  return words.join('; ');
}

export function sentimentScore(nps: HealthInputs['nps'], csat: number | null): { score: number; detail: string } | null {
  const score = sentimentValue(nps, csat);
  return score === null ? null : { score, detail: sentimentWords(nps, csat) };
}

const hasTrend = (spend: number[]) => spend.length >= 2 && spend[0]! > 0;
const hasVariance = (spend: number[], forecast: number | null): forecast is number => forecast !== null && forecast > 0 && spend.length > 0;

export function financialValue(spend: number[], forecast: number | null): number | null {
  let trendPart: number | null = null;
  if (hasTrend(spend)) {
    const change = (spend[spend.length - 1]! - spend[0]!) / spend[0]!;
    trendPart = change >= 0 ? 100 : clamp(100 + 200 * change);
  }
  if (!hasVariance(spend, forecast)) return trendPart;
  const variance = (spend[spend.length - 1]! - forecast) / forecast;
  const variancePart = variance >= 0 ? 100 : clamp(100 + 200 * variance);
  return trendPart === null ? variancePart : (trendPart + variancePart) / 2;
}

function financialWords(spend: number[], forecast: number | null): string {
  const words: string[] = [];
  if (hasTrend(spend)) {
    const change = (spend[spend.length - 1]! - spend[0]!) / spend[0]!;
    words.push(`Spend ${change >= 0 ? 'up' : 'down'} ${pct(Math.abs(change))} over the last ${spend.length} readings`);
  }
  if (hasVariance(spend, forecast)) {
    const variance = (spend[spend.length - 1]! - forecast) / forecast;
    words.push(variance >= 0 ? `spend ${pct(variance)} over forecast` : `spend ${pct(-variance)} under forecast`);
  }
  const detail = words.join('; ');
  return detail.charAt(0).toUpperCase() + detail.slice(1);
}

export function financialScore(spend: number[], forecast: number | null): { score: number; detail: string } | null {
  const score = financialValue(spend, forecast);
  return score === null ? null : { score, detail: financialWords(spend, forecast) };
}

export function componentWords(component: HealthComponent, inputs: HealthInputs, cadence: Cadence, firstTouch: FirstTouch | null): string {
  switch (component) {
    case 'adoption':
      return adoptionWords(inputs.licensedUsers!, inputs.activeUsers!);
    case 'engagement':
      return engagementWords(inputs.lastTouchDay, inputs.today, cadence, firstTouch);
    case 'support':
      return supportWords(inputs.openTickets, inputs.slaBreaches90d);
    case 'sentiment':
      return sentimentWords(inputs.nps, inputs.csat);
    case 'financial':
      return financialWords(inputs.spendReadings, inputs.latestForecast);
  }
}

/**
 * What a component with no data is missing, in words, as the "not enough data"
 * marker lists it. One usage reading fills adoption and spend alike, so with both
 * missing and no spend at all, financial says "no usage" too (the marker says it once).
 */
export function missingWords(component: HealthComponent, inputs: HealthInputs, firstTouch: FirstTouch | null): string {
  const noLicences = inputs.licensedUsers === 0 && inputs.activeUsers !== null;
  switch (component) {
    case 'adoption':
      return noLicences ? 'no licensed users' : 'no usage';
    case 'engagement':
      return firstTouch ? `new — first touch due by ${formatDay(firstTouch.dueDay)}` : 'no touch yet';
    case 'support':
      return 'no ticket data';
    case 'sentiment':
      // The window is 180 days: an older account may have had surveys before it.
      return daysBetween(inputs.createdDay, inputs.today) <= 180 ? 'no survey yet' : 'no survey answers in 180 days';
    case 'financial':
      if (inputs.spendReadings.length > 0) return 'no spend trend or forecast yet';
      return adoptionValue(inputs.licensedUsers, inputs.activeUsers) === null && !noLicences ? 'no usage' : 'no spend readings';
  }
}
