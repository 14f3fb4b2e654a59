// The Undo button on /tenure admin add and /tenure admin remove
// (src/core/admin-undo.ts does the work). Managing admins is an admin's right, undone
// or not: the press checks it as the typed command does.
import { z } from 'zod';
import { undoAdminChange } from '../src/core/admin-undo.js';
import { UserError } from '../src/core/errors.js';
import { isUuid } from '../src/core/ids.js';
import { requireWorkspaceAdmin } from '../src/core/roles.js';
import type { User } from '../src/core/workspaces.js';
import { message, text } from '../src/messages/builders.js';
import type { Message } from '../src/messages/message.js';
import type { CommandContext } from './context.js';
import type { ActionHandler } from './registry.js';
import { withUndo } from './undo-button.js';
import { undoValue } from './undo-value.js';

/** The confirmation of `person`'s role change made at ctx.now, with its Undo button. */
export const withAdminUndo = (ctx: CommandContext, shown: Message, person: User): Message =>
  withUndo(ctx, shown, { id: 'admin.undo', value: JSON.stringify({ u: person.id, at: ctx.now.toISOString() }), madeAt: ctx.now });

const changeValue = z.object({ u: z.string().refine(isUuid), at: z.string().datetime() });

export const ADMIN_UNDO_ACTIONS: Record<string, ActionHandler> = {
  async 'admin.undo'(ctx, value) {
    const target = undoValue(value, changeValue);
    if (!target) throw new UserError('That change of admins can no longer be undone from here. See who is admin with /tenure admin list.');
    await requireWorkspaceAdmin(ctx.db, ctx.workspace.id, { userId: ctx.user.id, now: ctx.now }, 'add or remove admins');
    const { person, undid } = await undoAdminChange(ctx.db, ctx.workspace.id, { userId: target.u, at: new Date(target.at) }, { userId: ctx.user.id, now: ctx.now, timezone: ctx.workspace.timezone });
    const said =
      undid === 'grant' ? `Undid adding @${person.displayName} as admin: they are a member again.` : `Undid removing @${person.displayName} as admin: they are an admin again.`;
    return { messages: [], update: message(said, [text(`↩️ ${said}`)], { visibility: 'channel' }) };
  },
};
