// The check-in form (a Slack modal, a Teams card, the console's dialog): opened bare
// by /checkin, from an account card's button, or from a chat message ("Log as
// check-in"), whose text starts the note and whose author and link ride in the form's
// state to be stored with the touch.
import { z } from 'zod';
import { CHECKIN_TYPES, SENTIMENTS } from '../db/schema.js';
import type { Account } from '../src/core/accounts.js';
import { localDate } from '../src/core/time.js';
import type { Form } from '../src/messages/message.js';
import { accountField } from './account-input.js';
import type { CommandContext } from './context.js';

/** The longest note a check-in keeps. */
export const NOTE_MAX_CHARS = 3000;

/** The chat message a touch was logged from: its author and a link back to it, where the platform gives them. */
export interface MessageSource {
  author?: string;
  link?: string;
}

/**
 * The check-in form; `account` preselects the account (from an account card's button,
 * or the channel's), `notes` starts the note (a chat message's text) and `source`
 * travels in the form's state to be stored with the touch.
 */
export async function checkinForm(ctx: CommandContext, account?: Account, prefill: { notes?: string; notesHint?: string; source?: MessageSource } = {}): Promise<Form> {
  const today = localDate(ctx.now, ctx.workspace.timezone);
  const source = {
    ...(prefill.source?.author ? { sourceAuthor: prefill.source.author } : {}),
    ...(prefill.source?.link ? { sourceLink: prefill.source.link } : {}),
  };
  return {
    id: 'checkin',
    title: 'Log a check-in',
    submitLabel: 'Log check-in',
    state: { channelId: ctx.channel.id, ...source },
    fields: [
      await accountField(ctx, account),
      { id: 'type', label: 'Kind of touch', kind: 'select', required: true, initial: 'call', options: CHECKIN_TYPES.map((t) => ({ label: t, value: t })) },
      { id: 'date', label: 'When', kind: 'date', required: true, initial: today },
      { id: 'sentiment', label: 'Sentiment', kind: 'select', required: true, initial: 'neutral', options: SENTIMENTS.map((s) => ({ label: s, value: s })) },
      { id: 'notes', label: 'Notes', kind: 'textarea', required: true, placeholder: 'What was discussed, what was agreed', ...(prefill.notes ? { initial: prefill.notes } : {}), ...(prefill.notesHint ? { hint: prefill.notesHint } : {}) },
      { id: 'next', label: 'Next touch (optional)', kind: 'date', required: false, hint: 'When you plan to follow up' },
    ],
  };
}

/** A link back to a chat message: http(s) only, since it is shown as a link on every platform. */
export const webLinkSchema = z
  .string()
  .trim()
  .max(1000)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'not a web link');

/** The source a form's state carries back (it went out with the form, through the platform: not trusted). */
const sourceStateSchema = z.object({
  sourceAuthor: z.string().trim().min(1).max(200).optional().catch(undefined),
  sourceLink: webLinkSchema.optional().catch(undefined),
});

export function sourceFromState(state: Record<string, string>): MessageSource | undefined {
  const { sourceAuthor, sourceLink } = sourceStateSchema.parse(state);
  if (!sourceAuthor && !sourceLink) return undefined;
  return { ...(sourceAuthor ? { author: sourceAuthor } : {}), ...(sourceLink ? { link: sourceLink } : {}) };
}
