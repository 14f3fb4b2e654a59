// /account archive <name> and /account restore <name> (admins): an archived account
// leaves every list, alert and KPI and keeps its history (src/core/account-archive.ts).
// The archive confirmation's Undo button restores it.
import { archiveAccount, restoreAccount } from '../src/core/account-archive.js';
import { getAccount, resolveAccount, type Account } from '../src/core/accounts.js';
import { UserError } from '../src/core/errors.js';
import { isUuid } from '../src/core/ids.js';
import { formatDateTimeInZone } from '../src/core/time.js';
import { context, message, text } from '../src/messages/builders.js';
import type { Reply } from '../src/messages/message.js';
import { accountNameSchema } from './account-fields.js';
import { requireAdmin, withClaimNotice } from './admin.js';
import type { CommandContext } from './context.js';
import { joinWords, type Token } from './parse.js';
import type { ActionHandler } from './registry.js';
import { withUndo } from './undo-button.js';

export const ARCHIVE_USAGE = { archive: '/account archive <name>', restore: '/account restore <name>' };
export const ARCHIVE_EXAMPLE = { archive: '/account archive "Initech"', restore: '/account restore "Initech"' };

async function named(ctx: CommandContext, words: Token[], which: 'archive' | 'restore'): Promise<Account> {
  const parsed = accountNameSchema.safeParse(joinWords(words));
  if (!parsed.success) throw new UserError(parsed.error.issues[0]!.message, { usage: ARCHIVE_USAGE[which], example: ARCHIVE_EXAMPLE[which] });
  return resolveAccount(ctx.db, ctx.workspace.id, parsed.data);
}

async function archived(ctx: CommandContext, account: Account): Promise<Reply> {
  const check = await requireAdmin(ctx, 'archive and restore accounts');
  const done = await archiveAccount(ctx.db, ctx.workspace.id, account, { userId: ctx.user.id, now: ctx.now, timezone: ctx.workspace.timezone });
  const said = `Archived ${done.name}: it leaves every list, alert and KPI; its history is kept.`;
  const shown = message(said, [text(`🗄️ Archived **${done.name}**: it leaves every list, alert and KPI; its check-ins, tickets and surveys are kept.`), context(`Bring it back any time with /account restore "${done.name}".`)], { visibility: 'channel' });
  return withClaimNotice({ messages: [withUndo(ctx, shown, { id: 'account.undo-archive', value: done.id, madeAt: ctx.now })] }, check);
}

async function restored(ctx: CommandContext, account: Account): Promise<Message> {
  await requireAdmin(ctx, 'archive and restore accounts');
  const done = await restoreAccount(ctx.db, ctx.workspace.id, account, { userId: ctx.user.id, now: ctx.now });
  const said = `Restored ${done.name}: it is back in lists, alerts and KPIs.`;
  return message(said, [text(`↩️ Restored **${done.name}**: it is back in lists, alerts and KPIs, with its history.`)], { visibility: 'channel' });
}
type Message = ReturnType<typeof message>;

export const archiveCommand = async (ctx: CommandContext, words: Token[]): Promise<Reply> => archived(ctx, await named(ctx, words, 'archive'));
export const restoreCommand = async (ctx: CommandContext, words: Token[]): Promise<Reply> => ({ messages: [await restored(ctx, await named(ctx, words, 'restore'))] });

export const ARCHIVE_ACTIONS: Record<string, ActionHandler> = {
  /** The archive confirmation's Undo button: restores the account, and the confirmation becomes the answer. */
  async 'account.undo-archive'(ctx, value) {
    const account = isUuid(value) ? await getAccount(ctx.db, ctx.workspace.id, value) : undefined;
    if (!account) throw new UserError('That account no longer exists. See /account list.');
    return { messages: [], update: await restored(ctx, account) };
  },
};

/** Under an archived account's card: what archived means for it, and the way back. */
export function archivedNotice(ctx: CommandContext, account: Account): Message {
  const since = account.archivedAt ? ` since ${formatDateTimeInZone(account.archivedAt, ctx.workspace.timezone)}` : '';
  const said = `${account.name} is archived${since}: it is left out of every list, alert and KPI. Bring it back with /account restore "${account.name}".`;
  return message(said, [text(`🗄️ ${said}`)], { tone: 'info' });
}
