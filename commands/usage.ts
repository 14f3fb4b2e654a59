// /usage: record a usage and spend reading for an account (the adoption and
// financial inputs of the health score). Active/licensed also update the account.
import { z } from 'zod';
import { accountForChannel, requireLiveAccount, resolveLiveAccount } from '../src/core/accounts.js';
import { UserError } from '../src/core/errors.js';
import { formatMoney } from '../src/core/money.js';
import { recordCurrentUsage } from '../src/core/usage.js';
import { context, message, text } from '../src/messages/builders.js';
import { accountNameFrom } from './account-input.js';
import type { CommandContext } from './context.js';
import { countSchema, joinWords, moneySchema, splitOptions } from './parse.js';
import { USAGE_UNDO_ACTIONS, withUsageUndo } from './usage-undo.js';
import type { CommandDefinition } from './registry.js';

const USAGE = '/usage <account> active=72 [licensed=85] [spend=12000] [forecast=11000]';
const EXAMPLE = '/usage "Acme Corp" active=72 licensed=100 spend=$10.5k forecast=$10k';
const KEYS = ['active', 'licensed', 'spend', 'forecast'] as const;

const schema = (currency: string) =>
  z.object({
    active: countSchema.optional(),
    licensed: countSchema.optional(),
    spend: moneySchema(currency).optional(),
    forecast: moneySchema(currency).optional(),
  });

export const usageCommand: CommandDefinition = {
  name: 'usage',
  summary: 'Record a usage and spend reading for an account (active and licensed users, spend, forecast).',
  usage: [USAGE],
  examples: [EXAMPLE, '/usage Globex active=231'],
  actions: USAGE_UNDO_ACTIONS,
  async run(ctx: CommandContext, args) {
    const { words, options, unknown } = splitOptions(args, KEYS, { users: 'active', seats: 'licensed' });
    if (unknown[0]) throw new UserError(`Unknown field "${unknown[0].key}".`, { hint: `Fields: ${KEYS.join(', ')}.` });
    const parsed = schema(ctx.workspace.currency).safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const key = String(issue.path[0]);
      throw new UserError(`${key}=${options[key] ?? ''}: ${issue.message}`);
    }
    const reading = parsed.data;
    if (Object.keys(reading).length === 0) throw new UserError('Give at least one reading, e.g. active=72.');
    const name = joinWords(words);
    const account = name
      ? await resolveLiveAccount(ctx.db, ctx.workspace.id, accountNameFrom(name))
      : await accountForChannel(ctx.db, ctx.workspace.id, ctx.channel.id);
    if (!account) throw new UserError('Which account? Name it, or run /usage in a channel linked to the account.');
    requireLiveAccount(account);

    await recordCurrentUsage(
      ctx.db,
      ctx.workspace.id,
      { accountId: account.id, activeUsers: reading.active ?? null, licensedUsers: reading.licensed ?? null, spendCents: reading.spend ?? null, forecastCents: reading.forecast ?? null },
      { userId: ctx.user.id, now: ctx.now },
      'chat',
    );

    const licensed = reading.licensed ?? account.licensedUsers;
    const parts: string[] = [];
    if (reading.active !== undefined) {
      parts.push(licensed ? `${reading.active} of ${licensed} licensed users active (${Math.round((reading.active / licensed) * 100)}%)` : `${reading.active} active users`);
    } else if (reading.licensed !== undefined) parts.push(`${reading.licensed} licensed users`);
    const currency = ctx.workspace.currency;
    if (reading.spend !== undefined) parts.push(`spend ${formatMoney(reading.spend, currency)}`);
    if (reading.forecast !== undefined) parts.push(`forecast ${formatMoney(reading.forecast, currency)}`);
    if (reading.spend !== undefined && reading.forecast) {
      const variance = Math.round(((reading.spend - reading.forecast) / reading.forecast) * 100);
      parts.push(`${variance >= 0 ? '+' : ''}${variance}% against forecast`);
    }
    const summary = `Recorded usage for ${account.name}: ${parts.join(', ')}.`;
    const shown = message(summary, [text(`✅ Recorded usage for **${account.name}**: ${parts.join(', ')}.`), context(`See /health "${account.name}"`)], { tone: 'success' });
    return { messages: [withUsageUndo(ctx, shown, account.id)] };
  },
};
