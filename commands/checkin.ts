// /checkin: log a customer touch by text, or through a form when typed bare.
import { z } from 'zod';
import { CHECKIN_TYPES, SENTIMENTS } from '../db/schema.js';
import { accountForChannel, getAccount, type Account } from '../src/core/accounts.js';
import { logCheckin, logCheckinByAccountName, type Checkin, type CheckinInput, type CheckinType, type Sentiment } from '../src/core/checkins.js';
import { UserError } from '../src/core/errors.js';
import { daysBetween, formatDay, isIsoDate, localDate, zonedInstant } from '../src/core/time.js';
import { context, message, text } from '../src/messages/builders.js';
import type { Form, FormSubmission, Reply } from '../src/messages/message.js';
import { accountField, accountFromForm, plainAccountName, splitAccountAndKeyword } from './account-input.js';
import type { CommandContext } from './context.js';
import { enumSchema, isoDateSchema, joinWords, splitOptions, textSchema, type Token } from './parse.js';
import type { CommandDefinition } from './registry.js';
import { checkForm } from './form-input.js';

const USAGE = '/checkin <account> <call|meeting|email|qbr|kickoff|review|other> <notes…> [sentiment=positive|neutral|negative] [next=2026-12-01]';
const EXAMPLE = '/checkin "Acme Corp" call Walked through the backup runbook; they want DR next sentiment=positive next=2026-12-01';
const KEYS = ['sentiment', 'next', 'date'] as const;

const notesSchema = textSchema('note', 3000);

const optionsSchema = z.object({
  sentiment: enumSchema(SENTIMENTS, 'sentiment').optional(),
  next: isoDateSchema.optional(),
  date: isoDateSchema.optional(),
});

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
}

const isType = (t: Token) => !t.quoted && t.key === undefined && (CHECKIN_TYPES as readonly string[]).includes(t.text.toLowerCase());

async function splitAccountAndType(ctx: CommandContext, words: Token[]): Promise<{ account: Account; typeIndex: number }> {
  if (words.length === 0) throw new UserError('Which account, and what kind of touch?');
  const { account, keywordIndex } = await splitAccountAndKeyword(ctx, words, isType, missingType);
  return { account, typeIndex: keywordIndex };
}

function missingType(): UserError {
  return new UserError(`Say what kind of touch it was: ${CHECKIN_TYPES.join(', ')}.`, {
    hint: 'Put it right after the account name; quote names with spaces if that is ambiguous.',
  });
}

/** The moment of a touch: now for today, otherwise midday of that date in the workspace's zone. */
function touchInstant(ctx: CommandContext, date: string | undefined): Date {
  const today = localDate(ctx.now, ctx.workspace.timezone);
  if (!date || date === today) return ctx.now;
  if (daysBetween(today, date) > 0) throw new UserError(`date=${date} is in the future: log a touch once it has happened.`);
  return zonedInstant(date, '12:00', ctx.workspace.timezone);
}

/** The touch as written, with its moment; a UserError for a touch in the future or a next step before it. */
function touchOf(ctx: CommandContext, request: TouchRequest): { input: Omit<CheckinInput, 'accountId'>; when: string } {
  const today = localDate(ctx.now, ctx.workspace.timezone);
  const occurredAt = touchInstant(ctx, request.date);
  const touchDay = localDate(occurredAt, ctx.workspace.timezone);
  if (request.next && daysBetween(touchDay, request.next) < 0) {
    throw new UserError(`next=${request.next} is before the touch itself; the next step must come after ${touchDay}.`);
  }
  return {
    input: {
      userId: ctx.user.id,
      type: request.type,
      occurredAt,
      notes: request.notes,
      sentiment: request.sentiment,
      nextStepDate: request.next,
      channelId: ctx.channel.id,
    },
    when: touchDay === today ? 'today' : formatDay(touchDay),
  };
}

async function record(ctx: CommandContext, request: CheckinRequest): Promise<Reply> {
  const { input, when } = touchOf(ctx, request);
  const { checkin, previous } = await logCheckin(ctx.db, ctx.workspace.id, { ...input, accountId: request.account.id }, ctx.now);
  return { messages: [confirmation(ctx, request.account, checkin, previous, when)] };
}

/**
 * The common case in one statement: the account named plainly (see plainAccountName)
 * is found as the touch is written. Undefined, with nothing written, when that name
 * is no account's or anything else is wrong: the full reading then finds the account
 * another way or says what to fix, exactly as without this shortcut.
 */
async function recordByName(ctx: CommandContext, words: Token[], options: z.infer<typeof optionsSchema>): Promise<Reply | undefined> {
  const plain = plainAccountName(words, isType);
  if (!plain) return undefined;
  const notes = notesSchema.safeParse(joinWords(words.slice(plain.keywordIndex + 1)));
  if (!notes.success) return undefined;
  let touch: ReturnType<typeof touchOf>;
  try {
    touch = touchOf(ctx, { type: words[plain.keywordIndex]!.text.toLowerCase() as CheckinType, notes: notes.data, sentiment: options.sentiment ?? 'neutral', date: options.date, next: options.next ?? null });
  } catch (err) {
    if (err instanceof UserError) return undefined;
    throw err;
  }
  const logged = await logCheckinByAccountName(ctx.db, ctx.workspace.id, plain.name, touch.input, ctx.now);
  return logged && { messages: [confirmation(ctx, logged.account, logged.checkin, logged.previous, touch.when)] };
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
  return message(
    headline,
    [
      text(`✅ Logged ${touchPhrase(checkin.type)} with **${account.name}** ${when === 'today' ? `today (${formatDay(touchDay)})` : `on ${when}`} — ${gap}.`),
      text(`> ${checkin.notes.replace(/\n/g, '\n> ')}`),
      context(details.join(' · ')),
    ],
    { visibility: 'channel', tone: 'success' },
  );
}

type Message = ReturnType<typeof message>;

async function fromText(ctx: CommandContext, args: Token[]): Promise<Reply> {
  const { words, options } = splitOptions(args, KEYS, { mood: 'sentiment', next_step: 'next', on: 'date' });
  const parsedOptions = optionsSchema.safeParse(options);
  if (!parsedOptions.success) {
    const issue = parsedOptions.error.issues[0]!;
    throw new UserError(`${String(issue.path[0])}=${options[String(issue.path[0])] ?? ''}: ${issue.message}`);
  }
  const quick = await recordByName(ctx, words, parsedOptions.data);
  if (quick) return quick;
  const { account, typeIndex } = await splitAccountAndType(ctx, words);
  const type = words[typeIndex]!.text.toLowerCase() as CheckinType;
  const notes = notesSchema.safeParse(joinWords(words.slice(typeIndex + 1)));
  if (!notes.success) {
    throw new UserError(`Add a note about the ${type}: ${notes.error.issues[0]!.message}.`, {
      hint: `What was discussed? e.g. /checkin "${account.name}" ${type} Reviewed backup coverage`,
    });
  }
  return record(ctx, {
    account,
    type,
    notes: notes.data,
    sentiment: parsedOptions.data.sentiment ?? 'neutral',
    date: parsedOptions.data.date,
    next: parsedOptions.data.next ?? null,
  });
}

/** The check-in form; `account` preselects the account (from an account card's button). */
export async function checkinForm(ctx: CommandContext, account?: Account): Promise<Form> {
  const today = localDate(ctx.now, ctx.workspace.timezone);
  return {
    id: 'checkin',
    title: 'Log a check-in',
    submitLabel: 'Log check-in',
    state: { channelId: ctx.channel.id },
    fields: [
      await accountField(ctx, account),
      { id: 'type', label: 'Kind of touch', kind: 'select', required: true, initial: 'call', options: CHECKIN_TYPES.map((t) => ({ label: t, value: t })) },
      { id: 'date', label: 'When', kind: 'date', required: true, initial: today },
      { id: 'sentiment', label: 'Sentiment', kind: 'select', required: true, initial: 'neutral', options: SENTIMENTS.map((s) => ({ label: s, value: s })) },
      { id: 'notes', label: 'Notes', kind: 'textarea', required: true, placeholder: 'What was discussed, what was agreed' },
      { id: 'next', label: 'Next touch (optional)', kind: 'date', required: false, hint: 'When you plan to follow up' },
    ],
  };
}

const formSchema = z.object({
  account: z.string().trim().min(1, 'Pick an account'),
  type: z.string().trim().refine((v) => (CHECKIN_TYPES as readonly string[]).includes(v.toLowerCase()), 'Pick the kind of touch'),
  date: z.string().trim().refine(isIsoDate, 'Enter a date as YYYY-MM-DD'),
  sentiment: z.string().trim().refine((v) => (SENTIMENTS as readonly string[]).includes(v.toLowerCase()), 'Pick a sentiment'),
  notes: z.string().trim().min(1, 'Add a note about the touch').max(3000, 'Keep notes under 3,000 characters'),
  next: z
    .string()
    .trim()
    .refine((v) => v === '' || isIsoDate(v), 'Enter a date as YYYY-MM-DD, or leave it empty'),
});

async function submitForm(ctx: CommandContext, values: Record<string, string>): Promise<FormSubmission> {
  const { data: v, errors } = checkForm(formSchema, { account: '', type: '', date: '', sentiment: 'neutral', notes: '', next: '', ...values });
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
  });
  return { ok: true, reply };
}

export const checkinCommand: CommandDefinition = {
  name: 'checkin',
  summary: 'Log a customer touch (call, meeting, QBR…); with no arguments, open a form.',
  usage: [USAGE, '/checkin'],
  examples: [EXAMPLE, '/checkin Globex qbr Renewal looks safe; expanding to 20 more seats', '/checkin'],
  async run(ctx, args) {
    if (args.length === 0) {
      // In a customer's channel the form starts on that customer.
      const linked = await accountForChannel(ctx.db, ctx.workspace.id, ctx.channel.id);
      return { messages: [], form: await checkinForm(ctx, linked) };
    }
    return fromText(ctx, args);
  },
  actions: {
    async 'checkin.form'(ctx, value) {
      const account = /^[0-9a-f-]{36}$/i.test(value) ? await getAccount(ctx.db, ctx.workspace.id, value) : undefined;
      return { messages: [], form: await checkinForm(ctx, account) };
    },
  },
  forms: {
    checkin: (ctx, values) => submitForm(ctx, values),
  },
};
