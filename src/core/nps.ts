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

export interface NpsPercentages {
  promoters: number;
  passives: number;
  detractors: number;
}

/**
 * The shares of promoters, passives and detractors as whole percentages that agree
 * with the NPS shown beside them: promoters − detractors, as displayed, is the
 * breakdown's `score` (the true NPS, rounded as everywhere else in Tenure). The
 * score is not derived from the rounded shares — that could move it a point away
 * from the NPS the account card and /kpis show for the same answers — so the shares
 * are rounded to fit it: each up or down, the way that keeps both within a point of
 * the exact value (always possible, since the score is within half a point of the
 * exact difference). Passives then take the rest up to 100 when that is within a
 * point of their exact share, else their own rounding (0 % passives stays 0 %).
 * Null without answers.
 */
export function npsPercentages(b: NpsBreakdown): NpsPercentages | null {
  if (b.total === 0 || b.score === null) return null;
  const { total, score } = b;
  // Distances in hundredths of an answer, all integers: |shown − exact| × total.
  const off = (shown: number, count: number) => Math.abs(shown * total - count * 100);
  const floor = Math.floor((b.promoters * 100) / total);
  let best: { promoters: number; detractors: number; sums: boolean; worst: number } | undefined;
  for (const promoters of [floor, floor + 1]) {
    const detractors = promoters - score;
    if (off(promoters, b.promoters) >= total || off(detractors, b.detractors) >= total) continue;
    const rest = 100 - promoters - detractors;
    const sums = rest >= 0 && off(rest, b.passives) < total;
    const worst = Math.max(off(promoters, b.promoters), off(detractors, b.detractors));
    if (!best || (sums && !best.sums) || (sums === best.sums && worst < best.worst)) best = { promoters, detractors, sums, worst };
  }
  // Unreachable (see above); kept so a mistake shows plain rounding rather than a wrong sum.
  if (!best) return { promoters: halfUp(b.promoters, total), passives: halfUp(b.passives, total), detractors: halfUp(b.detractors, total) };
  return { promoters: best.promoters, passives: best.sums ? 100 - best.promoters - best.detractors : halfUp(b.passives, total), detractors: best.detractors };
}

/** count / total as a whole percentage, halves up. */
function halfUp(count: number, total: number): number {
  return Math.floor((count * 200 + total) / (2 * total));
}
