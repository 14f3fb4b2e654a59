// /survey: post NPS or CSAT surveys in the channel, take one-click answers and
// reasons, show results, list, close, and the workspace's survey settings.
import { z } from 'zod';
import { alertRoute, routeTarget } from '../src/core/channel-kinds.js';
import { partnerNameFor } from '../src/core/settings.js';
import { getAccount, resolveAccount, type Account } from '../src/core/accounts.js';
import { refuseSurveyOfChurned } from '../src/core/churned-accounts.js';
import { UserError } from '../src/core/errors.js';
import { isCsatQuestion } from '../src/core/csat.js';
import { UUID_PATTERN } from '../src/core/ids.js';
import { npsCategory } from '../src/core/nps.js';
import {
  answersOf,
  anonymityKey,
  closeSurvey,
  isOpen,
  listSurveys,
  recentlyAsked,
  recordAnswer,
  recordReason,
  respondentCount,
  respondentKeyFor,
  respondentTag,
  notAnsweredError,
  startSurvey,
  surveyById,
  surveyByNumber,
  surveyResults,
  surveySettings,
  respondentError,
  surveyWithdrawnError,
  SURVEY_WITHDRAWN,
  type Survey,
} from '../src/core/surveys.js';
import { claimRun } from '../src/core/ledger.js';
import { context, message, notice, text } from '../src/messages/builders.js';
import type { Delivery, FormSubmission, Reply } from '../src/messages/message.js';
import type { CommandContext } from './context.js';
import { joinWords, lengthSentence, parseShortId, splitOptions, type Token } from './parse.js';

/** The longest reason a respondent may give (the column holds more; a reason is a few sentences). */
const REASON_MAX_CHARS = 2000;
import type { CommandDefinition } from './registry.js';
import { surveySettingsCommand } from './survey-settings.js';
import { subcommandBeforeAccount } from './word-order.js';
import { closingMessage, csatAnswersMessage, listLine, resultsMessage, surveyMessage, thanksMessage, withdrawnMessage } from './survey-messages.js';
import { SURVEY_UNDO_ACTIONS, withCloseUndo, withStartUndo } from './survey-undo.js';
import { customerChannelName, inCustomerChannel, standingOf } from './customer-channel.js';
import { daysBefore, formatDay, localDate } from '../src/core/time.js';

const USAGE = {
  start: '/survey <nps|csat> <account> [anonymous=yes] [force=yes]',
  results: '/survey results <id>',
  list: '/survey list [account]',
  close: '/survey close <id>',
  settings: '/survey settings [close=7] [fatigue=30] [minimum=3] [auto=on|off] [lead=120]',
};
const EXAMPLE = {
  start: '/survey nps "Acme Corp"',
  results: '/survey results 4',
  list: '/survey list "Acme Corp"',
  close: '/survey close #4',
  settings: '/survey settings fatigue=45 auto=on lead=120',
};

const yesNo = z.enum(['yes', 'no', 'true', 'false', 'on', 'off']).transform((v) => v === 'yes' || v === 'true' || v === 'on');

/** The person answering, as the platform signed them in: never taken from the payload's values. */
const identityOf = (ctx: CommandContext) => `${ctx.workspace.platform}:${ctx.user.platformUserId}`;

async function respondentKey(ctx: CommandContext, survey: Survey): Promise<string> {
  return respondentKeyFor(survey, identityOf(ctx), survey.anonymous ? await anonymityKey(ctx.db, ctx.workspace.id) : null);
}

async function surveyFromArg(ctx: CommandContext, args: Token[], which: keyof typeof USAGE): Promise<Survey> {
  const raw = joinWords(args);
  const number = parseShortId(raw);
  if (number === null) throw new UserError(raw ? `"${raw}" is not a survey id.` : 'Which survey? Give its number.', { usage: USAGE[which], example: EXAMPLE[which] });
  const survey = await surveyByNumber(ctx.db, ctx.workspace.id, number);
  if (!survey) throw new UserError(`There is no survey #${number}.`, { hint: 'See /survey list for the surveys of this workspace.', usage: USAGE[which], example: EXAMPLE[which] });
  return survey;
}

async function start(ctx: CommandContext, kind: 'nps' | 'csat', args: Token[]): Promise<Reply> {
  const { words, options, unknown } = splitOptions(args, ['anonymous', 'force'], { anon: 'anonymous' });
  if (unknown[0]) throw new UserError(`Unknown option "${unknown[0].key}".`, { hint: 'Options: anonymous=yes, force=yes.', usage: USAGE.start, example: EXAMPLE.start });
  const parsed = z.object({ anonymous: yesNo.optional(), force: yesNo.optional() }).safeParse(options);
  if (!parsed.success) throw new UserError(`${String(parsed.error.issues[0]!.path[0])} takes yes or no.`, { usage: USAGE.start, example: EXAMPLE.start });
  const name = joinWords(words);
  if (!name) throw new UserError('Which account is the survey about?', { usage: USAGE.start, example: EXAMPLE.start });
  const account = await resolveAccount(ctx.db, ctx.workspace.id, name);
  refuseSurveyOfChurned(account);
  if (account.archivedAt) {
    // Its answers would count in no KPI and alert nobody: an archived account is out of the portfolio.
    throw new UserError(`${account.name} is archived: Tenure does not survey an archived account.`, {
      hint: `Its earlier surveys stay: /survey list "${account.name}". Bring it back first with /account restore "${account.name}" (admins).`,
      usage: USAGE.start,
      example: EXAMPLE.start,
    });
  }
  // A customer reads their own channel: another customer's survey would name that customer to them.
  const here = await standingOf(ctx);
  if (here?.kind === 'customer' && here.account && here.account.id !== account.id) {
    throw new UserError(`This is ${customerChannelName(here)}: a survey about ${account.name} is not posted here.`, {
      hint: `Post it in ${account.name}’s own customer channel, or link one with /account link "${account.name}" there.`,
      usage: USAGE.start,
      example: EXAMPLE.start,
    });
  }
  const settings = surveySettings(ctx.workspace);

  // Don't bombard customers: the same people are not asked about the same account twice in the window.
  if (!parsed.data.force && settings.fatigueDays > 0) {
    const asked = await recentlyAsked(ctx.db, ctx.workspace.id, account.id, daysBefore(ctx.now, settings.fatigueDays));
    const who = [...asked.names.map((n) => `@${n}`), ...(asked.anonymous > 0 ? [`${asked.anonymous} anonymous respondent${asked.anonymous === 1 ? '' : 's'}`] : [])];
    if (who.length > 0) {
      throw new UserError(`${who.join(', ')} already answered a survey about ${account.name} in the last ${settings.fatigueDays} days (survey #${asked.lastNumber}).`, {
        hint: `They would be asked again. Add force=yes to post it anyway: ${USAGE.start.replace('<nps|csat>', kind).replace('<account>', `"${account.name}"`).replace(' [anonymous=yes] [force=yes]', '')} force=yes`,
        usage: USAGE.start,
        example: EXAMPLE.start,
      });
    }
  }
  const survey = await ctx.db.transaction((tx) =>
    startSurvey(tx, ctx.workspace.id, {
      accountId: account.id,
      kind,
      channelId: ctx.channel.id,
      anonymous: parsed.data.anonymous ?? false,
      openedByUserId: ctx.user.id,
      now: ctx.now,
      closeAfterDays: settings.closeAfterDays,
    }),
  );
  // The survey is written for the customer; its number and commands are told to the person who started it.
  const started = `Survey #${survey.number} about ${account.name} is open until ${formatDay(localDate(survey.closesAt, ctx.workspace.timezone))}.`;
  return {
    messages: [
      surveyMessage(survey, 0, { timezone: ctx.workspace.timezone, open: true, partner: partnerNameFor(ctx.workspace) }),
      withStartUndo(ctx, message(started, [text(`🗳️ ${started}`), context(`Results: /survey results ${survey.number} · close it early: /survey close ${survey.number}`)]), survey),
    ],
  };
}

/**
 * An answer button's value, `<survey id>:<question>:<score>`, split at its colons; a
 * button on a respondent's private CSAT card adds `:<respondent tag>`.
 */
const answerParts = [z.string().regex(UUID_PATTERN), z.string().regex(/^(nps|q1|q2|q3)$/i).transform((q) => q.toLowerCase()), z.string().regex(/^\d{1,2}$/)] as const;
const answerValue = z.union([z.tuple([...answerParts]), z.tuple([...answerParts, z.string().regex(/^[0-9a-f]{16}$/)])]);

/** Where a low score is reported: where the account's alerts go, never where the customer reads. */
async function lowScoreAlert(ctx: CommandContext, survey: Survey, account: Account, respondentKey: string, score: number, reason: string | null): Promise<Delivery[]> {
  // An archived account gets no alert (its survey, open when it was archived, still takes answers: they are kept).
  if (account.archivedAt) return [];
  const route = await alertRoute(ctx.db, ctx.workspace.id, account.id);
  if (!route) return [];
  const target = routeTarget(route);
  // Once per person per survey, and once more when they give a reason.
  const claim = await claimRun(ctx.db, { jobName: 'survey-low-score', periodKey: `${survey.id}:${respondentKey}${reason ? ':reason' : ''}`, workspaceId: ctx.workspace.id, now: ctx.now });
  if (!claim) return [];
  const who = survey.anonymous ? 'Someone (anonymous)' : `@${ctx.user.displayName}`;
  const what = survey.kind === 'nps' ? `${score} on NPS (${npsCategory(score)})` : `${score} of 5 on CSAT`;
  const lines = [`⚠️ ${who} answered ${what} in survey #${survey.number} about **${account.name}**.`];
  if (reason) lines.push(`> ${reason}`);
  const alert = message(`Low score for ${account.name} in survey #${survey.number}`, [text(lines.join('\n')), context(`See /survey results ${survey.number} · act on it with /checkin "${account.name}" call …`)], {
    visibility: 'channel',
  });
  return [{ channelId: target, message: alert }];
}

async function answer(ctx: CommandContext, value: string): Promise<Reply> {
  const parsed = answerValue.safeParse(value.split(':'));
  if (!parsed.success) throw respondentError('That answer button is not valid any more. Please use the survey message again.');
  const [surveyId, question, scoreText, cardOf] = parsed.data;
  const score = Number(scoreText);
  const survey = await surveyById(ctx.db, ctx.workspace.id, surveyId);
  if (!survey) throw respondentError('That survey no longer exists.');
  if (survey.status === 'withdrawn') {
    // The press replaces the survey it was on (a private CSAT card stays private).
    const withdrawn = withdrawnMessage(partnerNameFor(ctx.workspace));
    return { messages: [notice(SURVEY_WITHDRAWN, { tone: 'info' })], update: cardOf === undefined ? withdrawn : { ...withdrawn, visibility: 'ephemeral' } };
  }
  const range = survey.kind === 'nps' ? [0, 10] : [1, 5];
  if ((survey.kind === 'nps') !== (question === 'nps') || score < range[0]! || score > range[1]!) throw respondentError('That answer does not fit this survey.');
  const account = (await getAccount(ctx.db, ctx.workspace.id, survey.accountId))!;
  const key = await respondentKey(ctx, survey);
  const { outcome } = await recordAnswer(ctx.db, ctx.workspace.id, survey, {
    respondentKey: key,
    respondentUserId: survey.anonymous ? null : ctx.user.id,
    question,
    score,
    now: ctx.now,
  });
  const low = survey.kind === 'nps' ? score <= 6 : score <= 2;
  const alerts = low ? { deliveries: await lowScoreAlert(ctx, survey, account, key, score, null) } : {};
  const tally = async () => surveyMessage(survey, await respondentCount(ctx.db, survey.id), { timezone: ctx.workspace.timezone, open: true, partner: partnerNameFor(ctx.workspace) });
  if (!isCsatQuestion(question)) return { messages: [thanksMessage(survey, score, outcome)], update: await tally(), ...alerts };

  // CSAT: one private card per respondent. A press on it replaces it; a press on the
  // channel's survey brings it (again: a platform may not let us change a private
  // message from a press elsewhere) and updates the tally. A press on someone else's
  // card (visible to others in a Teams channel) answers for the presser and leaves
  // that card as it was.
  const mine = respondentTag(key);
  const card = csatAnswersMessage(survey, await answersOf(ctx.db, survey.id, key), { question, score, outcome }, mine);
  if (cardOf === mine) return { messages: [], update: card, ...alerts };
  return { messages: [card], ...(cardOf === undefined ? { update: await tally() } : {}), ...alerts };
}

async function reasonForm(ctx: CommandContext, surveyId: string): Promise<Reply> {
  const survey = await surveyById(ctx.db, ctx.workspace.id, surveyId);
  if (!survey) throw respondentError('That survey no longer exists.');
  if (survey.status === 'withdrawn') throw surveyWithdrawnError();
  if (!isOpen(survey, ctx.now)) throw respondentError('This survey is closed, so comments can no longer be added.');
  if ((await answersOf(ctx.db, survey.id, await respondentKey(ctx, survey))).size === 0) throw notAnsweredError(survey);
  return {
    messages: [],
    form: {
      id: 'survey.reason',
      title: survey.kind === 'nps' ? 'Tell us why' : 'Add a comment',
      submitLabel: 'Send',
      state: { surveyId: survey.id },
      fields: [
        {
          id: 'reason',
          label: survey.kind === 'nps' ? 'What is the main reason for your score?' : 'What would you want prospective clients to know about your experience?',
          kind: 'textarea',
          required: true,
        },
      ],
    },
  };
}

async function submitReason(ctx: CommandContext, values: Record<string, string>, state: Record<string, string>): Promise<FormSubmission> {
  const reason = (values.reason ?? '').trim();
  if (!reason) return { ok: false, errors: { reason: 'Write a sentence or two — or close the form.' } };
  if (reason.length > REASON_MAX_CHARS) return { ok: false, errors: { reason: lengthSentence('reason', reason.length, REASON_MAX_CHARS) } };
  const survey = await surveyById(ctx.db, ctx.workspace.id, state.surveyId ?? '');
  if (!survey) throw respondentError('That survey no longer exists.');
  const key = await respondentKey(ctx, survey);
  await recordReason(ctx.db, ctx.workspace.id, survey, { respondentKey: key, respondentUserId: survey.anonymous ? null : ctx.user.id, reason, now: ctx.now });
  const account = (await getAccount(ctx.db, ctx.workspace.id, survey.accountId))!;
  const score = (await answersOf(ctx.db, survey.id, key)).get(survey.kind === 'nps' ? 'nps' : 'q1') ?? null;
  const low = score !== null && (survey.kind === 'nps' ? score <= 6 : score <= 2);
  return {
    ok: true,
    reply: {
      messages: [notice('Thank you — your comment was recorded.', { tone: 'success' })],
      ...(low ? { deliveries: await lowScoreAlert(ctx, survey, account, key, score!, reason) } : {}),
    },
  };
}

/** A withdrawn survey has no results and nothing to close: said so, with what to type instead. */
function refuseWithdrawn(survey: Survey, timezone: string): void {
  if (survey.status !== 'withdrawn') return;
  const when = survey.closedAt ? ` on ${formatDay(localDate(survey.closedAt, timezone))}` : '';
  throw new UserError(`Survey #${survey.number} was withdrawn${when} before anyone answered: it has no results and counts nowhere.`, { hint: 'See the other surveys with /survey list.', usage: '', example: '' });
}

async function results(ctx: CommandContext, args: Token[]): Promise<Reply> {
  const survey = await surveyFromArg(ctx, args, 'results');
  refuseWithdrawn(survey, ctx.workspace.timezone);
  const settings = surveySettings(ctx.workspace);
  const account = (await getAccount(ctx.db, ctx.workspace.id, survey.accountId))!;
  return { messages: [resultsMessage(await surveyResults(ctx.db, ctx.workspace.id, survey, settings), account, settings.anonymousMinimum)] };
}

async function list(ctx: CommandContext, args: Token[]): Promise<Reply> {
  const name = joinWords(args);
  const account = name ? await resolveAccount(ctx.db, ctx.workspace.id, name) : undefined;
  const rows = await listSurveys(ctx.db, ctx.workspace.id, { ...(account ? { accountId: account.id } : {}), limit: 25 });
  if (rows.length === 0) return { messages: [notice(account ? `No surveys about ${account.name} yet. Start one with /survey nps "${account.name}".` : 'No surveys yet. Start one with /survey nps "Acme Corp".', { tone: 'info' })] };
  const names = new Map<string, string>();
  for (const r of rows) if (!names.has(r.accountId)) names.set(r.accountId, (await getAccount(ctx.db, ctx.workspace.id, r.accountId))?.name ?? '?');
  const lines = rows.map((r) => listLine(r, names.get(r.accountId)!, ctx.workspace.timezone));
  return { messages: [message(`Surveys (${rows.length})`, [text(`**Surveys${account ? ` about ${account.name}` : ''}** (latest ${rows.length})`), text(lines.join('\n')), context('Results: /survey results <id>')])] };
}

async function close(ctx: CommandContext, args: Token[]): Promise<Reply> {
  const survey = await surveyFromArg(ctx, args, 'close');
  refuseWithdrawn(survey, ctx.workspace.timezone);
  const account = (await getAccount(ctx.db, ctx.workspace.id, survey.accountId))!;
  const closed = await ctx.db.transaction((tx) => closeSurvey(tx, ctx.workspace.id, survey, { userId: ctx.user.id, now: ctx.now }));
  if (!closed) return { messages: [notice(`Survey #${survey.number} was already closed. See /survey results ${survey.number}.`, { tone: 'info' })] };
  const respondents = await respondentCount(ctx.db, survey.id);
  const confirmation = withCloseUndo(
    ctx,
    message(
      `Closed survey #${survey.number} about ${account.name}.`,
      [text(`✅ Closed survey #${survey.number} about **${account.name}** with ${respondents} response${respondents === 1 ? '' : 's'}.`), context(`See /survey results ${survey.number}`)],
      { visibility: 'channel', tone: 'success' },
    ),
    survey,
  );
  // Where the customer reads, they are told in their words; the confirmation is the closer's alone.
  const closedHere = survey.channelId === ctx.channel.id && (await inCustomerChannel(ctx));
  return { messages: closedHere ? [closingMessage(respondents, partnerNameFor(ctx.workspace)), confirmation] : [confirmation] };
}

export const surveyCommand: CommandDefinition = {
  name: 'survey',
  summary: 'Post an NPS or CSAT survey in this channel; see results, list, close.',
  usage: [USAGE.start, USAGE.results, USAGE.list, USAGE.close, USAGE.settings],
  examples: [EXAMPLE.start, '/survey csat Globex anonymous=yes', EXAMPLE.results, EXAMPLE.close],
  async run(ctx, typed) {
    // `/survey "Acme Corp" nps` reads as `/survey nps "Acme Corp"`.
    const args = await subcommandBeforeAccount(ctx, typed, ['nps', 'csat'], ['results', 'result', 'list', 'close', 'settings']);
    const first = args[0];
    const sub = first && !first.quoted && first.key === undefined ? first.text.toLowerCase() : '';
    const rest = args.slice(1);
    if (sub === 'nps' || sub === 'csat') return start(ctx, sub, rest);
    if (sub === 'results' || sub === 'result') return results(ctx, rest);
    if (sub === 'list' || sub === '') return list(ctx, rest);
    if (sub === 'close') return close(ctx, rest);
    if (sub === 'settings') return surveySettingsCommand(ctx, rest, USAGE.settings, EXAMPLE.settings);
    throw new UserError(`"${first!.text}" is not a survey command.`, { hint: 'Start with /survey nps <account> or /survey csat <account>.', usage: USAGE.start, example: EXAMPLE.start });
  },
  actions: {
    'survey.answer': (ctx, value) => answer(ctx, value),
    'survey.reason': (ctx, value) => reasonForm(ctx, value),
    ...SURVEY_UNDO_ACTIONS,
  },
  forms: {
    'survey.reason': (ctx, values, state) => submitReason(ctx, values, state),
  },
};
