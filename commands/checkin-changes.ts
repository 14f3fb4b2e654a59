// Taking back and correcting check-ins: the Undo button on a check-in's confirmation
// and `/checkin undo` (your last one) delete it, for a day after it was logged;
// `/checkin edit <id>` opens the touch in a form for the person who logged it.
import { z } from 'zod';
import { CHECKIN_TYPES, SENTIMENTS } from '../db/schema.js';
import { editCheckin, findCheckin, lastCheckinBy, undoCheckin, undoCheckinEdit, type CheckinWithNames } from '../src/core/checkin-changes.js';
import type { Checkin, CheckinType, Sentiment } from '../src/core/checkins.js';
import { UserError } from '../src/core/errors.js';
import { isUuid } from '../src/core/ids.js';
import { undoUntil } from '../src/core/undo.js';
import { withUndo } from './undo-button.js';
import { daysBetween, formatDateTimeInZone, formatDay, isIsoDate, localDate, zonedInstant } from '../src/core/time.js';
import { actions, button, context, message, text } from '../src/messages/builders.js';
import type { Form, FormSubmission, Reply } from '../src/messages/message.js';
import { NOTE_MAX_CHARS } from './checkin-form.js';
import type { CommandContext } from './context.js';
import { checkForm } from './form-input.js';
import { dateSchema, lengthSentence, parseShortId, type DateContext, type Token } from './parse.js';
import type { ActionHandler, FormHandler } from './registry.js';

export const CHANGE_USAGE = { undo: '/checkin undo', edit: '/checkin edit <id>' };
export const CHANGE_EXAMPLE = { undo: '/checkin undo', edit: '/checkin edit 12' };

const dayOf = (ctx: CommandContext, c: CheckinWithNames) => formatDay(localDate(c.occurredAt, ctx.workspace.timezone));

async function undo(ctx: CommandContext, id: string): Promise<Message> {
  const gone = await undoCheckin(ctx.db, ctx.workspace.id, id, { userId: ctx.user.id, now: ctx.now, timezone: ctx.workspace.timezone });
  const said = `Undid check-in #${gone.number}: the ${gone.type} with ${gone.accountName} on ${dayOf(ctx, gone)} is no longer logged.`;
  return message(said, [text(`↩️ Undid check-in **#${gone.number}**: the ${gone.type} with **${gone.accountName}** on ${dayOf(ctx, gone)} is no longer logged.`), context(`Log it again with /checkin "${gone.accountName}" ${gone.type} …`)], {
    visibility: 'channel',
  });
}
type Message = ReturnType<typeof message>;

/** `/checkin undo`: the last touch this person logged. */
export async function undoLast(ctx: CommandContext, extra: Token[]): Promise<Reply> {
  if (extra.length > 0) throw new UserError('/checkin undo takes back your last check-in and takes nothing else.', { usage: CHANGE_USAGE.undo, example: CHANGE_EXAMPLE.undo, hint: 'To correct an older one, use /checkin edit <id>.' });
  const last = await lastCheckinBy(ctx.db, ctx.workspace.id, ctx.user.id);
  if (!last) throw new UserError('You have no check-in to undo.', { usage: CHANGE_USAGE.undo, example: CHANGE_EXAMPLE.undo });
  return { messages: [await undo(ctx, last.id)] };
}

/** The check-in a typed id names (12 or #12), or a UserError saying how to write one. */
async function checkinNumbered(ctx: CommandContext, token: Token | undefined): Promise<CheckinWithNames> {
  const number = token && !token.quoted ? parseShortId(token.text) : null;
  if (!number) {
    throw new UserError(token ? `"${token.text}" is not a check-in number; write it like 12 or #12.` : 'Which check-in? Give its number, e.g. 12 or #12 (each confirmation shows it).', {
      usage: CHANGE_USAGE.edit,
      example: CHANGE_EXAMPLE.edit,
    });
  }
  const found = await findCheckin(ctx.db, ctx.workspace.id, { number });
  if (!found) throw new UserError(`There is no check-in #${number}.`, { usage: CHANGE_USAGE.edit, example: CHANGE_EXAMPLE.edit, hint: 'Each check-in’s confirmation shows its number.' });
  return found;
}

function refuseOthers(ctx: CommandContext, c: CheckinWithNames): void {
  if (c.userId === ctx.user.id) return;
  throw new UserError(`Check-in #${c.number} was logged by ${c.loggedByName ? `@${c.loggedByName}` : 'someone no longer in the workspace'}: only they can edit it.`, {
    hint: 'Log your own account of the touch with /checkin.',
  });
}

/** `/checkin edit <id>`: the touch in a form, for the person who logged it. */
export async function editForm(ctx: CommandContext, words: Token[]): Promise<Reply> {
  if (words.length > 1) throw new UserError(`/checkin edit takes one check-in number; "${words.slice(1).map((w) => w.text).join(' ')}" is extra.`, { usage: CHANGE_USAGE.edit, example: CHANGE_EXAMPLE.edit });
  const c = await checkinNumbered(ctx, words[0]);
  refuseOthers(ctx, c);
  const form: Form = {
    id: 'checkin.edit',
    title: `Edit check-in #${c.number}`,
    submitLabel: 'Save',
    state: { channelId: ctx.channel.id, checkinId: c.id },
    fields: [
      { id: 'type', label: `Kind of touch with ${c.accountName}`, kind: 'select', required: true, initial: c.type, options: CHECKIN_TYPES.map((t) => ({ label: t, value: t })) },
      { id: 'date', label: 'When', kind: 'date', required: true, initial: localDate(c.occurredAt, ctx.workspace.timezone) },
      { id: 'sentiment', label: 'Sentiment', kind: 'select', required: true, initial: c.sentiment, options: SENTIMENTS.map((s) => ({ label: s, value: s })) },
      { id: 'notes', label: 'Notes', kind: 'textarea', required: true, initial: c.notes },
      { id: 'next', label: 'Next touch (optional)', kind: 'date', required: false, ...(c.nextStepDate ? { initial: c.nextStepDate } : {}) },
    ],
  };
  return { messages: [], form };
}

// Dates as people write them, as in the check-in form (a touch has happened; its next step is ahead).
const editSchema = (at: DateContext) =>
  z.object({
    type: z.string().trim().refine((v) => (CHECKIN_TYPES as readonly string[]).includes(v.toLowerCase()), 'Pick the kind of touch'),
    date: z.string().trim().pipe(dateSchema(at, 'past')),
    sentiment: z.string().trim().refine((v) => (SENTIMENTS as readonly string[]).includes(v.toLowerCase()), 'Pick a sentiment'),
    notes: z
      .string()
      .trim()
      .min(1, 'Add a note about the touch')
      .superRefine((v, issue) => {
        if (v.length > NOTE_MAX_CHARS) issue.addIssue({ code: z.ZodIssueCode.custom, message: lengthSentence('note', v.length, NOTE_MAX_CHARS) });
      }),
    next: z.string().trim().pipe(z.union([z.literal(''), dateSchema(at, 'future')])),
  });

const submitEdit: FormHandler = async (ctx, values, state): Promise<FormSubmission> => {
  const c = isUuid(state.checkinId ?? '') ? await findCheckin(ctx.db, ctx.workspace.id, { id: state.checkinId! }) : undefined;
  if (!c) throw new UserError('That check-in was undone meanwhile, so there is nothing to edit.', { hint: 'Log it again with /checkin <account> <call|meeting|email|…> <notes…>, or type /checkin for the form.' });
  const { data: v, errors } = checkForm(editSchema(ctx), { type: '', date: '', sentiment: '', notes: '', next: '', ...values });
  if (v) {
    if (daysBetween(localDate(ctx.now, ctx.workspace.timezone), v.date) > 0) errors.date = 'The touch must have happened already';
    if (v.next && daysBetween(v.date, v.next) < 0) errors.next = 'The next touch must come after this one';
  }
  if (!v || Object.keys(errors).length > 0) return { ok: false, errors };
  const tz = ctx.workspace.timezone;
  // The moment stays as logged unless the day changes; a new day is taken at its midday, as /checkin date=… does.
  const occurredAt = v.date === localDate(c.occurredAt, tz) ? c.occurredAt : zonedInstant(v.date, '12:00', tz);
  const { after, changed } = await editCheckin(
    ctx.db,
    ctx.workspace.id,
    c.id,
    { type: v.type.toLowerCase() as CheckinType, occurredAt, sentiment: v.sentiment.toLowerCase() as Sentiment, notes: v.notes, nextStepDate: v.next || null },
    { userId: ctx.user.id, now: ctx.now },
  );
  const what = changed.length === 0 ? 'nothing changed' : `changed ${changed.map((k) => FIELD_WORDS[k] ?? k).join(', ')}`;
  const said = `Check-in #${after.number} with ${c.accountName}: ${what}.`;
  return {
    ok: true,
    reply: {
      messages: [
        withEditUndo(
          ctx,
          message(said, [text(`✏️ Check-in **#${after.number}** with **${c.accountName}**: ${what}.`), text(`> ${after.notes.replace(/\n/g, '\n> ')}`), context(`${after.type} on ${formatDay(localDate(after.occurredAt, tz))} · ${after.sentiment}${after.nextStepDate ? ` · next touch ${formatDay(after.nextStepDate)}` : ''}`)], {
            visibility: 'channel',
            tone: 'success',
          }),
          changed.length > 0 ? after.id : undefined,
        ),
      ],
    },
  };
};

/** An edit's confirmation with the Undo button for that edit (none when nothing changed). */
const withEditUndo = (ctx: CommandContext, shown: Message, checkinId: string | undefined): Message =>
  checkinId ? withUndo(ctx, shown, { id: 'checkin.undo-edit', value: `${checkinId}|${ctx.now.toISOString()}`, madeAt: ctx.now }) : shown;

const FIELD_WORDS: Record<string, string> = { type: 'the kind', occurredAt: 'the day', sentiment: 'the sentiment', notes: 'the note', nextStepDate: 'the next touch' };

export const CHECKIN_CHANGE_ACTIONS: Record<string, ActionHandler> = {
  /** An edit's Undo button: the value is the check-in's id and the moment of the edit. */
  async 'checkin.undo-edit'(ctx, value) {
    const [id = '', at = ''] = value.split('|');
    const when = new Date(at);
    if (!isUuid(id) || Number.isNaN(when.getTime())) throw new UserError('That edit can no longer be undone from here.', { hint: 'Change the check-in again with /checkin edit <id> (its number is on the confirmation).' });
    const back = await undoCheckinEdit(ctx.db, ctx.workspace.id, { id, at: when }, { userId: ctx.user.id, now: ctx.now, timezone: ctx.workspace.timezone });
    const said = `Undid the edit of check-in #${back.number} with ${back.accountName}: it reads as before.`;
    return { messages: [], update: message(said, [text(`↩️ ${said}`), text(`> ${back.notes.replace(/\n/g, '\n> ')}`)], { visibility: 'channel' }) };
  },
  /** The confirmation's Undo button: the value is the check-in's id. The confirmation becomes the answer. */
  async 'checkin.undo'(ctx, value) {
    if (!isUuid(value)) throw new UserError('That check-in was already undone, so this button does nothing now.', { hint: 'Log it again with /checkin <account> <call|meeting|email|…> <notes…>, or type /checkin for the form.' });
    const done = await undo(ctx, value);
    return { messages: [], update: done };
  },
};

export const CHECKIN_CHANGE_FORMS: Record<string, FormHandler> = { 'checkin.edit': submitEdit };

/** What the duplicate question's "Log it again" button carries: the touch as it was sent, but for its kind and note (the same as #of's). */
export const againSchema = z.object({
  of: z.string().refine(isUuid),
  sentiment: z.enum(SENTIMENTS),
  date: z.string().refine(isIsoDate).optional(),
  next: z.string().refine(isIsoDate).nullable(),
  sourceAuthor: z.string().max(200).optional(),
  sourceLink: z.string().max(1000).optional(),
});
export type AgainRequest = z.infer<typeof againSchema>;

/**
 * The answer when the same touch (account, kind, note) was already logged that day:
 * nothing saved, and a button to log it all the same (a second call with the same
 * words happens, but a command sent twice is likelier).
 */
export function duplicateQuestion(ctx: CommandContext, accountName: string, duplicate: Checkin, again: Omit<AgainRequest, 'of'>): Reply {
  const tz = ctx.workspace.timezone;
  const when = formatDay(localDate(duplicate.occurredAt, tz));
  const said = `This ${duplicate.type} with ${accountName} on ${when} is already logged with the same note (#${duplicate.number}): nothing was saved.`;
  return {
    messages: [
      message(said, [
        text(`⚠️ This ${duplicate.type} with **${accountName}** on ${when} is already logged with the same note (**#${duplicate.number}**, logged ${formatDateTimeInZone(duplicate.createdAt, tz)}): nothing was saved.`),
        context('Was it another touch? Log it again. To change the one there is, use /checkin edit ' + duplicate.number + '.'),
        actions([button('checkin.again', 'Log it again', JSON.stringify({ of: duplicate.id, ...again }), 'primary')]),
      ]),
    ],
  };
}

/** The confirmation's line on taking a touch back: until when Undo works, and how to correct it. */
export const undoLine = (ctx: CommandContext, checkin: Pick<Checkin, 'number' | 'createdAt'>): string =>
  `Wrong? Undo it until ${formatDateTimeInZone(undoUntil(checkin.createdAt), ctx.workspace.timezone)}, or correct it with /checkin edit ${checkin.number}.`;
