// CSAT (partner-engagement survey, 1–5): the score is the average of the scored
// questions Q1–Q3; recognition thresholds apply to that average.

export const CSAT_QUESTIONS = {
  q1: 'Overall, how satisfied are you with our engagement?',
  q2: 'How would you rate the value you received relative to the resources invested?',
  q3: 'How would you rate the overall performance of our team?',
} as const;
export type CsatQuestion = keyof typeof CSAT_QUESTIONS;
export const CSAT_OPEN_QUESTION = 'What would you want prospective clients to know about your experience?';

/** Recognition thresholds on the average, highest first. */
export const CSAT_THRESHOLDS = [4.9, 4.8, 4.6, 4.4, 4.2] as const;

export interface CsatSummary {
  /** Average per question over the people who answered it; null without answers. */
  perQuestion: Record<CsatQuestion, number | null>;
  /** Average of the question averages that have answers; null without any. */
  overall: number | null;
  /** The highest recognition threshold the overall average reaches, or null. */
  threshold: number | null;
  respondents: number;
}

const average = (values: number[]): number | null => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);

/** Two decimals, halves away from zero, without float drift (4.445 → 4.45). */
export function roundCsat(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

export function csatSummary(answers: { respondent: string; question: string; score: number }[]): CsatSummary {
  const byQuestion: Record<CsatQuestion, number[]> = { q1: [], q2: [], q3: [] };
  const people = new Set<string>();
  for (const a of answers) {
    if (a.question in byQuestion) {
      byQuestion[a.question as CsatQuestion].push(a.score);
      people.add(a.respondent);
    }
  }
  const perQuestion = {
    q1: average(byQuestion.q1),
    q2: average(byQuestion.q2),
    q3: average(byQuestion.q3),
  };
  const answered = Object.values(perQuestion).filter((v): v is number => v !== null);
  const overallRaw = average(answered);
  const overall = overallRaw === null ? null : roundCsat(overallRaw);
  return {
    perQuestion: {
      q1: perQuestion.q1 === null ? null : roundCsat(perQuestion.q1),
      q2: perQuestion.q2 === null ? null : roundCsat(perQuestion.q2),
      q3: perQuestion.q3 === null ? null : roundCsat(perQuestion.q3),
    },
    overall,
    threshold: overall === null ? null : (CSAT_THRESHOLDS.find((t) => overall >= t) ?? null),
    respondents: people.size,
  };
}
