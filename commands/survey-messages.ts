// How surveys look as neutral messages: the question posted in the channel (with
// its tally, never individual scores), the private thanks, and the results.
import type { Account } from '../src/core/accounts.js';
import { CSAT_OPEN_QUESTION, CSAT_QUESTIONS, type CsatQuestion } from '../src/core/csat.js';
import { npsCategory } from '../src/core/nps.js';
import type { Survey, SurveyResults } from '../src/core/surveys.js';
import { formatDay, localDate } from '../src/core/time.js';
import { actions, button, context, field, fields, header, message, text } from '../src/messages/builders.js';
import type { Message } from '../src/messages/message.js';

export const NPS_QUESTION = 'How likely is it that you would recommend us to a friend or colleague?';

const answerValue = (survey: Survey, question: string, score: number) => `${survey.id}:${question}:${score}`;

function tally(survey: Survey, respondents: number, timezone: string, open: boolean): string {
  const parts = [`Survey #${survey.number}`];
  if (survey.anonymous) parts.push('anonymous: nobody sees who answered what');
  parts.push(respondents === 0 ? 'no responses yet' : `${respondents} response${respondents === 1 ? '' : 's'} so far`);
  parts.push(open ? `open until ${formatDay(localDate(survey.closesAt, timezone))}` : 'closed');
  return parts.join(' · ');
}

/** The survey as posted in the channel; re-rendered with the new tally after each answer. */
export function surveyMessage(survey: Survey, account: Account, respondents: number, options: { timezone: string; open: boolean }): Message {
  const blocks = [header(`${survey.kind === 'nps' ? 'A quick question' : 'How are we doing?'} — ${account.name}`)];
  if (survey.kind === 'nps') {
    blocks.push(text(`**${NPS_QUESTION}**\n0 = not at all likely, 10 = extremely likely. One click; you can change it until the survey closes.`));
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
  return message(`Survey #${survey.number} about ${account.name}`, blocks, { visibility: 'channel' });
}

export function thanksMessage(survey: Survey, question: string, score: number, changed: boolean): Message {
  const what =
    survey.kind === 'nps'
      ? `${score} (${npsCategory(score)})`
      : `${score} for ${question.toUpperCase()}`;
  const lead = changed ? `Changed your answer to ${what}.` : `Thank you! You answered ${what}.`;
  const prompt = survey.kind === 'nps' ? 'Would you tell us why? It helps us act on it.' : CSAT_OPEN_QUESTION;
  return message(lead, [
    text(`🙏 ${lead}${survey.anonymous ? ' Your answer is anonymous.' : ''}`),
    context(prompt),
    actions([button('survey.reason', survey.kind === 'nps' ? 'Add a reason' : 'Add a comment', survey.id, 'primary')]),
  ]);
}

function pct(part: number, total: number): string {
  return `${Math.round((part / total) * 100)}%`;
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
    headline = `NPS ${withPlusSign(n.score!)}`;
    blocks.push(
      fields([
        field('NPS', withPlusSign(n.score!)),
        field('Promoters (9–10)', `${n.promoters} (${pct(n.promoters, n.total)})`),
        field('Passives (7–8)', `${n.passives} (${pct(n.passives, n.total)})`),
        field('Detractors (0–6)', `${n.detractors} (${pct(n.detractors, n.total)})`),
      ]),
    );
  }
  if (results.csat && results.csat.overall !== null) {
    const c = results.csat;
    headline = `CSAT ${c.overall!.toFixed(2)}`;
    const q = (v: number | null) => (v === null ? 'no answers' : v.toFixed(2));
    blocks.push(
      fields([
        field('CSAT (average of Q1–Q3)', c.overall!.toFixed(2)),
        field('Q1 overall satisfaction', q(c.perQuestion.q1)),
        field('Q2 value for resources', q(c.perQuestion.q2)),
        field('Q3 team performance', q(c.perQuestion.q3)),
        field('Recognition threshold', c.threshold === null ? 'below 4.2' : `${c.threshold} reached`),
      ]),
    );
  }
  if (results.previous) {
    const p = results.previous;
    const now = results.nps?.score ?? results.csat?.overall ?? null;
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
