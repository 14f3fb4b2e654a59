// /ticket reopen <id> [reason…], and the Undo buttons on a ticket's confirmations
// (opened, acknowledged, resolved, reopened): core/ticket-changes.ts does the work.
import { UserError } from '../src/core/errors.js';
import { isUuid } from '../src/core/ids.js';
import { reopenTicket, undoTicketChange, undoTicketReopen, type UndoableTicketChange } from '../src/core/ticket-changes.js';
import { findTicketById } from '../src/core/tickets.js';
import { message, text } from '../src/messages/builders.js';
import type { Reply } from '../src/messages/message.js';
import type { CommandContext } from './context.js';
import { parseShortId, textSchema, verbatimText, type Token } from './parse.js';
import type { ActionHandler } from './registry.js';
import { withUndo } from './undo-button.js';

export const REOPEN_USAGE = '/ticket reopen <id> [reason…]';
export const REOPEN_EXAMPLE = '/ticket reopen 42 The VPN dropped again overnight';

const reasonSchema = textSchema('reason', 3000);

/** `/ticket reopen <id> [reason…]`. */
export async function reopen(ctx: CommandContext, words: Token[]): Promise<Reply> {
  const number = words[0] && !words[0].quoted ? parseShortId(words[0].text) : null;
  if (!number) {
    throw new UserError(words[0] ? `"${words[0].text}" is not a ticket number; write it like 42 or #42.` : 'Which ticket? Give its number, e.g. 42 or #42.', { usage: REOPEN_USAGE, example: REOPEN_EXAMPLE });
  }
  let reason: string | null = null;
  if (words.length > 1) {
    const parsed = reasonSchema.safeParse(verbatimText(words.slice(1)));
    if (!parsed.success) throw new UserError(`${parsed.error.issues[0]!.message}.`, { usage: REOPEN_USAGE, example: REOPEN_EXAMPLE });
    reason = parsed.data;
  }
  const ticket = await reopenTicket(ctx.db, ctx.workspace.id, number, reason, { userId: ctx.user.id, now: ctx.now });
  const view = (await findTicketById(ctx.db, ctx.workspace.id, ticket.id))!;
  const said = `Reopened #${ticket.number} for ${view.accountName} — “${ticket.title}”: it is ${ticket.status} again.`;
  const blocks = [text(`🔁 Reopened **#${ticket.number}** for **${view.accountName}** — “${ticket.title}”: it is ${ticket.status} again.`)];
  if (reason) blocks.push(text(`> ${reason.replace(/\n/g, '\n> ')}`));
  return { messages: [withUndo(ctx, message(said, blocks, { visibility: 'channel' }), { id: 'ticket.undo-reopen', value: `${ticket.id}|${ctx.now.toISOString()}`, madeAt: ctx.now })] };
}

const UNDONE: Record<UndoableTicketChange, string> = {
  open: 'opening undone: the ticket is deleted',
  ack: 'acknowledgement undone: it is open again and its first-response clock runs',
  resolve: 'resolution undone: it is open again',
};

function undoAction(change: UndoableTicketChange): ActionHandler {
  return async (ctx, value) => {
    if (!isUuid(value)) throw new UserError('That ticket no longer exists. See /ticket list.');
    const before = await findTicketById(ctx.db, ctx.workspace.id, value);
    const after = await undoTicketChange(ctx.db, ctx.workspace.id, value, change, { userId: ctx.user.id, now: ctx.now, timezone: ctx.workspace.timezone });
    const account = before?.accountName ?? 'the account';
    const said = `#${after.number} for ${account}: ${UNDONE[change]}${change === 'resolve' && after.status === 'acknowledged' ? ' (acknowledged)' : ''}.`;
    return { messages: [], update: message(said, [text(`↩️ ${said}`)], { visibility: 'channel' }) };
  };
}

export const TICKET_UNDO_ACTIONS: Record<string, ActionHandler> = {
  /** A reopen's Undo button: the value is the ticket's id and the moment it was reopened. */
  async 'ticket.undo-reopen'(ctx, value) {
    const [id = '', at = ''] = value.split('|');
    const when = new Date(at);
    if (!isUuid(id) || Number.isNaN(when.getTime())) throw new UserError('That ticket no longer exists. See /ticket list.');
    const view = await findTicketById(ctx.db, ctx.workspace.id, id);
    const after = await undoTicketReopen(ctx.db, ctx.workspace.id, { ticketId: id, at: when }, { userId: ctx.user.id, now: ctx.now, timezone: ctx.workspace.timezone });
    const said = `#${after.number} for ${view?.accountName ?? 'the account'}: reopening undone: it is resolved again.`;
    return { messages: [], update: message(said, [text(`↩️ ${said}`)], { visibility: 'channel' }) };
  },
  'ticket.undo-open': undoAction('open'),
  'ticket.undo-ack': undoAction('ack'),
  'ticket.undo-resolve': undoAction('resolve'),
};

/** A ticket confirmation with the Undo button for that step. */
export const withTicketUndo = (ctx: CommandContext, shown: Reply['messages'][number], change: UndoableTicketChange, ticketId: string) =>
  withUndo(ctx, shown, { id: `ticket.undo-${change}`, value: ticketId, madeAt: ctx.now });

/**
 * Other words for the ticket verbs (`/ticket close 27` is `/ticket resolve 27`). They
 * are read so only before a ticket number: `/ticket Fix Inc critical …` still opens a
 * ticket for an account named Fix Inc.
 */
export const TICKET_VERBS: Record<string, string> = {
  acknowledge: 'ack',
  acked: 'ack',
  respond: 'ack',
  close: 'resolve',
  closed: 'resolve',
  done: 'resolve',
  fix: 'resolve',
  fixed: 'resolve',
  solve: 'resolve',
  solved: 'resolve',
  resolved: 'resolve',
  're-open': 'reopen',
  reopened: 'reopen',
};

/**
 * The subcommand the first word names, read through TICKET_VERBS when a ticket number
 * follows, or when nothing in the line could open a ticket (no severity in it).
 */
export function ticketVerb(args: Token[], isSeverity: (t: Token) => boolean): string {
  const [first, next] = args;
  if (!first || first.quoted || first.key !== undefined) return '';
  const word = first.text.toLowerCase();
  const verb = TICKET_VERBS[word];
  if (!verb) return word;
  const numbered = next !== undefined && !next.quoted && parseShortId(next.text) !== null;
  return numbered || !args.some(isSeverity) ? verb : word;
}
