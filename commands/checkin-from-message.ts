// "Log as check-in" from a chat message: the platform-neutral half of Slack's message
// shortcut and Teams' message action. Both press `checkin.from-message` with the
// message as { text, authorName, link } (JSON), or call checkinFromMessage directly;
// the answer is the check-in form with the message's text as the note, the account
// linked to the channel preselected, and the author and link carried in the form's
// state to be kept with the touch. The global shortcut opens the empty form
// (`checkin.form`, commands/checkin.ts).
import { z } from 'zod';
import { accountForChannel } from '../src/core/accounts.js';
import { UserError } from '../src/core/errors.js';
import type { Reply } from '../src/messages/message.js';
import { checkinForm, NOTE_MAX_CHARS, webLinkSchema } from './checkin-form.js';
import type { CommandContext } from './context.js';
import type { ActionHandler } from './registry.js';

export const CHECKIN_FROM_MESSAGE = 'checkin.from-message';

/** A shortcut a platform offers on its menus; `id` is the registry action it presses (Slack's callback_id). */
export interface ChatShortcut {
  id: string;
  /** `message`: on a message's menu, pressed with the message; `global`: from anywhere, with nothing. */
  kind: 'message' | 'global';
  name: string;
  description: string;
}

export const CHECKIN_SHORTCUTS: ChatShortcut[] = [
  { id: CHECKIN_FROM_MESSAGE, kind: 'message', name: 'Log as check-in', description: 'Log this message as a customer touch in Tenure: the note, the author and a link to it are kept.' },
  { id: 'checkin.form', kind: 'global', name: 'Log a check-in', description: 'Open the Tenure check-in form from anywhere.' },
];

/** The message a person logs: what a platform's payload gives, checked at this edge. */
export const chatMessageSchema = z.object({
  text: z.string().max(100_000).default(''),
  authorName: z.string().trim().max(200).optional(),
  link: webLinkSchema.optional(),
});

export type ChatMessage = z.input<typeof chatMessageSchema>;

/** The note a message starts: its text, cut to what a note keeps, and what to say when it was cut. */
function noteOf(text: string): { notes: string; notesHint?: string } {
  const notes = text.trim();
  if (notes.length <= NOTE_MAX_CHARS) return { notes };
  const length = notes.length.toLocaleString('en-US');
  return {
    notes: `${notes.slice(0, NOTE_MAX_CHARS - 1)}…`,
    notesHint: `The message is ${length} characters long and a note keeps ${NOTE_MAX_CHARS.toLocaleString('en-US')}, so its end was cut; the link to the whole message is kept with the check-in.`,
  };
}

/** The check-in form for a chat message (what a platform's payload gave: checked here). */
export async function checkinFromMessage(ctx: CommandContext, input: ChatMessage): Promise<Reply> {
  const parsed = chatMessageSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`That message could not be read for a check-in (${issue.path.join('.') || 'message'}: ${issue.message}).`, {
      usage: '/checkin',
      example: '/checkin "Acme Corp" call Walked through the backup runbook',
      hint: 'Log it with /checkin instead: with no arguments it opens the same form.',
    });
  }
  const { text, authorName, link } = parsed.data;
  // In a customer's channel the form starts on that customer, as a bare /checkin does.
  const linked = await accountForChannel(ctx.db, ctx.workspace.id, ctx.channel.id);
  const source = { ...(authorName ? { author: authorName } : {}), ...(link ? { link } : {}) };
  return { messages: [], form: await checkinForm(ctx, linked, { ...noteOf(text), source }) };
}

/** The message as JSON, as a button value carries it; what is not JSON is refused by the schema. */
function parsedValue(value: string): ChatMessage {
  try {
    return JSON.parse(value) as ChatMessage;
  } catch {
    return value as unknown as ChatMessage;
  }
}

/** The registry's door to it (registry.press): the value is the message as JSON. */
export const CHECKIN_FROM_MESSAGE_ACTIONS: Record<string, ActionHandler> = {
  [CHECKIN_FROM_MESSAGE]: (ctx, value) => checkinFromMessage(ctx, parsedValue(value)),
};
