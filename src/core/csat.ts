// CSAT (partner-engagement survey, 1–5): the one definition of the score, used by
// /survey results, /kpis, the health inputs and the CSAT recorded at renewal.
// The score is "the average of the scored questions": per question the mean of all
// its answers in scope, then the mean of those question means (questions without
// answers left out). Not the mean of all answers: a question answered by more
// people would weigh more (Q1 5,5,5 / Q2 4 / Q3 3,3 is 4.00, not 25 ÷ 6 = 4.17).
// Recognition thresholds are compared on the exact, unrounded score.

export const CSAT_QUESTIONS = {
  q1: 'Overall, how satisfied are you with our engagement?',
  q2: 'How would you rate the value you received relative to the resources invested?',
  q3: 'How would you rate the overall performance of our team?',
} as const;
export type CsatQuestion = keyof typeof CSAT_QUESTIONS;
export const CSAT_QUESTION_IDS = Object.keys(CSAT_QUESTIONS) as CsatQuestion[];
export const CSAT_OPEN_QUESTION = 'What would you want prospective clients to know about your experience?';

export const isCsatQuestion = (question: string): question is CsatQuestion => Object.hasOwn(CSAT_QUESTIONS, question);

/** Recognition thresholds on the score, highest first. */
export const CSAT_THRESHOLDS = [4.9, 4.8, 4.6, 4.4, 4.2] as const;

/** The sum and number of one question's scores in scope. */
export interface QuestionTotal {
  sum: number;
  count: number;
}
export type CsatTotals = Record<CsatQuestion, QuestionTotal>;

/** A mean, unrounded, and truncated to hundredths for display. */
export interface CsatMean {
  value: number;
  /**
   * The mean in hundredths, truncated exactly (4.1984 → 419). Shown figures are
   * truncated, not rounded, so a shown 4.20 has reached the 4.2 threshold and a
   * score below it never looks as if it had.
   */
  hundredths: number;
}

export interface CsatScore extends CsatMean {
  /** The highest recognition threshold the exact score reaches, or null. */
  threshold: number | null;
}

export interface CsatSummary {
  /** Per question, the mean over everyone who answered it; null without answers. */
  perQuestion: Record<CsatQuestion, CsatMean | null>;
  /** The CSAT score (csatScore); null without any answer. */
  overall: CsatScore | null;
  respondents: number;
}

export function emptyTotals(): CsatTotals {
  return { q1: { sum: 0, count: 0 }, q2: { sum: 0, count: 0 }, q3: { sum: 0, count: 0 } };
}

/** Totals of Q1–Q3 from answers; other questions (comments) are left out. */
export function csatTotals(answers: Iterable<{ question: string; score: number }>): CsatTotals {
  const totals = emptyTotals();
  for (const a of answers) {
    if (!isCsatQuestion(a.question)) continue;
    totals[a.question].sum += a.score;
    totals[a.question].count += 1;
  }
  return totals;
}

/**
 * Totals from a row with `q1_sum`, `q1_count`, … `q3_count` columns, as the SQL
 * aggregates in kpis.ts and health-inputs.ts name them (drivers return sums as text).
 */
export function csatTotalsFromRow(row: Record<string, unknown>): CsatTotals {
  const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
  const totals = emptyTotals();
  for (const q of CSAT_QUESTION_IDS) totals[q] = { sum: n(row[`${q}_sum`]), count: n(row[`${q}_count`]) };
  return totals;
}

export function answerCount(totals: CsatTotals): number {
  return CSAT_QUESTION_IDS.reduce((n, q) => n + totals[q].count, 0);
}

function questionMean(total: QuestionTotal): CsatMean | null {
  if (total.count === 0) return null;
  return { value: total.sum / total.count, hundredths: Number((BigInt(total.sum) * 100n) / BigInt(total.count)) };
}

/**
 * The CSAT score from per-question totals, or null without answers. Computed as an
 * exact fraction (BigInt): the mean of k question means s₁/c₁ … is N ÷ D with
 * N = Σ sᵢ·Πⱼ≠ᵢ cⱼ and D = k·Π cᵢ, so neither the threshold nor the shown hundredths
 * depend on floating-point error (4.35 must not become 4.3499…).
 */
export function csatScore(totals: CsatTotals): CsatScore | null {
  const answered = CSAT_QUESTION_IDS.map((q) => totals[q]).filter((t) => t.count > 0);
  if (answered.length === 0) return null;
  const counts = answered.map((t) => BigInt(t.count));
  const product = counts.reduce((p, c) => p * c, 1n);
  const numerator = answered.reduce((sum, t, i) => sum + BigInt(t.sum) * (product / counts[i]!), 0n);
  const denominator = BigInt(answered.length) * product;
  const threshold = CSAT_THRESHOLDS.find((t) => numerator * 10n >= BigInt(Math.round(t * 10)) * denominator) ?? null;
  const value = answered.reduce((sum, t) => sum + t.sum / t.count, 0) / answered.length;
  return { value, hundredths: Number((numerator * 100n) / denominator), threshold };
}

/** A CSAT figure as shown everywhere: two decimals, truncated (see CsatMean.hundredths). */
export function formatCsat(mean: Pick<CsatMean, 'hundredths'>): string {
  return (mean.hundredths / 100).toFixed(2);
}

export function csatSummary(answers: { respondent: string; question: string; score: number }[]): CsatSummary {
  const scored = answers.filter((a) => isCsatQuestion(a.question));
  const totals = csatTotals(scored);
  return {
    perQuestion: { q1: questionMean(totals.q1), q2: questionMean(totals.q2), q3: questionMean(totals.q3) },
    overall: csatScore(totals),
    respondents: new Set(scored.map((a) => a.respondent)).size,
  };
}
