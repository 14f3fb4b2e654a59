// The Undo buttons on /tenure token create (the token is revoked) and /tenure token
// revoke (it works again); src/data/api-token-undo.ts does the work. Managing tokens
// is an admin's right, undone or not. The create's Undo names the token by its id
// only, and its answer replaces the confirmation — the one place the secret was shown.
import { z } from 'zod';
import { UserError } from '../src/core/errors.js';
import { isUuid } from '../src/core/ids.js';
import { requireWorkspaceAdmin } from '../src/core/roles.js';
import { undoTokenCreate, undoTokenRevoke } from '../src/data/api-token-undo.js';
import { tokenName, type ApiToken } from '../src/data/api-tokens.js';
import { message, text } from '../src/messages/builders.js';
import type { Message } from '../src/messages/message.js';
import type { CommandContext } from './context.js';
import type { ActionHandler } from './registry.js';
import { withUndo } from './undo-button.js';
import { undoValue } from './undo-value.js';

/** What the admin checks name: "Only workspace admins can manage API tokens". */
export const TOKEN_RIGHT = 'manage API tokens';

/** The new token's confirmation with its Undo button (which revokes it). */
export const withCreateUndo = (ctx: CommandContext, shown: Message, token: ApiToken): Message =>
  withUndo(ctx, shown, { id: 'token.undo-create', value: token.id, madeAt: ctx.now });

/** A revocation's confirmation (made at ctx.now) with its Undo button (the token works again). */
export const withRevokeUndo = (ctx: CommandContext, shown: Message, token: ApiToken): Message =>
  withUndo(ctx, shown, { id: 'token.undo-revoke', value: JSON.stringify({ t: token.id, at: ctx.now.toISOString() }), madeAt: ctx.now });

const revokeValue = z.object({ t: z.string().refine(isUuid), at: z.string().datetime() });

const actor = (ctx: CommandContext) => ({ userId: ctx.user.id, now: ctx.now, timezone: ctx.workspace.timezone });
const adminOnly = (ctx: CommandContext) => requireWorkspaceAdmin(ctx.db, ctx.workspace.id, { userId: ctx.user.id, now: ctx.now }, TOKEN_RIGHT);

export const TOKEN_UNDO_ACTIONS: Record<string, ActionHandler> = {
  async 'token.undo-create'(ctx, value) {
    if (!isUuid(value)) throw new UserError('That token can no longer be revoked from here. Revoke it with /tenure token revoke <id>.');
    await adminOnly(ctx);
    const token = await undoTokenCreate(ctx.db, ctx.workspace.id, value, actor(ctx));
    const said = `Undid creating ${tokenName(token)}: the token no longer works; requests with it are refused.`;
    return { messages: [], update: message(said, [text(`↩️ ${said}`)]) };
  },
  async 'token.undo-revoke'(ctx, value) {
    const target = undoValue(value, revokeValue);
    if (!target) throw new UserError('That revocation can no longer be undone from here. See the tokens with /tenure token list.');
    await adminOnly(ctx);
    const token = await undoTokenRevoke(ctx.db, ctx.workspace.id, { tokenId: target.t, at: new Date(target.at) }, actor(ctx));
    const said = `Undid revoking ${tokenName(token)}: it works again.`;
    return { messages: [], update: message(said, [text(`↩️ ${said}`)]) };
  },
};
