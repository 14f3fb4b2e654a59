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
//               0 at twice the gap. Never touched: the same, counted from the day
//               the first touch was due (cadence.ts firstTouchDue: one gap after the
//               kickoff, else the contract start, else the day the account was
//               added); before that day the account is new and has no data.
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
// Built from fewer than two components it is no score at all: support always has
// data, so "no open tickets" alone would make every new account 100 and green. Such
// a result has band 'insufficient' and score null, and says what is missing.
import { cadenceFor, firstTouchDue, type Cadence, type CadenceMode, type FirstTouch } from './cadence.js';
import { adoptionValue, clamp, componentWords, engagementValue, financialValue, missingWords, sentimentValue, supportValue } from './health-components.js';

export { adoptionScore, engagementScore, financialScore, sentimentScore, supportScore, trueNps } from './health-components.js';
export { healthSummary, missingData, NOT_ENOUGH_DATA, notEnoughDataText } from './health-summary.js';

export const HEALTH_COMPONENTS = ['adoption', 'engagement', 'support', 'sentiment', 'financial'] as const;
export type HealthComponent = (typeof HEALTH_COMPONENTS)[number];
export type HealthBand = 'green' | 'yellow' | 'red';
/** An account's overall standing: a band, or 'insufficient' (not enough data for a score). */
export type HealthStanding = HealthBand | 'insufficient';
/** The fewest components with data (and weight) a score is built from. */
export const MIN_SCORED_COMPONENTS = 2;

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
  contractStart: string | null;
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

interface HealthResultParts {
  /** null: no data for the component (left out, weights renormalized). */
  components: Record<HealthComponent, ComponentScore | null>;
  /** The weight each component carried after renormalization (0 for no data), summing to 1. */
  effectiveWeights: Record<HealthComponent, number>;
  /** Points each component contributed to the score (effective weight × component score). */
  contributions: Record<HealthComponent, number>;
  /** The top three drivers in words; none without a score. */
  drivers: string[];
  /** What each component with no data is missing, in words ("no usage"); null where it has data. */
  gaps: Record<HealthComponent, string | null>;
}

export interface ScoredHealthResult extends HealthResultParts {
  score: number;
  band: HealthBand;
}

/** Fewer than two components with data: no score, no band; `gaps` says what is missing. */
export interface NotEnoughDataResult extends HealthResultParts {
  score: null;
  band: 'insufficient';
}

export type HealthResult = ScoredHealthResult | NotEnoughDataResult;

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
  readonly #firstTouch: FirstTouch | null;
  #detail: string | undefined;

  constructor(component: HealthComponent, rawScore: number, thresholds: BandThresholds, inputs: HealthInputs, cadence: Cadence, firstTouch: FirstTouch | null) {
    this.score = Math.round(rawScore);
    this.band = bandFor(rawScore, thresholds);
    this.#component = component;
    this.#inputs = inputs;
    this.#cadence = cadence;
    this.#firstTouch = firstTouch;
  }

  get detail(): string {
    return (this.#detail ??= componentWords(this.#component, this.#inputs, this.#cadence, this.#firstTouch));
  }

  toJSON(): { score: number; band: HealthBand; detail: string } {
    return { score: this.score, band: this.band, detail: this.detail };
  }
}

/**
 * The score with its drivers and gaps put into words on first read (most readers of
 * a portfolio never ask). Made only by healthScore, which keeps score and band
 * together: a number with a band, or null with 'insufficient'.
 */
class AccountHealthResult implements HealthResultParts {
  readonly #inputs: HealthInputs;
  readonly #firstTouch: FirstTouch | null;
  #drivers: string[] | undefined;
  #gaps: HealthResult['gaps'] | undefined;

  constructor(
    readonly score: number | null,
    readonly band: HealthStanding,
    readonly components: HealthResult['components'],
    readonly effectiveWeights: HealthResult['effectiveWeights'],
    readonly contributions: HealthResult['contributions'],
    inputs: HealthInputs,
    firstTouch: FirstTouch | null,
  ) {
    this.#inputs = inputs;
    this.#firstTouch = firstTouch;
  }

  get drivers(): string[] {
    // Without a score nothing drives it: what is missing is said instead (gaps).
    return (this.#drivers ??= this.score === null ? [] : healthDrivers(this.components, this.effectiveWeights));
  }

  get gaps(): HealthResult['gaps'] {
    if (this.#gaps) return this.#gaps;
    const gaps = {} as HealthResult['gaps'];
    for (const c of HEALTH_COMPONENTS) gaps[c] = this.components[c] === null ? missingWords(c, this.#inputs, this.#firstTouch) : null;
    return (this.#gaps = gaps);
  }

  toJSON(): HealthResult {
    const { score, band, components, effectiveWeights, contributions, drivers, gaps } = this;
    return { score, band, components, effectiveWeights, contributions, drivers, gaps } as HealthResult;
  }
}

// Which components have data (one bit each, in HEALTH_COMPONENTS order) decides the
// effective weights: at most 32 sets per weighting. They are kept per weights object,
// so the accounts of a portfolio, scored with one config, share the same frozen sets,
// and a config nobody holds any more takes its sets with it. Weights objects are not
// changed once made (settings.ts builds a new one for every change).
const effectiveWeightSets = new WeakMap<HealthWeights, (HealthResult['effectiveWeights'] | undefined)[]>();

function effectiveWeightsFor(weights: HealthWeights, present: number): HealthResult['effectiveWeights'] {
  let sets = effectiveWeightSets.get(weights);
  if (!sets) {
    sets = [];
    effectiveWeightSets.set(weights, sets);
  }
  return (sets[present] ??= renormalized(weights, present));
}

const hasData = (present: number, index: number) => (present & (1 << index)) !== 0;

function renormalized(weights: HealthWeights, present: number): HealthResult['effectiveWeights'] {
  let total = 0;
  HEALTH_COMPONENTS.forEach((c, i) => {
    if (hasData(present, i) && weights[c] > 0) total += weights[c];
  });
  const effective = {} as Record<HealthComponent, number>;
  HEALTH_COMPONENTS.forEach((c, i) => {
    effective[c] = hasData(present, i) && total > 0 && weights[c] > 0 ? weights[c] / total : 0;
  });
  return Object.freeze(effective);
}

/** Each component's score from the inputs (null: no data); health-components.ts has the formulas. */
const COMPONENT_VALUE: Record<HealthComponent, (inputs: HealthInputs, cadence: Cadence, firstTouch: FirstTouch | null) => number | null> = {
  adoption: (inputs) => adoptionValue(inputs.licensedUsers, inputs.activeUsers),
  engagement: (inputs, cadence, firstTouch) => engagementValue(inputs.lastTouchDay, inputs.today, cadence.maxGapDays, firstTouch),
  support: (inputs) => supportValue(inputs.openTickets, inputs.slaBreaches90d),
  sentiment: (inputs) => sentimentValue(inputs.nps, inputs.csat),
  financial: (inputs) => financialValue(inputs.spendReadings, inputs.latestForecast),
};

/** The whole score for one account. */
export function healthScore(inputs: HealthInputs, config: HealthConfig = DEFAULT_HEALTH_CONFIG): HealthResult {
  const cadence = cadenceFor(inputs.kickoffDate, inputs.today, config.cadenceMode);
  const firstTouch = inputs.lastTouchDay === null ? firstTouchDue(inputs, config.cadenceMode) : null;
  // Plain loops over the component list, no per-account closures: this runs for every
  // account of a portfolio.
  const values = new Array<number | null>(HEALTH_COMPONENTS.length);
  let present = 0;
  for (let i = 0; i < HEALTH_COMPONENTS.length; i++) {
    values[i] = COMPONENT_VALUE[HEALTH_COMPONENTS[i]!](inputs, cadence, firstTouch);
    if (values[i] !== null) present |= 1 << i;
  }
  const weights = effectiveWeightsFor(config.weights, present);
  const contributions = {} as HealthResult['contributions'];
  const components = {} as HealthResult['components'];
  // Summed in HEALTH_COMPONENTS order from 0: floating-point addition depends on the
  // order, and the same inputs must give the same score as the stored snapshots.
  let sum = 0;
  // The components the score is built from: an effective weight is 0 without data or weight.
  let built = 0;
  for (let i = 0; i < HEALTH_COMPONENTS.length; i++) {
    const component = HEALTH_COMPONENTS[i]!;
    const value = values[i] as number | null;
    contributions[component] = value === null ? 0 : weights[component] * value;
    components[component] = value === null ? null : new ScoredComponent(component, value, config.componentBands[component], inputs, cadence, firstTouch);
    sum += contributions[component];
    if (weights[component] > 0) built++;
  }
  if (built < MIN_SCORED_COMPONENTS) return new AccountHealthResult(null, 'insufficient', components, weights, contributions, inputs, firstTouch) as HealthResult;
  const score = Math.round(sum);
  return new AccountHealthResult(score, bandFor(score, config.bands), components, weights, contributions, inputs, firstTouch) as HealthResult;
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
  now: Pick<ScoredHealthResult, 'score' | 'contributions' | 'components'>,
  before: Pick<ScoredHealthResult, 'score' | 'contributions'>,
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

/** A band's colour; not enough data has a marker of its own, never a band colour. */
export const BAND_ICON: Record<HealthStanding, string> = { green: '🟢', yellow: '🟡', red: '🔴', insufficient: '❔' };
