// The health result in words where it has no score: "not enough data" with what is
// missing, its own marker and never a band (health.ts says when a result has no score).
import type { HealthComponent, HealthResult } from './health.js';

export const NOT_ENOUGH_DATA = 'not enough data';

/** The order the "not enough data" marker lists what is missing: data first, then the first touch's date. */
const MISSING_ORDER: HealthComponent[] = ['adoption', 'financial', 'sentiment', 'support', 'engagement'];

/** What a result is missing, in words, each once: ["no usage", "no survey yet", "new — first touch due by …"]. */
export function missingData(health: Pick<HealthResult, 'gaps'>): string[] {
  const words: string[] = [];
  for (const c of MISSING_ORDER) {
    const gap = health.gaps[c];
    if (gap !== null && !words.includes(gap)) words.push(gap);
  }
  return words;
}

/** The marker shown instead of a score: "not enough data (no usage, no survey yet)". */
export function notEnoughDataText(health: Pick<HealthResult, 'gaps'>): string {
  const missing = missingData(health);
  return missing.length === 0 ? NOT_ENOUGH_DATA : `${NOT_ENOUGH_DATA} (${missing.join(', ')})`;
}

/** A result as one phrase: "72/100 (green)", or the not-enough-data marker. */
export function healthSummary(health: HealthResult): string {
  return health.band === 'insufficient' ? notEnoughDataText(health) : `${health.score}/100 (${health.band})`;
}
