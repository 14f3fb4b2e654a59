// Percentages that agree as shown: shares that add up to 100 (largest remainder) and
// NPS shares whose difference is the NPS shown. Expected values are worked by hand.
import { describe, expect, it } from 'vitest';
import { npsBreakdown, npsPercentages } from '../../src/core/nps.js';
import { percentShares } from '../../src/core/shares.js';

describe('percentShares: whole percentages adding up to 100', () => {
  const cases: [number[], number[]][] = [
    // 62.5 and 37.5: rounded alone 63 + 38 = 101; the tie goes to the larger part.
    [[5, 3], [63, 37]],
    [[0.625, 0.375], [63, 37]],
    [[1, 1, 1], [34, 33, 33]],
    [[30, 25, 15, 20, 10], [30, 25, 15, 20, 10]],
    // 37.04, 18.52, 22.22, 14.81, 7.41: floors 98, the two largest remainders (.81, .52) get a point.
    [[50, 25, 30, 20, 10], [37, 19, 22, 15, 7]],
    [[2, 0, 1], [67, 0, 33]],
    [[0, 0], [0, 0]],
    [[7], [100]],
  ];
  it.each(cases)('%j → %j', (parts, shares) => {
    expect(percentShares(parts)).toEqual(shares);
  });
});

describe('npsPercentages: promoters % − detractors % as shown is the NPS shown', () => {
  const cases: [string, number[], { promoters: number; passives: number; detractors: number }, number][] = [
    // 66.7 % and 33.3 %, NPS +33.3 → +33: 67 − 33 would say 34.
    ['2 promoters, 1 detractor', [10, 9, 3], { promoters: 66, passives: 0, detractors: 33 }, 33],
    ['1 promoter, 2 detractors', [9, 0, 6], { promoters: 33, passives: 0, detractors: 66 }, -33],
    // 16.7 / 50 / 33.3, NPS −16.7 → −17: 17 − 33 would say −16. An odd difference
    // cannot sit beside an even rest: passives keep their exact 50 and the sum is 99.
    ['1 promoter, 3 passives, 2 detractors', [9, 7, 7, 8, 5, 6], { promoters: 16, passives: 50, detractors: 33 }, -17],
    ['5 promoters, 3 passives', [10, 10, 9, 9, 9, 8, 7, 7], { promoters: 63, passives: 37, detractors: 0 }, 63],
    ['one of each', [10, 8, 2], { promoters: 33, passives: 34, detractors: 33 }, 0],
    ['all promoters', [9, 10], { promoters: 100, passives: 0, detractors: 0 }, 100],
  ];
  it.each(cases)('%s', (_what, scores, shares, nps) => {
    const b = npsBreakdown(scores);
    expect(b.score).toBe(nps);
    expect(npsPercentages(b)).toEqual(shares);
  });

  it('holds for every split of up to 40 answers: the difference is the NPS, no share a point off, none from nothing', () => {
    for (let total = 1; total <= 40; total++) {
      for (let p = 0; p <= total; p++) {
        for (let d = 0; d <= total - p; d++) {
          const passives = total - p - d;
          const scores = [...Array(p).fill(10), ...Array(passives).fill(8), ...Array(d).fill(0)];
          const b = npsBreakdown(scores);
          const shown = npsPercentages(b)!;
          const where = `${p}/${passives}/${d}`;
          expect(shown.promoters - shown.detractors, where).toBe(b.score);
          for (const [share, count] of [[shown.promoters, p], [shown.passives, passives], [shown.detractors, d]] as const) {
            expect(Math.abs(share * total - count * 100), where).toBeLessThanOrEqual(total);
            if (count === 0) expect(share, where).toBe(0);
          }
        }
      }
    }
  });

  it('is null without answers', () => {
    expect(npsPercentages(npsBreakdown([]))).toBeNull();
  });
});
