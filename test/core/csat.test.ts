// CSAT math: averages per question and overall, thresholds, rounding, no answers.
import { describe, expect, it } from 'vitest';
import { csatSummary, roundCsat } from '../../src/core/csat.js';
import { npsBreakdown } from '../../src/core/nps.js';

const answers = (rows: [string, number, number, number][]) =>
  rows.flatMap(([respondent, q1, q2, q3]) => [
    { respondent, question: 'q1', score: q1 },
    { respondent, question: 'q2', score: q2 },
    { respondent, question: 'q3', score: q3 },
  ]);

describe('CSAT summary', () => {
  it.each([
    // respondents' Q1/Q2/Q3 → per-question averages, overall, threshold (hand-computed)
    { rows: [['a', 5, 5, 5]] as [string, number, number, number][], q: [5, 5, 5], overall: 5, threshold: 4.9 },
    { rows: [['a', 5, 4, 5], ['b', 5, 4, 4]] as [string, number, number, number][], q: [5, 4, 4.5], overall: 4.5, threshold: 4.4 },
    { rows: [['a', 4, 4, 5], ['b', 5, 4, 4], ['c', 4, 5, 5]] as [string, number, number, number][], q: [4.33, 4.33, 4.67], overall: 4.44, threshold: 4.4 },
    { rows: [['a', 3, 2, 4], ['b', 4, 3, 4]] as [string, number, number, number][], q: [3.5, 2.5, 4], overall: 3.33, threshold: null },
    { rows: [['a', 5, 5, 4], ['b', 5, 4, 5]] as [string, number, number, number][], q: [5, 4.5, 4.5], overall: 4.67, threshold: 4.6 },
  ])('$rows → overall $overall, threshold $threshold', ({ rows, q, overall, threshold }) => {
    const s = csatSummary(answers(rows));
    expect([s.perQuestion.q1, s.perQuestion.q2, s.perQuestion.q3]).toEqual(q);
    expect(s.overall).toBe(overall);
    expect(s.threshold).toBe(threshold);
    expect(s.respondents).toBe(rows.length);
  });

  it('reports no answers as null, never NaN', () => {
    const s = csatSummary([]);
    expect(s).toEqual({ perQuestion: { q1: null, q2: null, q3: null }, overall: null, threshold: null, respondents: 0 });
    expect(npsBreakdown([]).score).toBeNull();
  });

  it('averages only the questions that have answers', () => {
    const s = csatSummary([
      { respondent: 'a', question: 'q1', score: 4 },
      { respondent: 'b', question: 'q1', score: 5 },
      { respondent: 'a', question: 'comment', score: 1 },
    ]);
    expect(s.perQuestion).toEqual({ q1: 4.5, q2: null, q3: null });
    expect(s.overall).toBe(4.5);
    expect(s.threshold).toBe(4.4);
  });

  it('reaches a threshold exactly at it and rounds halves up without float drift', () => {
    expect(csatSummary(answers([['a', 4, 4, 5], ['b', 4, 5, 4], ['c', 5, 4, 4], ['d', 4, 4, 4], ['e', 4, 4, 4]])).overall).toBe(4.2);
    expect(csatSummary(answers([['a', 4, 4, 5], ['b', 4, 5, 4], ['c', 5, 4, 4], ['d', 4, 4, 4], ['e', 4, 4, 4]])).threshold).toBe(4.2);
    expect(roundCsat(4.445)).toBe(4.45);
    expect(roundCsat(4.8999)).toBe(4.9);
  });
});
