// /tenure token create|list|revoke: ingest API tokens that write to this workspace
// only, for the billing, RMM and PSA tools that send usage and accounts. Admins
// only. A new token is shown once, privately; Tenure keeps only its SHA-256.
import { UserError, withUsage } from '../src/core/errors.js';
import { formatDateTime } from '../src/core/time.js';
import { createApiToken, listApiTokens, MAX_LABEL, revokeApiToken, tokenName, type ListedToken } from '../src/data/api-tokens.js';
import { context, header, message, notice, text } from '../src/messages/builders.js';
import type { Reply } from '../src/messages/message.js';
import { requireAdmin, withClaimNotice } from './admin.js';
import type { CommandContext } from './context.js';
import { joinWords, subcommand, parseShortId, type Token } from './parse.js';
import type { CommandDefinition } from './registry.js';
import { TOKEN_RIGHT, TOKEN_UNDO_ACTIONS, withCreateUndo, withRevokeUndo } from './token-undo.js';

const USAGE = {
  create: '/tenure token create [label…]',
  list: '/tenure token list',
  revoke: '/tenure token revoke <id>',
};
const EXAMPLE = {
  create: '/tenure token create billing export',
  list: '/tenure token list',
  revoke: '/tenure token revoke 3',
};
const WHAT = TOKEN_RIGHT;

/**
 * Teams shows every answer in a channel or group chat to everyone there (it has no
 * private replies); a new token may only be shown in the personal chat, whose
 * conversation ids are the only ones starting with "a:".
 */
function answersArePublic(ctx: CommandContext): boolean {
  return ctx.workspace.platform === 'teams' && !ctx.channel.id.startsWith('a:');
}

function labelOf(words: Token[]): string {
  const keyed = words.find((w) => w.key === 'label');
  return (keyed ? (keyed.value ?? '') : joinWords(words)).trim();
}

async function create(ctx: CommandContext, words: Token[]): Promise<Reply> {
  if (answersArePublic(ctx)) {
    throw new UserError('A new token is shown only once, and here everyone in this conversation would see it.', {
      hint: 'Open a personal chat with Tenure and type token create there.',
      usage: USAGE.create,
      example: EXAMPLE.create,
    });
  }
  const label = labelOf(words);
  if (label.length > MAX_LABEL) throw new UserError(`The label is too long (at most ${MAX_LABEL} characters).`, { usage: USAGE.create, example: EXAMPLE.create });
  const check = await requireAdmin(ctx, WHAT);
  const { token, row } = await createApiToken(ctx.db, ctx.workspace.id, label, { userId: ctx.user.id, now: ctx.now });
  const name = tokenName(row);
  const shown = message(`${name} created: copy it now, it is shown only once`, [
    header(`${name} created`),
    text(`\`${token}\``),
    text(
      'Copy it now: it is shown only this once (Tenure keeps only a fingerprint). It writes to this workspace only, through `POST /api/v1/accounts` and `POST /api/v1/usage` with the header `Authorization: Bearer <token>`.',
    ),
    context(`Revoke it with /tenure token revoke ${row.number}. See all tokens with /tenure token list.`),
  ]);
  const reply: Reply = { messages: [withCreateUndo(ctx, shown, row)] };
  return withClaimNotice(reply, check);
}

function tokenLine(t: ListedToken, timezone: string): string {
  const label = t.label ? ` ${t.label}` : '';
  const by = t.createdByName ? ` by @${t.createdByName}` : '';
  const state = t.revokedAt
    ? `revoked ${formatDateTime(t.revokedAt, timezone)}`
    : t.lastUsedAt
      ? `last used ${formatDateTime(t.lastUsedAt, timezone)}`
      : 'never used';
  return `• **#${t.number}**${label} — created ${formatDateTime(t.createdAt, timezone)}${by}; ${state}`;
}

async function list(ctx: CommandContext): Promise<Reply> {
  const check = await requireAdmin(ctx, WHAT);
  const tokens = await listApiTokens(ctx.db, ctx.workspace.id);
  if (tokens.length === 0) {
    return withClaimNotice({ messages: [notice(`No API tokens in this workspace yet. Create one with ${USAGE.create}.`)] }, check);
  }
  const live = tokens.filter((t) => !t.revokedAt).length;
  return withClaimNotice(
    {
      messages: [
        message(`${live} live API ${live === 1 ? 'token' : 'tokens'}`, [
          header('API tokens'),
          text(tokens.map((t) => tokenLine(t, ctx.workspace.timezone)).join('\n')),
          context(`Times in ${ctx.workspace.timezone}. Tokens write to this workspace only; revoke one with ${USAGE.revoke}.`),
        ]),
      ],
    },
    check,
  );
}

async function revoke(ctx: CommandContext, words: Token[]): Promise<Reply> {
  const id = words.length === 1 ? parseShortId(words[0]!.text) : null;
  if (id === null) {
    throw new UserError(words.length === 0 ? 'Which token? Give its id from /tenure token list.' : `"${joinWords(words)}" is not a token id.`, {
      usage: USAGE.revoke,
      example: EXAMPLE.revoke,
    });
  }
  const check = await requireAdmin(ctx, WHAT);
  // "No such token" comes from src/data without a usage line: give it this one.
  const { token: row, revoked } = await revokeApiToken(ctx.db, ctx.workspace.id, id, { userId: ctx.user.id, now: ctx.now }).catch(withUsage(USAGE.revoke, EXAMPLE.revoke));
  const name = tokenName(row);
  const reply: Reply = !revoked
    ? { messages: [notice(`${name} was already revoked.`, { tone: 'info' })] }
    : { messages: [withRevokeUndo(ctx, notice(`✅ ${name} is revoked: requests with it are refused from now on.`, { tone: 'success' }), row)] };
  return withClaimNotice(reply, check);
}

export const tokenCommand: CommandDefinition = {
  name: 'token',
  summary: 'Ingest API tokens for this workspace: create one (shown once), list them, revoke one. Admins only.',
  usage: [USAGE.create, USAGE.list, USAGE.revoke],
  examples: [EXAMPLE.create, EXAMPLE.list, EXAMPLE.revoke],
  // /token as a Slack slash command would collide with other apps.
  tenureOnly: true,
  async run(ctx, args) {
    const { sub, rest } = subcommand(args);
    if (sub === '' || sub === 'list') {
      if (rest.length > 0) throw new UserError(`/tenure token list takes nothing more; "${joinWords(rest)}" is extra.`, { usage: USAGE.list, example: EXAMPLE.list });
      return list(ctx);
    }
    if (sub === 'create' || sub === 'new') return create(ctx, rest);
    if (sub === 'revoke' || sub === 'delete') return revoke(ctx, rest);
    throw new UserError(`"${args[0]!.text}" is not a token command: use create, list or revoke.`, { usage: USAGE.create, example: EXAMPLE.create });
  },
  actions: { ...TOKEN_UNDO_ACTIONS },
};
