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
  const score = total === 0 ? null : Math.round(((promoters - detractors) / total) * 100);
  return { total, promoters, passives, detractors, score };
}
