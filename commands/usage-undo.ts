// The Undo button on a /usage confirmation (src/core/usage-undo.ts does the work). Its
// value names the reading: the account and the moment it was recorded.
import { getAccount } from '../src/core/accounts.js';
import { UserError } from '../src/core/errors.js';
import { isUuid } from '../src/core/ids.js';
import { undoUsageReading } from '../src/core/usage-undo.js';
import { message, text } from '../src/messages/builders.js';
import type { Message } from '../src/messages/message.js';
import type { CommandContext } from './context.js';
import type { ActionHandler } from './registry.js';
import { withUndo } from './undo-button.js';

/** The confirmation of a reading of `accountId` recorded at ctx.now, with its Undo button. */
export const withUsageUndo = (ctx: CommandContext, shown: Message, accountId: string): Message =>
  withUndo(ctx, shown, { id: 'usage.undo', value: `${accountId}|${ctx.now.toISOString()}`, madeAt: ctx.now });

export const USAGE_UNDO_ACTIONS: Record<string, ActionHandler> = {
  async 'usage.undo'(ctx, value) {
    const [accountId = '', at = ''] = value.split('|');
    const when = new Date(at);
    const account = isUuid(accountId) && !Number.isNaN(when.getTime()) ? await getAccount(ctx.db, ctx.workspace.id, accountId) : undefined;
    if (!account) throw new UserError('That reading can no longer be undone from here. See /account history <name>.');
    const { seatsRestored } = await undoUsageReading(ctx.db, ctx.workspace.id, { accountId, at: when }, { userId: ctx.user.id, now: ctx.now, timezone: ctx.workspace.timezone });
    const said = `Undid the usage reading for ${account.name}${seatsRestored ? ': its seat counts are back as they were' : ''}.`;
    return { messages: [], update: message(said, [text(`↩️ ${said}`)]) };
  },
};
