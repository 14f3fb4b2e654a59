// The Undo button on an /account set confirmation (src/core/account-undo.ts does the
// work). Its value names the change: the account and the moment it was made.
import { undoAccountCreate, undoAccountUpdate } from '../src/core/account-undo.js';
import { getAccount } from '../src/core/accounts.js';
import { undoChannelLink } from '../src/core/channel-link-undo.js';
import { z } from 'zod';
import { UserError } from '../src/core/errors.js';
import { isUuid } from '../src/core/ids.js';
import { message, text } from '../src/messages/builders.js';
import type { Message } from '../src/messages/message.js';
import type { CommandContext } from './context.js';
import type { ActionHandler } from './registry.js';
import { withUndo } from './undo-button.js';
import { undoValue } from './undo-value.js';

/** The set confirmation with its Undo button; `accountId` changed at ctx.now. */
export const withSetUndo = (ctx: CommandContext, shown: Message, accountId: string): Message =>
  withUndo(ctx, shown, { id: 'account.undo-set', value: `${accountId}|${ctx.now.toISOString()}`, madeAt: ctx.now });

/** The fields as the answer names them; the rest by their own name (tier, stage, name). */
export const FIELD_WORDS: Record<string, string> = { arrCents: 'ARR', renewalDate: 'renewal date', contractStart: 'contract start', licensedUsers: 'licensed users', activeUsers: 'active users', ownerUserId: 'owner', kickoffDate: 'kickoff', churnedOn: 'churn day', externalId: 'id' };

/** The add confirmation with its Undo button. */
export const withAddUndo = (ctx: CommandContext, shown: Message, accountId: string): Message =>
  withUndo(ctx, shown, { id: 'account.undo-add', value: accountId, madeAt: ctx.now, instead: 'Once it has check-ins, tickets or a channel, archive it instead.' });

/** A link's confirmation with its Undo button: the link of ctx's channel to `accountId`, made at ctx.now. */
export const withLinkUndo = (ctx: CommandContext, shown: Message, accountId: string): Message =>
  withUndo(ctx, shown, { id: 'account.undo-link', value: JSON.stringify({ a: accountId, c: ctx.channel.id, at: ctx.now.toISOString() }), madeAt: ctx.now });

const linkValue = z.object({ a: z.string().refine(isUuid), c: z.string().min(1).max(300), at: z.string().datetime() });

export const ACCOUNT_UNDO_ACTIONS: Record<string, ActionHandler> = {
  async 'account.undo-link'(ctx, value) {
    const link = undoValue(value, linkValue);
    if (!link) throw new UserError('That link can no longer be undone from here. See /account history <name>.');
    const { previous } = await undoChannelLink(ctx.db, ctx.workspace.id, { accountId: link.a, channelId: link.c, at: new Date(link.at) }, { userId: ctx.user.id, now: ctx.now, timezone: ctx.workspace.timezone });
    const before = previous ? await getAccount(ctx.db, ctx.workspace.id, previous.accountId) : undefined;
    const said = before ? `Undid the link: this channel is ${before.name}’s ${previous!.kind} channel again.` : 'Undid the link: this channel is linked to no account again.';
    return { messages: [], update: message(said, [text(`↩️ ${said}`)]) };
  },
  async 'account.undo-add'(ctx, value) {
    if (!isUuid(value)) throw new UserError('That account was already removed, so there is nothing to undo.');
    const gone = await undoAccountCreate(ctx.db, ctx.workspace.id, value, { userId: ctx.user.id, now: ctx.now, timezone: ctx.workspace.timezone });
    const said = `Undid adding ${gone.name}: the account is removed.`;
    return { messages: [], update: message(said, [text(`↩️ ${said}`)], { visibility: 'channel' }) };
  },
  async 'account.undo-set'(ctx, value) {
    const [accountId = '', at = ''] = value.split('|');
    const when = new Date(at);
    if (!isUuid(accountId) || Number.isNaN(when.getTime())) throw new UserError('That change can no longer be undone from here. See /account history <name>.');
    const { account, restored } = await undoAccountUpdate(ctx.db, ctx.workspace.id, { accountId, at: when }, { userId: ctx.user.id, now: ctx.now, timezone: ctx.workspace.timezone });
    const said = `Undid the change to ${account.name}: ${restored.map((k) => FIELD_WORDS[k] ?? k).join(', ')} back as they were.`;
    return { messages: [], update: message(said, [text(`↩️ ${said}`)], { visibility: 'channel' }) };
  },
};
