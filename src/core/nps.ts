// Net Promoter Score: promoters answer 9–10, passives 7–8, detractors 0–6;
// NPS = % promoters − % detractors (−100…100). Never an average of the scores.

export interface NpsBreakdown {
  total: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** Rounded NPS, or null with no answers. */
  score: number | null;
}

export type NpsCategory = 'promoter' | 'passive' | 'detractor';

export function npsCategory(score: number): NpsCategory {
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}

export function npsBreakdown(scores: readonly number[]): NpsBreakdown {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const s of scores) {
    const category = npsCategory(s);
    if (category === 'promoter') promoters++;
    else if (category === 'passive') passives++;
    else detractors++;
  }
  const total = scores.length;
  return { total, promoters, passives, detractors, score: total === 0 ? null : roundedPercent(promoters - detractors, total) };
}

/**
 * net / total as a whole percentage, halves rounded away from zero so +14.5 and −14.5
 * are mirror images. Multiplying before dividing keeps exact halves exact
 * (29 / 200 * 100 is 14.499999999999998 in floating point).
 */
function roundedPercent(net: number, total: number): number {
  const rounded = Math.round((Math.abs(net) * 100) / total);
  return net < 0 && rounded !== 0 ? -rounded : rounded;
}
