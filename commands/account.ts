// /account: add, show, list, set fields, and link the current channel.
import { LIFECYCLE_STAGES } from '../db/schema.js';
import {
  accountActivity,
  createAccount,
  getAccount,
  listAccounts,
  countAccounts,
  type LifecycleStage,
  requireLiveAccount,
  resolveAccount,
  resolveLiveAccount,
  updateAccount,
  type Account,
} from '../src/core/accounts.js';
import { accountChannelList, linkChannel, type ChannelKind } from '../src/core/channel-kinds.js';
import { UserError } from '../src/core/errors.js';
import { portfolioHealth } from '../src/core/health-inputs.js';
import { isUuid } from '../src/core/ids.js';
import { formatMoney } from '../src/core/money.js';
import { healthConfigFor, workspaceSettings } from '../src/core/settings.js';
import { formatDay, localDate } from '../src/core/time.js';
import { getUser } from '../src/core/workspaces.js';
import { context, message, notice, text } from '../src/messages/builders.js';
import type { Reply } from '../src/messages/message.js';
import { accountCard, accountListLine, listMessage, type CardSettings } from './account-card.js';
import { stageText } from './churned.js';
import {
  ACCOUNT_FIELD_HELP,
  ACCOUNT_KEY_ALIASES,
  ACCOUNT_KEYS,
  accountNameSchema,
  parseAccountFields,
  splitAccountOptions,
  rejectUnknownKeys,
} from './account-fields.js';
import { historyReply, importHelpReply } from './account-history.js';
import { ARCHIVE_ACTIONS, ARCHIVE_EXAMPLE, ARCHIVE_USAGE, archiveCommand, archivedNotice, restoreCommand } from './account-archive.js';
import { ACCOUNT_UNDO_ACTIONS, withAddUndo, withLinkUndo, withSetUndo } from './account-undo.js';
import type { CommandContext } from './context.js';
import { standingOf } from './customer-channel.js';
import { joinWords, splitOptions, type Token } from './parse.js';
import type { CommandDefinition } from './registry.js';
import { subcommandBeforeAccount } from './word-order.js';

const USAGE = {
  add: '/account add <name> [arr=120k] [renewal=2027-03-31] [licensed=100] [active=72] [stage=onboard] [owner=@user] [tier=gold]',
  show: '/account <name>',
  list: '/account list [stage]',
  set: '/account set <name> key=value …',
  link: '/account link <name> [customer|internal]',
  history: '/account history <name>',
  import: '/account import',
};
const EXAMPLE = {
  add: '/account add "Acme Corp" arr=$120k renewal=31 Mar licensed=100 active=72 stage=onboard owner=@ana',
  show: '/account "Acme Corp"',
  list: '/account list adopt',
  set: '/account set "Acme Corp" renewal=30 Jun active=80',
  link: '/account link "Acme Corp" internal',
  history: '/account history "Acme Corp"',
  import: '/account import',
};

/** The most accounts one list answer shows; the rest are counted. */
const LIST_LIMIT = 100;

function cardSettings(ctx: CommandContext): CardSettings {
  return { timezone: ctx.workspace.timezone, currency: ctx.workspace.currency, cadenceMode: workspaceSettings(ctx.workspace).cadenceMode };
}

function nameFrom(words: Token[], usage: keyof typeof USAGE): string {
  const parsed = accountNameSchema.safeParse(joinWords(words));
  if (!parsed.success) throw new UserError(parsed.error.issues[0]!.message, { usage: USAGE[usage], example: EXAMPLE[usage] });
  return parsed.data;
}

async function showAccount(ctx: CommandContext, account: Account): Promise<Reply> {
  const [activity, channels, owner, health] = await Promise.all([
    accountActivity(ctx.db, ctx.workspace.id, [account.id], { now: ctx.now }),
    accountChannelList(ctx.db, ctx.workspace.id, account.id),
    account.ownerUserId ? getUser(ctx.db, ctx.workspace.id, account.ownerUserId) : Promise.resolve(undefined),
    // The same score as /health (churned accounts have none).
    portfolioHealth(ctx.db, ctx.workspace.id, { now: ctx.now, timezone: ctx.workspace.timezone, config: healthConfigFor(ctx.workspace), accountId: account.id }),
  ]);
  return {
    messages: [
      accountCard(account, { activity: activity.get(account.id), ownerName: owner?.displayName ?? null, channels, health: health[0]?.health ?? null }, cardSettings(ctx), ctx.now),
      ...(account.archivedAt ? [archivedNotice(ctx, account)] : []),
    ],
  };
}

async function add(ctx: CommandContext, args: Token[]): Promise<Reply> {
  const { words, options, unknown } = splitAccountOptions(ctx, args);
  rejectUnknownKeys(unknown, ACCOUNT_KEYS.filter((k) => k !== 'name'));
  if (options.name !== undefined && words.length === 0) words.push({ text: options.name, quoted: true });
  delete options.name;
  const name = nameFrom(words.filter((w) => w.key === undefined), 'add');
  const fields = await parseAccountFields(ctx, options);
  const account = await ctx.db.transaction((tx) => createAccount(tx, ctx.workspace.id, { ...fields, name }, { userId: ctx.user.id, now: ctx.now }));
  const facts = describeFields(account, ctx);
  const overdue = overdueWarning(account, ctx);
  const summary = `Added account ${account.name}.${overdue ? ' Its renewal date has passed: overdue — record an outcome.' : ''}`;
  return {
    messages: [
      withAddUndo(
        ctx,
        message(summary, [
          text(`✅ Added account **${account.name}**${facts ? ` — ${facts}` : ''}.`),
          ...(overdue ? [text(overdue)] : []),
          context(`Link its channel with /account link "${account.name}", log a touch with /checkin "${account.name}" call …`),
        ], { visibility: 'channel', tone: 'success' }),
        account.id,
      ),
    ],
  };
}

/**
 * A renewal date already passed is allowed (an account is often added late), but it
 * has no outcome yet: say so now, as /renewals, the digest and the App Home will.
 */
function overdueWarning(a: Account, ctx: CommandContext): string | undefined {
  if (!a.renewalDate || a.stage === 'churned' || a.renewalDate >= localDate(ctx.now, ctx.workspace.timezone)) return undefined;
  return `⚠️ The renewal date ${formatDay(a.renewalDate)} has passed: overdue — record an outcome with /renewal "${a.name}" renewed|expanded|downgraded|churned.`;
}

function describeFields(a: Account, ctx: CommandContext): string {
  const parts: string[] = [`stage ${stageText(a, ctx.workspace.currency)}`];
  if (a.arrCents !== null && a.stage !== 'churned') parts.push(`ARR ${formatMoney(a.arrCents, ctx.workspace.currency)}`);
  if (a.renewalDate) parts.push(`renews ${formatDay(a.renewalDate)}`);
  if (a.contractStart) parts.push(`contract start ${formatDay(a.contractStart)}`);
  if (a.kickoffDate) parts.push(`kickoff ${formatDay(a.kickoffDate)}`);
  if (a.licensedUsers !== null) parts.push(`${a.licensedUsers} licensed`);
  if (a.activeUsers !== null) parts.push(`${a.activeUsers} active`);
  if (a.tier) parts.push(`tier ${a.tier}`);
  return parts.join(', ');
}

const FIELD_LABELS: Record<string, string> = {
  name: 'name',
  arrCents: 'ARR',
  renewalDate: 'renewal',
  contractStart: 'contract start',
  licensedUsers: 'licensed users',
  activeUsers: 'active users',
  stage: 'stage',
  tier: 'tier',
  ownerUserId: 'owner',
  kickoffDate: 'kickoff',
  externalId: 'external id',
};

async function set(ctx: CommandContext, args: Token[]): Promise<Reply> {
  const { words, options, unknown } = splitAccountOptions(ctx, args);
  rejectUnknownKeys(unknown, ACCOUNT_KEYS);
  const name = nameFrom(words, 'set');
  if (Object.keys(options).length === 0) {
    throw new UserError(`Nothing to change on "${name}": add one or more fields.`, {
      hint: `Fields: ${ACCOUNT_FIELD_HELP}. Clear one with key=none.`,
      usage: USAGE.set,
      example: EXAMPLE.set,
    });
  }
  const account = await resolveAccount(ctx.db, ctx.workspace.id, name);
  const fields = await parseAccountFields(ctx, options);
  const { after, changed } = await ctx.db.transaction((tx) =>
    updateAccount(tx, ctx.workspace.id, account.id, fields, { userId: ctx.user.id, now: ctx.now }),
  );
  if (changed.length === 0) return { messages: [notice(`Nothing changed: **${after.name}** already has those values.`, { tone: 'info' })] };
  const summary = `Updated ${after.name}: ${changed.map((c) => FIELD_LABELS[c] ?? c).join(', ')}.`;
  const overdue = changed.includes('renewalDate') ? overdueWarning(after, ctx) : undefined;
  return {
    messages: [
      withSetUndo(
        ctx,
        message(summary, [text(`✅ Updated **${after.name}**: ${changed.map((c) => FIELD_LABELS[c] ?? c).join(', ')}.`), ...(overdue ? [text(overdue)] : []), context(describeFields(after, ctx))], {
          visibility: 'channel',
          tone: 'success',
        }),
        after.id,
      ),
    ],
  };
}

const KIND_WORDS: Record<string, ChannelKind> = { customer: 'customer', internal: 'internal' };

/** What each kind of channel gets, said on linking so nobody has to guess. */
const KIND_MEANING: Record<ChannelKind, string> = {
  customer: 'surveys will be posted here, alerts will not; anything else typed here is answered privately',
  internal: 'alerts for this account (renewals, SLA, health drops, detractors, check-ins due) will be posted here; surveys will not',
};

async function link(ctx: CommandContext, account: Account, asked: ChannelKind | undefined): Promise<Reply> {
  const standing = await standingOf(ctx);
  const shared = standing?.sharedExternally === true || ctx.channel.sharedExternally === true;
  // No kind typed: a shared channel is the customer's; an existing link keeps its kind; else customer, as links always were.
  const kind = asked ?? (shared ? 'customer' : (standing?.linkedAs ?? 'customer'));
  const { previous } = await ctx.db.transaction((tx) =>
    linkChannel(tx, ctx.workspace.id, { accountId: account.id, channelId: ctx.channel.id, channelName: ctx.channel.name, kind, sharedExternally: shared }, { userId: ctx.user.id, now: ctx.now }),
  );
  const previousAccount = previous && previous.accountId !== account.id ? await getAccount(ctx.db, ctx.workspace.id, previous.accountId) : undefined;
  const where = ctx.channel.name ? `#${ctx.channel.name}` : 'this channel';
  const moved = previousAccount ? ` (it was linked to ${previousAccount.name} before)` : previous && previous.kind !== kind ? ` (it was a${previous.kind === 'internal' ? 'n internal' : ' customer'} channel before)` : '';
  const why = !asked && shared ? ' It is shared with another organisation, so it can only be a customer channel.' : '';
  const summary = `Linked ${where} to ${account.name} as a${kind === 'internal' ? 'n internal' : ' customer'} channel${moved}: ${KIND_MEANING[kind]}.`;
  const other = kind === 'customer' ? `Alerts go to an internal channel: run /account link "${account.name}" internal in your team’s channel.` : `Surveys go to a customer channel: run /account link "${account.name}" customer where the customer is.`;
  return {
    messages: [
      withLinkUndo(
        ctx,
        message(summary, [
          text(`🔗 Linked ${where} to **${account.name}** as a${kind === 'internal' ? 'n internal' : ' customer'} channel${moved}: ${KIND_MEANING[kind]}.${why}`),
          context(other),
          // Said publicly only where the customer does not read (the registry looked before the link).
        ], { visibility: kind === 'customer' || shared ? 'ephemeral' : 'channel', tone: 'success' }),
        account.id,
      ),
    ],
  };
}

/** `/account link <name> [customer|internal]`: the kind is a last unquoted word, or kind=… */
async function linkCommand(ctx: CommandContext, args: Token[]): Promise<Reply> {
  const { words, options, unknown } = splitOptions(args, ['kind']);
  if (unknown.length > 0) throw new UserError(`/account link takes a name and a kind, not "${unknown[0]!.text}".`, { usage: USAGE.link, example: EXAMPLE.link });
  let kindWord = options.kind?.toLowerCase();
  const last = words[words.length - 1];
  if (kindWord === undefined && words.length > 1 && last && !last.quoted && KIND_WORDS[last.text.toLowerCase()]) {
    kindWord = last.text.toLowerCase();
    words.pop();
  }
  if (kindWord !== undefined && !KIND_WORDS[kindWord]) {
    throw new UserError(`"${kindWord}" is not a kind of channel: use customer (where the customer reads; surveys) or internal (your team's; alerts).`, { usage: USAGE.link, example: EXAMPLE.link });
  }
  const name = nameFrom(words, 'link');
  return link(ctx, await resolveLiveAccount(ctx.db, ctx.workspace.id, name), kindWord ? KIND_WORDS[kindWord] : undefined);
}

async function list(ctx: CommandContext, args: Token[]): Promise<Reply> {
  const filter = joinWords(args).toLowerCase();
  if (filter && !(LIFECYCLE_STAGES as readonly string[]).includes(filter)) {
    throw new UserError(`"${filter}" is not a lifecycle stage.`, { hint: `Use one of ${LIFECYCLE_STAGES.join(', ')}.`, usage: USAGE.list, example: EXAMPLE.list });
  }
  const stage = (filter || undefined) as LifecycleStage | undefined;
  const [shown, total] = await Promise.all([
    listAccounts(ctx.db, ctx.workspace.id, { stage, limit: LIST_LIMIT }),
    countAccounts(ctx.db, ctx.workspace.id, { stage }),
  ]);
  if (shown.length === 0) {
    return {
      messages: [
        notice(filter ? `No accounts in stage ${filter}.` : 'No accounts yet. Add the first with /account add "Acme Corp" arr=120k renewal=2027-03-31.', { tone: 'info' }),
      ],
    };
  }
  const activity = await accountActivity(ctx.db, ctx.workspace.id, shown.map((a) => a.id), { now: ctx.now });
  const settings = cardSettings(ctx);
  const today = localDate(ctx.now, settings.timezone);
  const lines = shown.map((a) => accountListLine(a, activity.get(a.id), settings, today));
  const title = filter ? `Accounts in ${filter} (${total})` : `Accounts (${total})`;
  return { messages: [listMessage(lines, total, title, 'Open one with /account <name>.')] };
}

/** The subcommands that name one account, which may also be typed after its name. */
const NAMED_SUBCOMMANDS = ['set', 'link', 'history', 'archive', 'restore'] as const;

export const accountCommand: CommandDefinition = {
  name: 'account',
  summary: 'Add, show, list and change customer accounts; link a channel to one.',
  usage: [USAGE.add, USAGE.show, USAGE.list, USAGE.set, USAGE.link, USAGE.history, USAGE.import, ARCHIVE_USAGE.archive, ARCHIVE_USAGE.restore],
  examples: [EXAMPLE.add, EXAMPLE.show, EXAMPLE.set, EXAMPLE.link, EXAMPLE.history, ARCHIVE_EXAMPLE.archive, ARCHIVE_EXAMPLE.restore],
  async run(ctx, typed) {
    // `/account "Acme Corp" set tier=gold` reads as `/account set "Acme Corp" tier=gold`.
    const args = await subcommandBeforeAccount(ctx, typed, NAMED_SUBCOMMANDS, ['add', 'list', 'import']);
    const first = args[0];
    const sub = first && !first.quoted && first.key === undefined ? first.text.toLowerCase() : '';
    if (!first || sub === 'list') return list(ctx, args.slice(1));
    if (sub === 'add') return add(ctx, args.slice(1));
    if (sub === 'set') return set(ctx, args.slice(1));
    if (sub === 'link') return linkCommand(ctx, args.slice(1));
    if (sub === 'import') return importHelpReply();
    if (sub === 'archive' && args.length > 1) return archiveCommand(ctx, args.slice(1));
    if (sub === 'restore' && args.length > 1) return restoreCommand(ctx, args.slice(1));
    if (sub === 'history') {
      const name = nameFrom(args.slice(1), 'history');
      return historyReply(ctx, await resolveAccount(ctx.db, ctx.workspace.id, name));
    }
    const { unknown } = splitOptions(args, []);
    if (unknown.length > 0) {
      throw new UserError(`To change fields use /account set: "${unknown[0]!.text}" can't go with /account <name>.`, {
        usage: USAGE.set,
        example: EXAMPLE.set,
      });
    }
    const name = nameFrom(args, 'show');
    return showAccount(ctx, await resolveAccount(ctx.db, ctx.workspace.id, name));
  },
  actions: {
    ...ARCHIVE_ACTIONS,
    ...ACCOUNT_UNDO_ACTIONS,
    async 'account.show'(ctx, value) {
      const account = await accountById(ctx, value);
      return showAccount(ctx, account);
    },
    async 'account.link'(ctx, value) {
      return link(ctx, requireLiveAccount(await accountById(ctx, value)), undefined);
    },
  },
};

async function accountById(ctx: CommandContext, id: string): Promise<Account> {
  const account = isUuid(id) ? await getAccount(ctx.db, ctx.workspace.id, id) : undefined;
  if (!account) throw new UserError('That account no longer exists. See /account list.');
  return account;
}
