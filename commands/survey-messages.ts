// How surveys look as neutral messages: the question posted in the channel (with
// its tally, never individual scores), the private thanks (for CSAT one card with
// the person's answers, replaced as they answer), the closing, and the results.
// What the customer reads (the question, its tally, the thanks, the closing) is
// marked audience 'customer' and is written for them: the partner's name, never
// survey numbers, commands or other answers.
import type { Account } from '../src/core/accounts.js';
import { CSAT_OPEN_QUESTION, CSAT_QUESTIONS, formatCsat, type CsatMean, type CsatQuestion } from '../src/core/csat.js';
import { npsCategory, npsPercentages } from '../src/core/nps.js';
import type { AnswerOutcome, Survey, SurveyResults } from '../src/core/surveys.js';
import { formatDay, localDate } from '../src/core/time.js';
import { actions, button, context, field, fields, header, message, text } from '../src/messages/builders.js';
import type { Message } from '../src/messages/message.js';

/** The one NPS question (PRODUCT.md), naming the partner being recommended. */
export const npsQuestion = (partner: string) => `How likely is it that you would recommend ${partner} to a friend or colleague?`;

/** An answer button's value; `cardOf` marks a button on that respondent's own private card (respondentTag). */
const answerValue = (survey: Survey, question: string, score: number, cardOf?: string) => `${survey.id}:${question}:${score}${cardOf ? `:${cardOf}` : ''}`;

function tally(survey: Survey, respondents: number, timezone: string, open: boolean): string {
  const parts: string[] = [];
  if (survey.anonymous) parts.push('anonymous: nobody sees who answered what');
  parts.push(respondents === 0 ? 'no responses yet' : `${respondents} response${respondents === 1 ? '' : 's'} so far`);
  parts.push(open ? `open until ${formatDay(localDate(survey.closesAt, timezone))}` : 'closed');
  return parts.join(' · ');
}

/** The survey as posted in the channel; re-rendered with the new tally after each answer. */
export function surveyMessage(survey: Survey, respondents: number, options: { timezone: string; open: boolean; partner: string }): Message {
  const { partner } = options;
  const blocks = [header(survey.kind === 'nps' ? `A quick question from ${partner}` : `How is ${partner} doing?`)];
  if (survey.kind === 'nps') {
    blocks.push(text(`**${npsQuestion(partner)}**\n0 = not at all likely, 10 = extremely likely. One click; you can change it until the survey closes.`));
    if (options.open) {
      // Two rows: Teams shows at most six actions in one set.
      blocks.push(actions([0, 1, 2, 3, 4, 5].map((n) => button('survey.answer', String(n), answerValue(survey, 'nps', n)))));
      blocks.push(actions([6, 7, 8, 9, 10].map((n) => button('survey.answer', String(n), answerValue(survey, 'nps', n)))));
    }
  } else {
    blocks.push(text('1 = very poor, 5 = excellent. One click per question; you can change it until the survey closes.'));
    for (const [q, wording] of Object.entries(CSAT_QUESTIONS) as [CsatQuestion, string][]) {
      blocks.push(text(`**${q.toUpperCase()}.** ${wording}`));
      if (options.open) blocks.push(actions([1, 2, 3, 4, 5].map((n) => button('survey.answer', String(n), answerValue(survey, q, n)))));
    }
    if (options.open) blocks.push(actions([button('survey.reason', 'Add a comment', survey.id)]));
  }
  blocks.push(context(tally(survey, respondents, options.timezone, options.open)));
  return message(`${partner} would like your feedback`, blocks, { visibility: 'channel', audience: 'customer' });
}

/** The closing as the channel reads it: how many answered, and thanks. */
export function closingMessage(respondents: number, partner: string): Message {
  const note = `This survey from ${partner} has closed with ${respondents} response${respondents === 1 ? '' : 's'}.`;
  return message(note, [text(`🗳️ ${note} Thank you to everyone who answered.`)], { visibility: 'channel', audience: 'customer' });
}

/** A withdrawn survey as the channel reads it (said when it is withdrawn, and in place of the survey when someone clicks it). */
export function withdrawnMessage(partner: string): Message {
  const note = `This survey from ${partner} was withdrawn: there is nothing to answer.`;
  return message(note, [text(`🗳️ ${note} Sorry for the trouble.`)], { visibility: 'channel', audience: 'customer' });
}

/** A closed survey opened again, as the channel reads it. */
export function reopenedMessage(survey: Survey, partner: string, timezone: string): Message {
  const note = `This survey from ${partner} is open again until ${formatDay(localDate(survey.closesAt, timezone))}.`;
  return message(note, [text(`🗳️ ${note} Its buttons take answers again.`)], { visibility: 'channel', audience: 'customer' });
}

function lead(outcome: AnswerOutcome, what: string): string {
  if (outcome === 'unchanged') return `You already answered ${what}; nothing changed.`;
  return outcome === 'changed' ? `Changed your answer to ${what}.` : `Thank you! You answered ${what}.`;
}

/** The private thanks for an NPS answer, with the way to say why. */
export function thanksMessage(survey: Survey, score: number, outcome: AnswerOutcome): Message {
  const said = lead(outcome, `${score} (${npsCategory(score)})`);
  return message(
    said,
    [
      text(`🙏 ${said}${survey.anonymous ? ' Your answer is anonymous.' : ''}`),
      context('Would you tell us why? It helps us act on it.'),
      actions([button('survey.reason', 'Add a reason', survey.id, 'primary')]),
    ],
    { audience: 'customer' },
  );
}

/**
 * A CSAT respondent's one private card: what they just did, their answers to Q1–Q3
 * so far, each question's buttons (their score marked) and the comment button. A
 * press on it replaces it (the Reply's update), so answering all three questions
 * leaves one card, not three messages. `cardOf` (respondentTag) is in its buttons'
 * values: where others can see and press the card (a Teams channel), their press
 * answers for them and leaves this card alone.
 */
export function csatAnswersMessage(
  survey: Survey,
  answers: ReadonlyMap<string, number>,
  last: { question: CsatQuestion; score: number; outcome: AnswerOutcome },
  cardOf: string,
): Message {
  const questions = Object.entries(CSAT_QUESTIONS) as [CsatQuestion, string][];
  const said = lead(last.outcome, `${last.score} for ${last.question.toUpperCase()}`);
  const mine = questions.map(([q]) => `${q.toUpperCase()} ${answers.get(q) ?? '—'}`).join(' · ');
  const open = questions.filter(([q]) => !answers.has(q)).map(([q]) => q.toUpperCase());
  const status = open.length === 0 ? 'All three answered: thank you!' : `Still open: ${open.join(', ')}. You can answer here.`;
  const blocks = [text(`🙏 ${said}${survey.anonymous ? ' Your answers are anonymous.' : ''}`), context(`Your answers: ${mine}. ${status}`)];
  for (const [q, wording] of questions) {
    blocks.push(text(`**${q.toUpperCase()}.** ${wording}`));
    blocks.push(actions([1, 2, 3, 4, 5].map((n) => button('survey.answer', String(n), answerValue(survey, q, n, cardOf), answers.get(q) === n ? 'primary' : undefined))));
  }
  blocks.push(context(CSAT_OPEN_QUESTION));
  blocks.push(actions([button('survey.reason', 'Add a comment', survey.id)]));
  return message(`${said} Your answers: ${mine}`, blocks, { audience: 'customer' });
}

/**
 * A survey figure as NPS is written on the account card and in /kpis (+20, 0, -5), and
 * its change since the last survey likewise: not formatChange (−5, ±0), which is for
 * changes of a health score or a count.
 */
function withPlusSign(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

export function resultsMessage(results: SurveyResults, account: Account, minimum: number): Message {
  const { survey } = results;
  const title = `Survey #${survey.number} · ${survey.kind.toUpperCase()} · ${account.name}`;
  const status = survey.status === 'open' ? 'open' : 'closed';
  const blocks = [header(title), context(`${results.respondents} response${results.respondents === 1 ? '' : 's'} · ${status}${survey.anonymous ? ' · anonymous' : ''}`)];
  if (!results.visible) {
    blocks.push(text(`Results appear after ${minimum} responses (${results.respondents} so far), so nobody can be singled out.`));
    return message(`${title}: results appear after ${minimum} responses`, blocks);
  }
  if (results.respondents === 0) {
    blocks.push(text('No responses yet.'));
    return message(`${title}: no responses yet`, blocks);
  }
  let headline = '';
  if (results.nps && results.nps.score !== null) {
    const n = results.nps;
    // Rounded so that promoters % − detractors % as shown is the NPS shown (core/nps.ts).
    const shown = npsPercentages(n)!;
    headline = `NPS ${withPlusSign(n.score!)}`;
    blocks.push(
      fields([
        field('NPS', withPlusSign(n.score!)),
        field('Promoters (9–10)', `${n.promoters} (${shown.promoters}%)`),
        field('Passives (7–8)', `${n.passives} (${shown.passives}%)`),
        field('Detractors (0–6)', `${n.detractors} (${shown.detractors}%)`),
      ]),
    );
  }
  const overall = results.csat?.overall;
  if (results.csat && overall) {
    const c = results.csat;
    headline = `CSAT ${formatCsat(overall)}`;
    const q = (v: CsatMean | null) => (v === null ? 'no answers' : formatCsat(v));
    blocks.push(
      fields([
        field('CSAT (average of Q1–Q3)', formatCsat(overall)),
        field('Q1 overall satisfaction', q(c.perQuestion.q1)),
        field('Q2 value for resources', q(c.perQuestion.q2)),
        field('Q3 team performance', q(c.perQuestion.q3)),
        field('Recognition threshold', overall.threshold === null ? 'below 4.2' : `${overall.threshold} reached`),
      ]),
    );
  }
  if (results.previous) {
    const p = results.previous;
    // CSAT compared as shown (hundredths, truncated): the change is the difference of the two figures shown.
    const now = results.nps?.score ?? (results.csat?.overall ? results.csat.overall.hundredths / 100 : null);
    if (p.score !== null && now !== null) {
      const delta = survey.kind === 'nps' ? withPlusSign(now - p.score) : withPlusSign(Math.round((now - p.score) * 100) / 100);
      blocks.push(context(`Change since survey #${p.number}: ${delta} (was ${survey.kind === 'nps' ? withPlusSign(p.score) : p.score.toFixed(2)})`));
    } else blocks.push(context(`Survey #${p.number} before it has no score to compare with.`));
  } else blocks.push(context('The first survey of this kind for the account.'));
  if (results.reasons.length > 0) {
    const lines = results.reasons.map((r) => {
      const who = r.name ? `@${r.name}${r.score !== null ? ` (${r.score})` : ''}: ` : '';
      return `• ${who}“${r.text}”`;
    });
    blocks.push(text(['**Reasons and comments**', ...lines].join('\n')));
  }
  return message(`${title}: ${headline}`, blocks);
}

export function listLine(survey: Survey & { respondents: number }, accountName: string, timezone: string): string {
  const state = survey.status === 'open' ? `open until ${localDate(survey.closesAt, timezone)}` : 'closed';
  return `**#${survey.number}** ${survey.kind.toUpperCase()} · ${accountName} · ${localDate(survey.openedAt, timezone)} · ${survey.respondents} response${survey.respondents === 1 ? '' : 's'} · ${state}${survey.anonymous ? ' · anonymous' : ''}`;
}
