// /tenure admin add|remove|list: who administers Tenure in this workspace, and
// `requireAdmin`, the check every admin-only command runs before it changes anything.
import { adminNames, grantAdmin, requireWorkspaceAdmin, revokeAdmin, workspaceAdmins, type AdminCheck } from '../src/core/roles.js';
import { UserError, withUsage } from '../src/core/errors.js';
import { findUserByName, findUserByPlatformId, ensureUser, type User } from '../src/core/workspaces.js';
import { context, mention, message, notice, text } from '../src/messages/builders.js';
import type { Reply } from '../src/messages/message.js';
import { ADMIN_UNDO_ACTIONS, withAdminUndo } from './admin-undo.js';
import type { CommandContext } from './context.js';
import { joinWords, subcommand, parseMention, type Token } from './parse.js';
import type { CommandDefinition } from './registry.js';

export type { AdminCheck };

const USAGE = {
  list: '/tenure admin list',
  add: '/tenure admin add @user',
  remove: '/tenure admin remove @user',
};
const EXAMPLE = {
  list: '/tenure admin list',
  add: '/tenure admin add @li',
  remove: '/tenure admin remove @li',
};

/** What admins may do that members may not, in one line for answers and help. */
export const ADMIN_RIGHTS =
  'Admins change the workspace currency and KPI margin, health weights and bands, ticket business hours, holidays and the alert channel, digest schedules and survey settings, and manage admins; everyone logs check-ins, tickets, usage and survey answers.';

/**
 * The check an admin-only command runs before it changes anything: passes for an
 * admin, makes the caller the first admin of a workspace that has none (see
 * src/core/roles.ts for why), and otherwise refuses with the admins' names.
 * `what` completes "Only workspace admins can …".
 */
export function requireAdmin(ctx: CommandContext, what: string): Promise<AdminCheck> {
  return requireWorkspaceAdmin(ctx.db, ctx.workspace.id, { userId: ctx.user.id, now: ctx.now }, what);
}

/** Tells a person who just became the workspace's first admin what happened. */
export function withClaimNotice(reply: Reply, check: AdminCheck): Reply {
  if (!check.claimed) return reply;
  const note = notice(
    'You are now an admin of Tenure in this workspace: it had none, and the first person to change a setting becomes admin. Add others with /tenure admin add @name.',
    { tone: 'info' },
  );
  return { ...reply, messages: [...reply.messages, note] };
}

/**
 * The person a mention names: Slack's `<@U123|ana>` (found or recorded by id), a
 * plain `@ana`, or — as Teams sends a mention once the markup is gone — their
 * display name. Only people of this workspace are found.
 */
async function personFrom(ctx: CommandContext, words: Token[], which: 'add' | 'remove'): Promise<User> {
  const raw = joinWords(words);
  if (!raw) throw new UserError('Who? Mention the person.', { usage: USAGE[which], example: EXAMPLE[which] });
  const parsed = words.length === 1 ? parseMention(words[0]!.text) : null;
  if (parsed?.kind === 'channel') throw new UserError(`${raw} is a channel; mention a person, e.g. @li.`, { usage: USAGE[which], example: EXAMPLE[which] });
  if (parsed?.kind === 'user') {
    const known = await findUserByPlatformId(ctx.db, ctx.workspace.id, parsed.id);
    return known ?? ensureUser(ctx.db, ctx.workspace.id, { platformUserId: parsed.id, displayName: parsed.name ?? parsed.id });
  }
  const name = parsed?.kind === 'name' ? parsed.name : raw.replace(/^@/, '');
  const found = await findUserByName(ctx.db, ctx.workspace.id, name);
  if (found) return found;
  // The console knows people by name: a new name there is a new person (as for owner=@name).
  if (which === 'add' && ctx.workspace.platform === 'console' && /^[\p{L}\p{N}._-]{1,40}$/u.test(name)) {
    return ensureUser(ctx.db, ctx.workspace.id, { platformUserId: name.toLowerCase(), displayName: name });
  }
  throw new UserError(`Nobody called @${name} has used Tenure here yet.`, {
    hint: 'Pick them from the mention list so the command carries their id, or ask them to type any Tenure command first.',
    usage: USAGE[which],
    example: EXAMPLE[which],
  });
}

async function list(ctx: CommandContext): Promise<Reply> {
  const admins = await workspaceAdmins(ctx.db, ctx.workspace.id);
  if (admins.length === 0) {
    return {
      messages: [
        message('No admins yet', [
          text('This workspace has no Tenure admin yet: the first person to change a setting (or to run /tenure admin add @name) becomes admin.'),
          context(ADMIN_RIGHTS),
        ]),
      ],
    };
  }
  const names = admins.map((a) => mention(a.platformUserId, a.displayName)).join(', ');
  return {
    messages: [
      message(`Admins: ${admins.map((a) => `@${a.displayName}`).join(', ')}`, [
        text(`**Admins here (${admins.length}):** ${names}`),
        context(ADMIN_RIGHTS),
        context('Add one with /tenure admin add @name; remove one with /tenure admin remove @name (not the last).'),
      ]),
    ],
  };
}

async function add(ctx: CommandContext, words: Token[]): Promise<Reply> {
  // Refused before the mention is read: a member's attempt records nobody.
  const check = await requireAdmin(ctx, 'add or remove admins');
  const target = await personFrom(ctx, words, 'add');
  const granted = await grantAdmin(ctx.db, ctx.workspace.id, target, { userId: ctx.user.id, now: ctx.now });
  const who = mention(target.platformUserId, target.displayName);
  const reply: Reply = granted
    ? { messages: [withAdminUndo(ctx, notice(`✅ ${who} is now an admin of Tenure here, added by @${ctx.user.displayName}.`, { visibility: 'channel', tone: 'success' }), target)] }
    : { messages: [notice(`${who} is already an admin here.`, { tone: 'info' })] };
  return withClaimNotice(reply, check);
}

async function remove(ctx: CommandContext, words: Token[]): Promise<Reply> {
  const check = await requireAdmin(ctx, 'add or remove admins');
  const target = await personFrom(ctx, words, 'remove');
  // The last-admin refusal comes from the core without a usage line: give it this one.
  const revoked = await revokeAdmin(ctx.db, ctx.workspace.id, target, { userId: ctx.user.id, now: ctx.now }).catch(withUsage(USAGE.remove, EXAMPLE.remove));
  const who = mention(target.platformUserId, target.displayName);
  const reply: Reply = revoked
    ? { messages: [withAdminUndo(ctx, notice(`✅ ${who} is no longer an admin of Tenure here, removed by @${ctx.user.displayName}.`, { visibility: 'channel', tone: 'success' }), target)] }
    : { messages: [notice(`${who} is not an admin here. See /tenure admin list.`, { tone: 'info' })] };
  return withClaimNotice(reply, check);
}

export const adminCommand: CommandDefinition = {
  name: 'admin',
  summary: 'Who administers Tenure here: list admins, add or remove one',
  usage: [USAGE.list, USAGE.add, USAGE.remove],
  examples: [EXAMPLE.add, EXAMPLE.list, EXAMPLE.remove],
  // Typed as /tenure admin …: a Slack slash command called /admin would collide with other apps.
  tenureOnly: true,
  async run(ctx, args) {
    const { sub, rest } = subcommand(args);
    if (sub === '' || sub === 'list') {
      if (rest.length > 0) throw new UserError(`/tenure admin list takes nothing more; "${joinWords(rest)}" is extra.`, { usage: USAGE.list, example: EXAMPLE.list });
      return list(ctx);
    }
    if (sub === 'add' || sub === 'grant') return add(ctx, rest);
    if (sub === 'remove' || sub === 'revoke') return remove(ctx, rest);
    throw new UserError(`"${args[0]!.text}" is not an admin command: use list, add or remove.`, { usage: USAGE.add, example: EXAMPLE.add });
  },
  actions: { ...ADMIN_UNDO_ACTIONS },
};
