// /checkin: log a customer touch by text, or through a form when typed bare.
import { z } from 'zod';
import { CHECKIN_TYPES, SENTIMENTS } from '../db/schema.js';
export { checkinForm } from './checkin-form.js';
import { accountForChannel, getAccount, type Account } from '../src/core/accounts.js';
import { logCheckin, logCheckinByReading, type Checkin, type CheckinReading, type CheckinType, type Sentiment, type TouchDetails } from '../src/core/checkins.js';
import { UserError } from '../src/core/errors.js';
import { checkAccountName } from '../src/core/names.js';
import { daysBetween, formatDay, localDate, zonedInstant } from '../src/core/time.js';
import { actions, button, context, message, text } from '../src/messages/builders.js';
import type { FormSubmission, Reply } from '../src/messages/message.js';
import { accountFromForm, splitAccountAndKeyword } from './account-input.js';
import { checkinForm, NOTE_MAX_CHARS, sourceFromState, type MessageSource } from './checkin-form.js';
import { CHECKIN_FROM_MESSAGE_ACTIONS } from './checkin-from-message.js';
import { againSchema, CHANGE_EXAMPLE, CHANGE_USAGE, CHECKIN_CHANGE_ACTIONS, CHECKIN_CHANGE_FORMS, duplicateQuestion, editForm, undoLast, undoLine } from './checkin-changes.js';
import { findCheckin } from '../src/core/checkin-changes.js';
import type { CommandContext } from './context.js';
import { dateSchema, enumSchema, gatherDatePhrases, joinWords, lengthSentence, readsAsDate, splitOptions, textSchema, verbatimText, type DateContext, type Token } from './parse.js';
import type { CommandDefinition } from './registry.js';
import { withChurnedNote } from './churned.js';
import { checkForm } from './form-input.js';
import { accountBeforeKeyword } from './word-order.js';
import { undoValue } from './undo-value.js';

const USAGE = '/checkin <account> <call|meeting|email|qbr|kickoff|review|other> <notes…> [sentiment=positive|neutral|negative] [next=fri|in 2 weeks|31 Mar] [date=yesterday]';
const EXAMPLE = '/checkin "Acme Corp" call Walked through the backup runbook; they want DR next sentiment=positive next=in 2 weeks';
const KEYS = ['sentiment', 'next', 'date'] as const;

const notesSchema = textSchema('note', NOTE_MAX_CHARS);

// A touch has happened (date=fri is the last Friday); its next step is ahead (next=fri is the coming one).
const optionsSchema = (at: DateContext) =>
  z.object({
    sentiment: enumSchema(SENTIMENTS, 'sentiment').optional(),
    next: dateSchema(at, 'future').optional(),
    date: dateSchema(at, 'past').optional(),
  });

/** A form's optional date field: empty, or a date as people write it. */
const optionalDate = (at: DateContext, direction: 'past' | 'future') => z.string().trim().pipe(z.union([z.literal(''), dateSchema(at, direction)]));

interface TouchRequest {
  type: CheckinType;
  notes: string;
  sentiment: Sentiment;
  /** Calendar date of the touch in the workspace's zone; today when absent. */
  date?: string;
  next: string | null;
}

interface CheckinRequest extends TouchRequest {
  account: Account;
  /** Where a touch logged from a chat message came from (the form's state carries it). */
  source?: MessageSource;
}

const isType = (t: Token) => !t.quoted && t.key === undefined && (CHECKIN_TYPES as readonly string[]).includes(t.text.toLowerCase());

async function splitAccountAndType(ctx: CommandContext, words: Token[]): Promise<{ account: Account; typeIndex: number }> {
  if (words.length === 0) throw new UserError('Which account, and what kind of touch?');
  const { account, keywordIndex } = await splitAccountAndKeyword(ctx, words, isType, (_found, account) => missingType(words, account));
  return { account, typeIndex: keywordIndex };
}

/**
 * No touch type right after the account. A kind typed last (`"Acme Corp" Walked
 * through the runbook call`) is not taken from the end of the note, where it may
 * belong ("…sent the follow-up email"): the answer shows the line in order instead.
 */
function missingType(words: Token[], account: Account | undefined): UserError {
  const last = words[words.length - 1];
  const inOrder = account && words[0]?.quoted && words.length > 2 && last && isType(last) ? `/checkin "${account.name}" ${last.text.toLowerCase()} ${verbatimText(words.slice(1, -1))}` : undefined;
  return new UserError(`Say what kind of touch it was: ${CHECKIN_TYPES.join(', ')}.`, {
    hint: inOrder ? `Put it right after the account name: ${inOrder}` : 'Put it right after the account name; quote names with spaces if that is ambiguous.',
  });
}

/** What is wrong with a touch's dates, if anything: a touch in the future, or a next step before the touch. */
function touchDateProblem(ctx: CommandContext, date: string | undefined, next: string | null): UserError | undefined {
  const today = localDate(ctx.now, ctx.workspace.timezone);
  if (date && daysBetween(today, date) > 0) return new UserError(`date=${date} is in the future: log a touch once it has happened.`);
  const touchDay = date ?? today;
  if (next && daysBetween(touchDay, next) < 0) return new UserError(`next=${next} is before the touch itself; the next step must come after ${touchDay}.`);
  return undefined;
}

/**
 * The details of a touch whose dates are fine (its moment: now for today, otherwise
 * midday of that date in the workspace's zone) and how the answer says when.
 */
function touchOf(ctx: CommandContext, request: Omit<TouchRequest, 'type' | 'notes'>): { details: TouchDetails; when: string } {
  const today = localDate(ctx.now, ctx.workspace.timezone);
  const touchDay = request.date ?? today;
  return {
    details: {
      userId: ctx.user.id,
      occurredAt: touchDay === today ? ctx.now : zonedInstant(touchDay, '12:00', ctx.workspace.timezone),
      sentiment: request.sentiment,
      nextStepDate: request.next,
      channelId: ctx.channel.id,
    },
    when: touchDay === today ? 'today' : formatDay(touchDay),
  };
}

/** `force`: the person said a touch identical to one logged that day is another one (the duplicate question's button). */
async function record(ctx: CommandContext, request: CheckinRequest, force = false): Promise<Reply> {
  const problem = touchDateProblem(ctx, request.date, request.next);
  if (problem) throw problem;
  const { details, when } = touchOf(ctx, request);
  const source = { sourceAuthor: request.source?.author ?? null, sourceLink: request.source?.link ?? null };
  const { checkin, previous, duplicate } = await logCheckin(ctx.db, ctx.workspace.id, { ...details, ...source, accountId: request.account.id, type: request.type, notes: request.notes }, ctx.now, {
    timezone: ctx.workspace.timezone,
    force,
  });
  if (duplicate) {
    const again = { sentiment: request.sentiment, next: request.next, ...(request.date ? { date: request.date } : {}), ...(request.source?.author ? { sourceAuthor: request.source.author } : {}), ...(request.source?.link ? { sourceLink: request.source.link } : {}) };
    return duplicateQuestion(ctx, request.account.name, duplicate, again);
  }
  return { messages: [withChurnedNote(confirmation(ctx, request.account, checkin, previous, when), request.account, 'check-in')] };
}

/**
 * The ways the words may name the account, in the order splitAccountAndKeyword
 * (account-input.ts) tries them, each with the touch type and note it leaves: the
 * channel's linked account when the type comes first, a quoted name, or the words
 * before each touch type. The write takes the first that names an account, so the
 * lookup and the write are one statement however the name was typed.
 */
function readingsOf(ctx: CommandContext, words: Token[]): CheckinReading[] {
  const reading = (account: CheckinReading['account'], typeIndex: number): CheckinReading => {
    const notes = notesSchema.safeParse(verbatimText(words.slice(typeIndex + 1)));
    return { account, type: words[typeIndex]!.text.toLowerCase() as CheckinType, notes: notes.success ? notes.data : null };
  };
  const first = words[0];
  if (!first) return [];
  if (first.quoted) {
    const name = checkAccountName(first.text);
    return name.ok && words[1] && isType(words[1]) ? [reading({ name: name.name }, 1)] : [];
  }
  const readings = isType(first) ? [reading({ linkedTo: ctx.channel.id, unlessNamed: first.text }, 0)] : [];
  words.forEach((word, i) => {
    if (i > 0 && isType(word)) readings.push(reading({ name: joinWords(words.slice(0, i)) }, i));
  });
  return readings;
}

/**
 * Why nothing was logged, in the order a reader checks: the account (with close
 * names when it is unknown), the touch type, the note, the dates. Reads only.
 */
async function whyNotLogged(ctx: CommandContext, words: Token[], dateProblem: UserError | undefined): Promise<UserError> {
  const { account, typeIndex } = await splitAccountAndType(ctx, words);
  const type = words[typeIndex]!.text.toLowerCase();
  const notes = notesSchema.safeParse(verbatimText(words.slice(typeIndex + 1)));
  if (!notes.success) {
    const problem = notes.error.issues[0]!.message;
    // Too long is said the same way here as in the form (parse.ts lengthProblem).
    if (words.length > typeIndex + 1) return new UserError(`${problem[0]!.toUpperCase()}${problem.slice(1)}.`);
    return new UserError(`Add a note about the ${type}: ${problem}.`, {
      hint: `What was discussed? e.g. /checkin "${account.name}" ${type} Reviewed backup coverage`,
    });
  }
  if (dateProblem) return dateProblem;
  // The write found no account where these reads do: it was added or linked in between.
  return new UserError(`${account.name} was added or linked to this channel just now: send the check-in again.`);
}

/** "a call", "an email", "a QBR": how a touch reads in a sentence. */
export function touchPhrase(type: CheckinType): string {
  const phrases: Record<CheckinType, string> = {
    call: 'a call',
    meeting: 'a meeting',
    email: 'an email',
    qbr: 'a QBR',
    kickoff: 'a kickoff',
    review: 'a review',
    other: 'a touch',
  };
  return phrases[type];
}

const SENTIMENT_ICON: Record<Sentiment, string> = { positive: '🟢', neutral: '⚪', negative: '🔴' };

function confirmation(ctx: CommandContext, account: Pick<Account, 'name'>, checkin: Checkin, previous: Checkin | undefined, when: string): Message {
  const tz = ctx.workspace.timezone;
  const touchDay = localDate(checkin.occurredAt, tz);
  const gap = previous
    ? (() => {
        const days = daysBetween(localDate(previous.occurredAt, tz), touchDay);
        const span = days === 0 ? 'the same day as' : `${days} day${days === 1 ? '' : 's'} since`;
        return `${span} the previous touch (${previous.type} on ${formatDay(localDate(previous.occurredAt, tz))})`;
      })()
    : 'the first touch logged for this account';
  const headline = `Logged ${touchPhrase(checkin.type)} with ${account.name} ${when === 'today' ? 'today' : `on ${when}`} — ${gap}.`;
  const details = [`${SENTIMENT_ICON[checkin.sentiment]} ${checkin.sentiment}`, `by @${ctx.user.displayName}`];
  if (checkin.nextStepDate) details.push(`next touch ${formatDay(checkin.nextStepDate)}`);
  if (checkin.sourceAuthor || checkin.sourceLink) {
    details.push(['from a message', checkin.sourceAuthor ? `by ${checkin.sourceAuthor}` : '', checkin.sourceLink ?? ''].filter(Boolean).join(' '));
  }
  return message(
    headline,
    [
      text(`✅ Logged ${touchPhrase(checkin.type)} with **${account.name}** ${when === 'today' ? `today (${formatDay(touchDay)})` : `on ${when}`} — ${gap}.`),
      text(`> ${checkin.notes.replace(/\n/g, '\n> ')}`),
      context([`#${checkin.number}`, ...details].join(' · ')),
      actions([button('checkin.undo', 'Undo', checkin.id)]),
      context(undoLine(ctx, checkin)),
    ],
    { visibility: 'channel', tone: 'success' },
  );
}

type Message = ReturnType<typeof message>;

async function fromText(ctx: CommandContext, args: Token[]): Promise<Reply> {
  const tokens = gatherDatePhrases(args, ['next', 'next_step', 'date', 'on'], (phrase) => readsAsDate(ctx, phrase));
  const { words: typed, options } = splitOptions(tokens, KEYS, { mood: 'sentiment', next_step: 'next', on: 'date' });
  const parsedOptions = optionsSchema(ctx).safeParse(options);
  if (!parsedOptions.success) {
    const issue = parsedOptions.error.issues[0]!;
    throw new UserError(`${String(issue.path[0])}=${options[String(issue.path[0])] ?? ''}: ${issue.message}`);
  }
  const { sentiment = 'neutral', date, next = null } = parsedOptions.data;
  // `/checkin call "Acme Corp" …` reads as `/checkin "Acme Corp" call …`; a kind word later in the note stays in it,
  // and in a linked channel so do unquoted words after the kind (the note of the channel's account).
  const words = await accountBeforeKeyword(ctx, typed, isType, { linkedKeepsWords: true });
  const readings = readingsOf(ctx, words);
  const dateProblem = touchDateProblem(ctx, date, next);
  // One statement finds the account and writes the touch; only when it writes nothing are the reasons looked up.
  if (!dateProblem && readings.some((r) => r.notes !== null)) {
    const touch = touchOf(ctx, { sentiment, date, next });
    const logged = await logCheckinByReading(ctx.db, ctx.workspace.id, readings, touch.details, ctx.now, { timezone: ctx.workspace.timezone });
    if (logged?.duplicate) return duplicateQuestion(ctx, logged.account.name, logged.duplicate, { sentiment, next, ...(date ? { date } : {}) });
    if (logged) return { messages: [withChurnedNote(confirmation(ctx, logged.account, logged.checkin, logged.previous, touch.when), logged.account, 'check-in')] };
  }
  throw await whyNotLogged(ctx, words, dateProblem);
}

const formSchema = (at: DateContext) =>
  z.object({
  account: z.string().trim().min(1, 'Pick an account'),
  type: z.string().trim().refine((v) => (CHECKIN_TYPES as readonly string[]).includes(v.toLowerCase()), 'Pick the kind of touch'),
  date: z.string().trim().pipe(dateSchema(at, 'past')),
  sentiment: z.string().trim().refine((v) => (SENTIMENTS as readonly string[]).includes(v.toLowerCase()), 'Pick a sentiment'),
  notes: z.string().trim().min(1, 'Add a note about the touch').superRefine((v, issue) => {
    if (v.length > NOTE_MAX_CHARS) issue.addIssue({ code: z.ZodIssueCode.custom, message: lengthSentence('note', v.length, NOTE_MAX_CHARS) });
  }),
  next: optionalDate(at, 'future'),
});

async function submitForm(ctx: CommandContext, values: Record<string, string>, state: Record<string, string>): Promise<FormSubmission> {
  const { data: v, errors } = checkForm(formSchema(ctx), { account: '', type: '', date: '', sentiment: 'neutral', notes: '', next: '', ...values });
  let account: Account | undefined;
  if (v) {
    const found = await accountFromForm(ctx, v.account);
    if ('error' in found) errors.account = found.error;
    else account = found.account;
    const today = localDate(ctx.now, ctx.workspace.timezone);
    if (daysBetween(today, v.date) > 0) errors.date = 'The touch must have happened already';
    if (v.next && daysBetween(v.date, v.next) < 0) errors.next = 'The next touch must come after this one';
  }
  if (Object.keys(errors).length > 0 || !v || !account) return { ok: false, errors };
  const reply = await record(ctx, {
    account,
    type: v.type.toLowerCase() as CheckinType,
    notes: v.notes,
    sentiment: v.sentiment.toLowerCase() as Sentiment,
    date: v.date,
    next: v.next || null,
    source: sourceFromState(state),
  });
  return { ok: true, reply };
}

export const checkinCommand: CommandDefinition = {
  name: 'checkin',
  summary: 'Log a customer touch (call, meeting, QBR…); with no arguments, open a form.',
  usage: [USAGE, '/checkin', CHANGE_USAGE.undo, CHANGE_USAGE.edit],
  examples: [EXAMPLE, '/checkin Globex qbr Renewal looks safe; expanding to 20 more seats', '/checkin', CHANGE_EXAMPLE.undo, CHANGE_EXAMPLE.edit],
  async run(ctx, args) {
    if (args.length === 0) {
      // In a customer's channel the form starts on that customer.
      const linked = await accountForChannel(ctx.db, ctx.workspace.id, ctx.channel.id);
      return { messages: [], form: await checkinForm(ctx, linked) };
    }
    // `/checkin undo`, `/checkin edit 12`; an account named Undo still takes touches (its touch type follows).
    const change = !args[0]!.quoted && args[0]!.key === undefined && !args.some(isType) ? args[0]!.text.toLowerCase() : '';
    if (change === 'undo') return undoLast(ctx, args.slice(1));
    if (change === 'edit') return editForm(ctx, args.slice(1));
    return fromText(ctx, args);
  },
  actions: {
    ...CHECKIN_FROM_MESSAGE_ACTIONS,
    ...CHECKIN_CHANGE_ACTIONS,
    /** The duplicate question's button: the same touch, logged all the same. */
    async 'checkin.again'(ctx, value) {
      const again = undoValue(value, againSchema);
      const first = again ? await findCheckin(ctx.db, ctx.workspace.id, { id: again.of }) : undefined;
      const account = first ? await getAccount(ctx.db, ctx.workspace.id, first.accountId) : undefined;
      if (!again || !first || !account) throw new UserError('The check-in this button repeats was undone meanwhile: log the touch again with /checkin.');
      const { sentiment, date, next, sourceAuthor, sourceLink } = again;
      const source = sourceAuthor || sourceLink ? { ...(sourceAuthor ? { author: sourceAuthor } : {}), ...(sourceLink ? { link: sourceLink } : {}) } : undefined;
      return record(ctx, { account, type: first.type, notes: first.notes, sentiment, next, ...(date ? { date } : {}), ...(source ? { source } : {}) }, true);
    },
    async 'checkin.form'(ctx, value) {
      const account = /^[0-9a-f-]{36}$/i.test(value) ? await getAccount(ctx.db, ctx.workspace.id, value) : undefined;
      return { messages: [], form: await checkinForm(ctx, account) };
    },
  },
  forms: {
    checkin: (ctx, values, state) => submitForm(ctx, values, state),
    ...CHECKIN_CHANGE_FORMS,
  },
};
