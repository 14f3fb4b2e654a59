// CSAT math: the one definition (per question the mean of its answers, then the mean
// of the question means), thresholds on the exact score, truncated figures, no answers.
import { describe, expect, it } from 'vitest';
import { csatScore, csatSummary, csatTotals, formatCsat } from '../../src/core/csat.js';
import { npsBreakdown } from '../../src/core/nps.js';

const answers = (rows: [string, number, number, number][]) =>
  rows.flatMap(([respondent, q1, q2, q3]) => [
    { respondent, question: 'q1', score: q1 },
    { respondent, question: 'q2', score: q2 },
    { respondent, question: 'q3', score: q3 },
  ]);

const scores = (q: 'q1' | 'q2' | 'q3', ...values: number[]) => values.map((score, i) => ({ respondent: `${q}-${i}`, question: q, score }));

describe('CSAT summary', () => {
  it.each([
    // respondents' Q1/Q2/Q3 → per-question means and the score as shown (truncated), threshold (hand-computed)
    { rows: [['a', 5, 5, 5]] as [string, number, number, number][], q: ['5.00', '5.00', '5.00'], overall: '5.00', threshold: 4.9 },
    { rows: [['a', 5, 4, 5], ['b', 5, 4, 4]] as [string, number, number, number][], q: ['5.00', '4.00', '4.50'], overall: '4.50', threshold: 4.4 },
    // q means 13/3, 13/3, 14/3 → 40/9 = 4.444…
    { rows: [['a', 4, 4, 5], ['b', 5, 4, 4], ['c', 4, 5, 5]] as [string, number, number, number][], q: ['4.33', '4.33', '4.66'], overall: '4.44', threshold: 4.4 },
    { rows: [['a', 3, 2, 4], ['b', 4, 3, 4]] as [string, number, number, number][], q: ['3.50', '2.50', '4.00'], overall: '3.33', threshold: null },
    // q means 5, 4.5, 4.5 → 14/3 = 4.666…
    { rows: [['a', 5, 5, 4], ['b', 5, 4, 5]] as [string, number, number, number][], q: ['5.00', '4.50', '4.50'], overall: '4.66', threshold: 4.6 },
  ])('$rows → $overall, threshold $threshold', ({ rows, q, overall, threshold }) => {
    const s = csatSummary(answers(rows));
    expect([s.perQuestion.q1, s.perQuestion.q2, s.perQuestion.q3].map((m) => formatCsat(m!))).toEqual(q);
    expect(formatCsat(s.overall!)).toBe(overall);
    expect(s.overall!.threshold).toBe(threshold);
    expect(s.respondents).toBe(rows.length);
  });

  it('is the mean of the question means, not the mean of all answers', () => {
    // Q1: 5, 5, 5 / Q2: 4 / Q3: 3, 3. All answers: 25 ÷ 6 = 4.1667; question means 5, 4, 3 → 4.00.
    const s = csatSummary([...scores('q1', 5, 5, 5), ...scores('q2', 4), ...scores('q3', 3, 3)]);
    expect(s.overall!.value).toBe(4);
    expect(formatCsat(s.overall!)).toBe('4.00');
    expect(s.overall!.threshold).toBeNull();
    expect(s.respondents).toBe(6);
  });

  it('compares thresholds on the exact score: 4.1984 has not reached 4.2, and is shown as 4.19', () => {
    // Question means 4.2 (21 ÷ 5), 4.2 (42 ÷ 10) and 4.1952 (625 answers summing to 2622):
    // the score is (4.2 + 4.2 + 4.1952) ÷ 3 = 4.1984, which rounds to 4.20.
    const score = csatScore({ q1: { sum: 21, count: 5 }, q2: { sum: 42, count: 10 }, q3: { sum: 2622, count: 625 } })!;
    expect(score.value).toBeCloseTo(4.1984, 12);
    expect(score.threshold).toBeNull();
    expect(score.hundredths).toBe(419);
    expect(formatCsat(score)).toBe('4.19');
  });

  it('reaches a threshold exactly at it, without float drift', () => {
    // Every question 4.2 (21 ÷ 5): the float sum 4.2 + 4.2 + 4.2 is 12.600000000000001.
    const exact = csatSummary(answers([['a', 4, 4, 5], ['b', 4, 5, 4], ['c', 5, 4, 4], ['d', 4, 4, 4], ['e', 4, 4, 4]]));
    expect(exact.overall!.threshold).toBe(4.2);
    expect(formatCsat(exact.overall!)).toBe('4.20');
    // Q means 4.35 (87 ÷ 20) each: 4.35 × 100 is 434.99999999999994 in floating point.
    const s = csatScore({ q1: { sum: 87, count: 20 }, q2: { sum: 87, count: 20 }, q3: { sum: 87, count: 20 } })!;
    expect(formatCsat(s)).toBe('4.35');
    expect(s.threshold).toBe(4.2);
  });

  it('reports no answers as null, never NaN', () => {
    const s = csatSummary([]);
    expect(s).toEqual({ perQuestion: { q1: null, q2: null, q3: null }, overall: null, respondents: 0 });
    expect(csatScore(csatTotals([]))).toBeNull();
    expect(npsBreakdown([]).score).toBeNull();
  });

  it('averages only the questions that have answers, and leaves comments out', () => {
    const s = csatSummary([
      { respondent: 'a', question: 'q1', score: 4 },
      { respondent: 'b', question: 'q1', score: 5 },
      { respondent: 'c', question: 'comment', score: 1 },
    ]);
    expect(s.perQuestion.q1).toEqual({ value: 4.5, hundredths: 450 });
    expect(s.perQuestion.q2).toBeNull();
    expect(s.overall).toEqual({ value: 4.5, hundredths: 450, threshold: 4.4 });
    expect(s.respondents).toBe(2);
  });
});
