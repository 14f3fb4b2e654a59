// The customer health score: pure functions from an account's inputs to a 0–100
// score, its components, band and drivers in words. No database, no clock.
//
// Components, each 0–100 (formulas as implemented):
// - adoption:   r = active ÷ licensed; r ≥ 85% → 100, r ≤ 20% → 0, linear between:
//               100 × (r − 0.20) ÷ 0.65. No licensed or active count → no data.
// - engagement: days since the last touch against the cadence's longest gap g
//               (cadence.ts). Within g → 100; overdue by d days → 100 × (1 − d ÷ g),
//               0 at twice the gap. Never touched → 0 once the account is older
//               than g days; a newer account with no touch has no data.
// - support:    100 − 25 per open critical − 10 per open major − 4 per open minor
//               − 1 per open cosmetic − 10 per SLA breach in the last 90 days, ≥ 0.
// - sentiment:  NPS (true NPS of the last 180 days) mapped −100…100 → 0…100, i.e.
//               (NPS + 100) ÷ 2; CSAT (1–5, last 180 days) mapped (CSAT − 1) ÷ 4 × 100;
//               the mean of those present; neither → no data.
// - financial:  trend over the last three spend readings, change c = (last − first)
//               ÷ first: c ≥ 0 → 100, else 100 + 200c (0 at −50%); variance of the
//               latest spend against its forecast v = (spend − forecast) ÷ forecast:
//               v ≥ 0 → 100, else 100 + 200v; the mean of those present.
// The score is the weighted mean of the components that have data (weights
// renormalized over them), rounded. Bands: green ≥ 70, yellow ≥ 40, red below
// (overall and per component; thresholds settable per workspace).
import { cadenceFor, type Cadence, type CadenceMode } from './cadence.js';
import { daysBetween } from './time.js';

export const HEALTH_COMPONENTS = ['adoption', 'engagement', 'support', 'sentiment', 'financial'] as const;
export type HealthComponent = (typeof HEALTH_COMPONENTS)[number];
export type HealthBand = 'green' | 'yellow' | 'red';

export type HealthWeights = Record<HealthComponent, number>;
export const DEFAULT_HEALTH_WEIGHTS: HealthWeights = { adoption: 30, engagement: 25, support: 15, sentiment: 20, financial: 10 };

export interface BandThresholds {
  /** Score at or above: green. */
  green: number;
  /** Score at or above (and below green): yellow; below: red. */
  yellow: number;
}
export const DEFAULT_BAND_THRESHOLDS: BandThresholds = { green: 70, yellow: 40 };

export interface HealthConfig {
  weights: HealthWeights;
  bands: BandThresholds;
  componentBands: Record<HealthComponent, BandThresholds>;
  cadenceMode: CadenceMode;
}

export const DEFAULT_HEALTH_CONFIG: HealthConfig = {
  weights: DEFAULT_HEALTH_WEIGHTS,
  bands: DEFAULT_BAND_THRESHOLDS,
  componentBands: Object.fromEntries(HEALTH_COMPONENTS.map((c) => [c, DEFAULT_BAND_THRESHOLDS])) as Record<HealthComponent, BandThresholds>,
  cadenceMode: 'standard',
};

export interface HealthInputs {
  /** The day the score is for, in the workspace's zone. */
  today: string;
  /** The day the account was created (a new account is not yet "never touched"). */
  createdDay: string;
  licensedUsers: number | null;
  activeUsers: number | null;
  kickoffDate: string | null;
  lastTouchDay: string | null;
  openTickets: { critical: number; major: number; minor: number; cosmetic: number };
  slaBreaches90d: number;
  nps: { promoters: number; detractors: number; total: number };
  /** Average CSAT (1–5) of the last 180 days, or null. */
  csat: number | null;
  /** Spend of the last (up to) three readings, oldest first, in cents. */
  spendReadings: number[];
  /** The forecast that came with the latest spend reading, in cents. */
  latestForecast: number | null;
}

export interface ComponentScore {
  score: number;
  band: HealthBand;
  /** One line in words: what the score is made of. */
  detail: string;
}

export interface HealthResult {
  score: number;
  band: HealthBand;
  /** null: no data for the component (left out, weights renormalized). */
  components: Record<HealthComponent, ComponentScore | null>;
  /** The weight each component carried after renormalization (0 for no data), summing to 1. */
  effectiveWeights: Record<HealthComponent, number>;
  /** Points each component contributed to the score (effective weight × component score). */
  contributions: Record<HealthComponent, number>;
  drivers: string[];
}

const clamp = (v: number) => Math.max(0, Math.min(100, v));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const pct = (v: number) => `${Math.round(v * 100)}%`;

export function bandFor(score: number, thresholds: BandThresholds = DEFAULT_BAND_THRESHOLDS): HealthBand {
  if (score >= thresholds.green) return 'green';
  if (score >= thresholds.yellow) return 'yellow';
  return 'red';
}

/** The true NPS (% promoters − % detractors), rounded; null without answers. */
export function trueNps(nps: HealthInputs['nps']): number | null {
  return nps.total === 0 ? null : Math.round(((nps.promoters - nps.detractors) * 100) / nps.total);
}

export function adoptionScore(licensed: number | null, active: number | null): { score: number; detail: string } | null {
  if (licensed === null || active === null || licensed <= 0) return null;
  const ratio = active / licensed;
  return { score: clamp(((ratio - 0.2) / 0.65) * 100), detail: `${pct(ratio)} of licensed users active (${active} of ${licensed})` };
}

export function engagementScore(
  lastTouchDay: string | null,
  today: string,
  cadence: Cadence,
  createdDay: string,
): { score: number; detail: string } | null {
  const gap = cadence.maxGapDays;
  if (lastTouchDay === null) {
    if (daysBetween(createdDay, today) <= gap) return null;
    return { score: 0, detail: `No touch logged yet (cadence: ${cadence.label})` };
  }
  const since = Math.max(0, daysBetween(lastTouchDay, today));
  const overdue = since - gap;
  if (overdue <= 0) return { score: 100, detail: `Last touch ${since === 0 ? 'today' : `${plural(since, 'day')} ago`} (cadence: ${cadence.label})` };
  return { score: clamp(100 * (1 - overdue / gap)), detail: `No touch in ${since} days (cadence: ${cadence.label}; ${plural(overdue, 'day')} overdue)` };
}

const SEVERITIES = ['critical', 'major', 'minor', 'cosmetic'] as const;

export function supportScore(open: HealthInputs['openTickets'], breaches: number): { score: number; detail: string } {
  const score = clamp(100 - 25 * open.critical - 10 * open.major - 4 * open.minor - 1 * open.cosmetic - 10 * breaches);
  const parts: string[] = [];
  for (const s of SEVERITIES) if (open[s] > 0) parts.push(`${open[s]} ${s}`);
  const openText = parts.length === 0 ? 'No open tickets' : `Open tickets: ${parts.join(', ')}`;
  const breachText = breaches === 0 ? 'no SLA breaches in 90 days' : `${plural(breaches, 'SLA breach', 'SLA breaches')} in 90 days`;
  return { score, detail: `${openText}; ${breachText}` };
}

export function sentimentScore(nps: HealthInputs['nps'], csat: number | null): { score: number; detail: string } | null {
  const parts: number[] = [];
  const words: string[] = [];
  const npsValue = trueNps(nps);
  if (npsValue !== null) {
    parts.push((npsValue + 100) / 2);
    words.push(`NPS ${npsValue > 0 ? '+' : ''}${npsValue} from ${plural(nps.total, 'answer')} (180 days)`);
  }
  if (csat !== null) {
    parts.push(clamp(((csat - 1) / 4) * 100));
    words.push(`CSAT ${csat.toFixed(1)} of 5`);
  }
  if (parts.length === 0) return null;
  return { score: parts.length === 1 ? parts[0]! : (parts[0]! + parts[1]!) / 2, detail: words.join('; ') };
}

export function financialScore(spend: number[], forecast: number | null): { score: number; detail: string } | null {
  const parts: number[] = [];
  const words: string[] = [];
  if (spend.length >= 2 && spend[0]! > 0) {
    const change = (spend[spend.length - 1]! - spend[0]!) / spend[0]!;
    parts.push(change >= 0 ? 100 : clamp(100 + 200 * change));
    words.push(`Spend ${change >= 0 ? 'up' : 'down'} ${pct(Math.abs(change))} over the last ${spend.length} readings`);
  }
  if (forecast !== null && forecast > 0 && spend.length > 0) {
    const variance = (spend[spend.length - 1]! - forecast) / forecast;
    parts.push(variance >= 0 ? 100 : clamp(100 + 200 * variance));
    words.push(variance >= 0 ? `spend ${pct(variance)} over forecast` : `spend ${pct(-variance)} under forecast`);
  }
  if (parts.length === 0) return null;
  const detail = words.join('; ');
  return { score: parts.length === 1 ? parts[0]! : (parts[0]! + parts[1]!) / 2, detail: detail.charAt(0).toUpperCase() + detail.slice(1) };
}

/** The whole score for one account. */
export function healthScore(inputs: HealthInputs, config: HealthConfig = DEFAULT_HEALTH_CONFIG): HealthResult {
  const cadence = cadenceFor(inputs.kickoffDate, inputs.today, config.cadenceMode);
  const raw: Record<HealthComponent, { score: number; detail: string } | null> = {
    adoption: adoptionScore(inputs.licensedUsers, inputs.activeUsers),
    engagement: engagementScore(inputs.lastTouchDay, inputs.today, cadence, inputs.createdDay),
    support: supportScore(inputs.openTickets, inputs.slaBreaches90d),
    sentiment: sentimentScore(inputs.nps, inputs.csat),
    financial: financialScore(inputs.spendReadings, inputs.latestForecast),
  };
  // Plain loops, no closures: this runs for every account of a portfolio.
  let total = 0;
  for (const c of HEALTH_COMPONENTS) if (raw[c] !== null && config.weights[c] > 0) total += config.weights[c];
  const components = {} as HealthResult['components'];
  const effectiveWeights = {} as HealthResult['effectiveWeights'];
  const contributions = {} as HealthResult['contributions'];
  let sum = 0;
  for (const c of HEALTH_COMPONENTS) {
    const r = raw[c];
    components[c] = r ? { score: Math.round(r.score), band: bandFor(r.score, config.componentBands[c]), detail: r.detail } : null;
    effectiveWeights[c] = r && total > 0 && config.weights[c] > 0 ? config.weights[c] / total : 0;
    contributions[c] = r ? effectiveWeights[c] * r.score : 0;
    sum += contributions[c];
  }
  // Support always has data, so with any positive weight there is a score; all weights 0 reads as 0.
  const score = Math.round(total > 0 ? sum : 0);
  return { score, band: bandFor(score, config.bands), components, effectiveWeights, contributions, drivers: healthDrivers(components, effectiveWeights) };
}

/**
 * The top three drivers: the components that cost the most points (effective
 * weight × shortfall from 100) first; when fewer than three cost anything, the
 * strongest of the rest follow, so a healthy account says why it is healthy.
 */
export function healthDrivers(components: HealthResult['components'], weights: HealthResult['effectiveWeights']): string[] {
  const ranked: { cost: number; weight: number; detail: string }[] = [];
  for (const c of HEALTH_COMPONENTS) {
    const component = components[c];
    if (component === null || !(weights[c] > 0)) continue;
    // Rounded so float noise (0.2 × 30 = 6.000000000000001) never breaks a tie.
    ranked.push({ cost: Math.round(weights[c] * (100 - component.score) * 1000), weight: weights[c], detail: component.detail });
  }
  ranked.sort(byCostThenWeight);
  return ranked.slice(0, 3).map(detailOf);
}

const byCostThenWeight = (a: { cost: number; weight: number }, b: { cost: number; weight: number }) => b.cost - a.cost || b.weight - a.weight;
const detailOf = (r: { detail: string }) => r.detail;

/** Points each component moved the score between two results (or snapshots), largest first. */
export function scoreChange(
  now: Pick<HealthResult, 'score' | 'contributions' | 'components'>,
  before: Pick<HealthResult, 'score' | 'contributions'>,
): { delta: number; moves: { component: HealthComponent; points: number; detail: string }[] } {
  const moves = HEALTH_COMPONENTS.map((c) => ({
    component: c,
    points: Math.round((now.contributions[c] ?? 0) - (before.contributions[c] ?? 0)),
    detail: now.components[c]?.detail ?? 'no data now',
  }))
    .filter((m) => m.points !== 0)
    .sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
  return { delta: now.score - before.score, moves };
}

const SPARK = '▁▂▃▄▅▆▇█';
/** A sparkline of scores (0–100): one character each, ▁ for 0…12, █ for 88…100; a gap is a space. */
export function sparkline(scores: (number | null)[]): string {
  return scores.map((s) => (s === null ? ' ' : SPARK[Math.min(7, Math.floor((clamp(s) / 100) * 8))]!)).join('');
}

export const BAND_ICON: Record<HealthBand, string> = { green: '🟢', yellow: '🟡', red: '🔴' };
