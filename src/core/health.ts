// The customer health score: pure functions from an account's inputs to a 0–100
// score, its components, band and drivers in words. No database, no clock. The words
// (each component's detail, the drivers) are made on first read, not for every account
// of a portfolio scored in bulk; they read the same either way.
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
import { adoptionValue, clamp, componentWords, engagementValue, financialValue, sentimentValue, supportValue } from './health-components.js';

export { adoptionScore, engagementScore, financialScore, sentimentScore, supportScore, trueNps } from './health-components.js';

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

export function bandFor(score: number, thresholds: BandThresholds = DEFAULT_BAND_THRESHOLDS): HealthBand {
  if (score >= thresholds.green) return 'green';
  if (score >= thresholds.yellow) return 'yellow';
  return 'red';
}

/**
 * A component's score and band, with its words (`detail`) put into words from the
 * account's inputs on first read and kept. The inputs are taken as they were when
 * scored: nothing changes an inputs object after it is scored.
 */
class ScoredComponent implements ComponentScore {
  readonly score: number;
  readonly band: HealthBand;
  readonly #component: HealthComponent;
  readonly #inputs: HealthInputs;
  readonly #cadence: Cadence;
  #detail: string | undefined;

  constructor(component: HealthComponent, rawScore: number, thresholds: BandThresholds, inputs: HealthInputs, cadence: Cadence) {
    this.score = Math.round(rawScore);
    this.band = bandFor(rawScore, thresholds);
    this.#component = component;
    this.#inputs = inputs;
    this.#cadence = cadence;
  }

  get detail(): string {
    return (this.#detail ??= componentWords(this.#component, this.#inputs, this.#cadence));
  }

  toJSON(): { score: number; band: HealthBand; detail: string } {
    return { score: this.score, band: this.band, detail: this.detail };
  }
}

/** The score with its drivers put into words on first read (most readers of a portfolio never ask). */
class ScoredHealth implements HealthResult {
  #drivers: string[] | undefined;

  constructor(
    readonly score: number,
    readonly band: HealthBand,
    readonly components: HealthResult['components'],
    readonly effectiveWeights: HealthResult['effectiveWeights'],
    readonly contributions: HealthResult['contributions'],
  ) {}

  get drivers(): string[] {
    return (this.#drivers ??= healthDrivers(this.components, this.effectiveWeights));
  }

  toJSON(): HealthResult {
    const { score, band, components, effectiveWeights, contributions, drivers } = this;
    return { score, band, components, effectiveWeights, contributions, drivers };
  }
}

// Which components have data (one bit each, in HEALTH_COMPONENTS order) decides the
// effective weights: at most 32 sets per weighting, shared (frozen) by every account
// scored with the same weights. Keyed by the weights' values, not the object.
let sharedFor: HealthWeights = { adoption: NaN, engagement: NaN, support: NaN, sentiment: NaN, financial: NaN };
let sharedWeights: (HealthResult['effectiveWeights'] | undefined)[] = [];

function effectiveWeightsFor(weights: HealthWeights, present: number): HealthResult['effectiveWeights'] {
  if (
    weights.adoption !== sharedFor.adoption ||
    weights.engagement !== sharedFor.engagement ||
    weights.support !== sharedFor.support ||
    weights.sentiment !== sharedFor.sentiment ||
    weights.financial !== sharedFor.financial
  ) {
    sharedFor = { ...weights };
    sharedWeights = [];
  }
  return (sharedWeights[present] ??= renormalized(weights, present));
}

function renormalized(weights: HealthWeights, present: number): HealthResult['effectiveWeights'] {
  let total = 0;
  HEALTH_COMPONENTS.forEach((c, i) => {
    if (present & (1 << i) && weights[c] > 0) total += weights[c];
  });
  const share = (c: HealthComponent, i: number) => (present & (1 << i) && total > 0 && weights[c] > 0 ? weights[c] / total : 0);
  return Object.freeze({
    adoption: share('adoption', 0),
    engagement: share('engagement', 1),
    support: share('support', 2),
    sentiment: share('sentiment', 3),
    financial: share('financial', 4),
  });
}

/** The whole score for one account. */
export function healthScore(inputs: HealthInputs, config: HealthConfig = DEFAULT_HEALTH_CONFIG): HealthResult {
  const cadence = cadenceFor(inputs.kickoffDate, inputs.today, config.cadenceMode);
  // Straight-line code, no per-account records or closures: this runs for every account of a portfolio.
  const adoption = adoptionValue(inputs.licensedUsers, inputs.activeUsers);
  const engagement = engagementValue(inputs.lastTouchDay, inputs.today, cadence.maxGapDays, inputs.createdDay);
  const support = supportValue(inputs.openTickets, inputs.slaBreaches90d);
  const sentiment = sentimentValue(inputs.nps, inputs.csat);
  const financial = financialValue(inputs.spendReadings, inputs.latestForecast);
  const present = (adoption === null ? 0 : 1) | (engagement === null ? 0 : 2) | 4 | (sentiment === null ? 0 : 8) | (financial === null ? 0 : 16);
  const w = effectiveWeightsFor(config.weights, present);
  const bands = config.componentBands;
  const contributions = {
    adoption: adoption === null ? 0 : w.adoption * adoption,
    engagement: engagement === null ? 0 : w.engagement * engagement,
    support: w.support * support,
    sentiment: sentiment === null ? 0 : w.sentiment * sentiment,
    financial: financial === null ? 0 : w.financial * financial,
  };
  const components = {
    adoption: adoption === null ? null : new ScoredComponent('adoption', adoption, bands.adoption, inputs, cadence),
    engagement: engagement === null ? null : new ScoredComponent('engagement', engagement, bands.engagement, inputs, cadence),
    support: new ScoredComponent('support', support, bands.support, inputs, cadence),
    sentiment: sentiment === null ? null : new ScoredComponent('sentiment', sentiment, bands.sentiment, inputs, cadence),
    financial: financial === null ? null : new ScoredComponent('financial', financial, bands.financial, inputs, cadence),
  };
  // Summed in component order, as the weights were: the same float result as ever.
  const sum = contributions.adoption + contributions.engagement + contributions.support + contributions.sentiment + contributions.financial;
  // Support always has data, so with any positive weight there is a score; all weights 0 reads as 0.
  const anyWeight = w.adoption + w.engagement + w.support + w.sentiment + w.financial > 0;
  const score = Math.round(anyWeight ? sum : 0);
  return new ScoredHealth(score, bandFor(score, config.bands), components, w, contributions);
}

/**
 * The top three drivers: the components that cost the most points (effective
 * weight × shortfall from 100) first; when fewer than three cost anything, the
 * strongest of the rest follow, so a healthy account says why it is healthy.
 */
export function healthDrivers(components: HealthResult['components'], weights: HealthResult['effectiveWeights']): string[] {
  const ranked: { cost: number; weight: number; component: ComponentScore }[] = [];
  for (const c of HEALTH_COMPONENTS) {
    const component = components[c];
    if (component === null || !(weights[c] > 0)) continue;
    // Rounded so float noise (0.2 × 30 = 6.000000000000001) never breaks a tie.
    ranked.push({ cost: Math.round(weights[c] * (100 - component.score) * 1000), weight: weights[c], component });
  }
  ranked.sort(byCostThenWeight);
  // Only the three drivers are put into words.
  return ranked.slice(0, 3).map(detailOf);
}

const byCostThenWeight = (a: { cost: number; weight: number }, b: { cost: number; weight: number }) => b.cost - a.cost || b.weight - a.weight;
const detailOf = (r: { component: ComponentScore }) => r.component.detail;

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
