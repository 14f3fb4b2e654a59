// /renewals [days=120]: renewals whose date has passed without an outcome (overdue)
// on top, then those due in the window, soonest first, with a risk rating;
// /renewal <account> <outcome> [reason=…] [arr=…]: record the outcome;
// /renewal undo <account>: take it back.
import { RENEWAL_OUTCOMES } from '../db/schema.js';
import { accountForChannel, resolveAccount, type Account } from '../src/core/accounts.js';
import { UserError } from '../src/core/errors.js';
import { isUuid } from '../src/core/ids.js';
import { formatMoney, formatMoneyShort } from '../src/core/money.js';
import { findRenewalOutcome, recordRenewalOutcome, undoRenewalOutcome } from '../src/core/renewal-outcomes.js';
import { listRenewals, RENEWAL_REASONS, type RenewalEntry, type RenewalOutcome, type RenewalReason, type RenewalRisk } from '../src/core/renewals.js';
import { healthConfigFor } from '../src/core/settings.js';
import { formatDateTimeInZone, formatDay, relativeDays } from '../src/core/time.js';
import { actions, button, context, header, message, text } from '../src/messages/builders.js';
import type { Message, Reply } from '../src/messages/message.js';
import { accountNameFrom, splitAccountAndKeyword } from './account-input.js';
import type { CommandContext } from './context.js';
import { joinWords, parseCount, readMoney, splitOptions, type Token } from './parse.js';
import type { CommandDefinition } from './registry.js';
import { accountBeforeKeyword } from './word-order.js';

const RENEWALS_USAGE = '/renewals [days=120]';
const RENEWALS_EXAMPLE = '/renewals days=90';
const RENEWAL_USAGE = `/renewal <account> <${RENEWAL_OUTCOMES.join('|')}> [reason=${RENEWAL_REASONS.join('|')}] [arr=…]`;
const RENEWAL_EXAMPLE = '/renewal "Acme Corp" expanded arr=150k';
const UNDO_USAGE = '/renewal undo <account>';
const UNDO_EXAMPLE = '/renewal undo "Acme Corp"';
const MAX_DAYS = 730;
const LIST_LIMIT = 50;
export const RISK_ICON: Record<RenewalRisk, string> = { high: '🔴', medium: '🟡', low: '🟢' };

/**
 * One row per renewal: one risk marker (the renewal risk's colour) and the health
 * score as a number, so a row never shows 🔴 high risk beside a green band icon.
 */
export function renewalLine(r: RenewalEntry, currency: string): string {
  const arr = r.arrCents !== null ? ` · ${formatMoneyShort(r.arrCents, currency)} ARR` : '';
  return `${RISK_ICON[r.risk]} **${r.name}** — ${formatDay(r.renewalDate)} (${relativeDays(r.daysLeft)})${arr} · ${r.risk} risk: ${r.reasons.join(', ')} · ${r.health.score === null ? 'no health score' : `health ${r.health.score}`}`;
}

/** A renewal whose date has passed with no outcome recorded. */
export function overdueRenewalLine(r: Pick<RenewalEntry, 'name' | 'renewalDate' | 'daysLeft' | 'arrCents'>, currency: string): string {
  const arr = r.arrCents !== null ? ` · ${formatMoneyShort(r.arrCents, currency)} ARR` : '';
  return `⚠️ **${r.name}** — ${formatDay(r.renewalDate)} (passed ${relativeDays(r.daysLeft)})${arr} · overdue — record an outcome: /renewal "${r.name}" renewed|expanded|downgraded|churned`;
}

export function renewalsMessage(list: RenewalEntry[], days: number, currency: string): Message {
  const overdue = list.filter((r) => r.daysLeft < 0);
  const upcoming = list.filter((r) => r.daysLeft >= 0);
  if (list.length === 0) {
    return message(`No renewals in the next ${days} days`, [text(`No renewals in the next ${days} days. Set renewal dates with /account set "Acme Corp" renewal=2027-03-31.`)]);
  }
  const high = upcoming.filter((r) => r.risk === 'high');
  const atRisk = high.reduce((sum, r) => sum + (r.arrCents ?? 0), 0);
  const shown = upcoming.slice(0, LIST_LIMIT);
  const blocks = [header(`Renewals in the next ${days} days — ${upcoming.length}`)];
  if (overdue.length > 0) {
    // First: a renewal date that passed without an outcome is the one thing here already late.
    const shownOverdue = overdue.slice(0, LIST_LIMIT);
    blocks.push(text([`**Overdue — record an outcome (${overdue.length})**`, ...shownOverdue.map((r) => overdueRenewalLine(r, currency))].join('\n')));
    if (overdue.length > shownOverdue.length) blocks.push(context(`…and ${overdue.length - shownOverdue.length} more overdue.`));
  }
  blocks.push(text(shown.length > 0 ? shown.map((r) => renewalLine(r, currency)).join('\n') : `No renewals in the next ${days} days.`));
  if (upcoming.length > shown.length) blocks.push(context(`…and ${upcoming.length - shown.length} more. Narrow the window with days=…`));
  blocks.push(context(`${high.length} at high risk (${formatMoney(atRisk, currency)} ARR). Record an outcome with ${RENEWAL_EXAMPLE}.`));
  const late = overdue.length > 0 ? `; ${overdue.length} overdue — record an outcome` : '';
  return message(`${upcoming.length} renewals in the next ${days} days, ${high.length} at high risk${late}`, blocks);
}

function parseDays(tokens: Token[]): number {
  const { words, options, unknown } = splitOptions(tokens, ['days']);
  if (unknown.length > 0) throw new UserError(`"${unknown[0]!.text}" is not an option of /renewals.`, { usage: RENEWALS_USAGE, example: RENEWALS_EXAMPLE });
  const raw = options.days ?? (words.length === 1 ? words[0]!.text : undefined);
  if (words.length > (options.days === undefined ? 1 : 0)) throw new UserError(`/renewals takes only a number of days.`, { usage: RENEWALS_USAGE, example: RENEWALS_EXAMPLE });
  if (raw === undefined) return 120;
  const days = parseCount(raw.replace(/d(ays)?$/i, ''));
  if (days === null || days < 1 || days > MAX_DAYS) throw new UserError(`"${raw}" is not a number of days from 1 to ${MAX_DAYS}.`, { usage: RENEWALS_USAGE, example: RENEWALS_EXAMPLE });
  return days;
}

export const renewalsCommand: CommandDefinition = {
  name: 'renewals',
  summary: 'Renewals due in the window, soonest first, with a risk rating',
  usage: [RENEWALS_USAGE],
  examples: [RENEWALS_EXAMPLE, '/renewals'],
  async run(ctx: CommandContext, args: Token[]): Promise<Reply> {
    const days = parseDays(args);
    const list = await listRenewals(ctx.db, ctx.workspace.id, { now: ctx.now, timezone: ctx.workspace.timezone, days, config: healthConfigFor(ctx.workspace) });
    return { messages: [renewalsMessage(list, days, ctx.workspace.currency)] };
  },
};

const isOutcome = (t: Token) => !t.quoted && t.key === undefined && (RENEWAL_OUTCOMES as readonly string[]).includes(t.text.toLowerCase());
/** `/renewal undo <account>`; `/renewal Undo renewed` is still an outcome for an account named Undo. */
const isUndo = (words: Token[]) => words[0] !== undefined && !words[0].quoted && words[0].text.toLowerCase() === 'undo' && !words.some(isOutcome);

/** The account named after undo, else the one linked to this channel. */
async function undoTarget(ctx: CommandContext, words: Token[]): Promise<Account> {
  if (words.length > 0) return resolveAccount(ctx.db, ctx.workspace.id, accountNameFrom(joinWords(words)));
  const linked = await accountForChannel(ctx.db, ctx.workspace.id, ctx.channel.id);
  if (!linked) throw new UserError('Which account’s outcome should be undone?', { usage: UNDO_USAGE, example: UNDO_EXAMPLE });
  return linked;
}

async function undo(ctx: CommandContext, target: { accountId: string; outcomeId?: string }): Promise<Reply> {
  const done = await undoRenewalOutcome(ctx.db, ctx.workspace.id, target, { userId: ctx.user.id, isAdmin: ctx.user.role === 'admin', now: ctx.now, timezone: ctx.workspace.timezone });
  const currency = ctx.workspace.currency;
  const back = [
    `renewal ${done.renewalDate ? formatDay(done.renewalDate) : 'not set'}`,
    `ARR ${done.arrCents === null ? 'not set' : formatMoney(done.arrCents, currency)}`,
    `stage ${done.stage}`,
  ].join(', ');
  const summary = `Undid ${done.accountName}'s ${done.outcome} outcome: back to ${back}.`;
  return { messages: [message(summary, [text(`↩️ Undid **${done.accountName}**'s ${done.outcome} outcome: back to ${back}.`), context(`Record the right one with /renewal "${done.accountName}" renewed|expanded|downgraded|churned.`)], { visibility: 'channel' })] };
}

export const renewalCommand: CommandDefinition = {
  name: 'renewal',
  summary: 'Record a renewal outcome with a reason code; rolls the renewal date forward or marks the account churned',
  usage: [RENEWAL_USAGE, UNDO_USAGE],
  examples: [RENEWAL_EXAMPLE, '/renewal Globex churned reason=competitor', '/renewal Initech downgraded arr=80k reason=budget', UNDO_EXAMPLE],
  async run(ctx: CommandContext, args: Token[]): Promise<Reply> {
    const { words: typed, options, unknown } = splitOptions(args, ['reason', 'arr']);
    if (isUndo(typed)) {
      if (unknown.length > 0 || Object.keys(options).length > 0) throw new UserError('/renewal undo takes only the account.', { usage: UNDO_USAGE, example: UNDO_EXAMPLE });
      const account = await undoTarget(ctx, typed.slice(1));
      return undo(ctx, { accountId: account.id });
    }
    if (unknown.length > 0) throw new UserError(`"${unknown[0]!.text}" is not an option of /renewal: use reason=… and arr=….`, { usage: RENEWAL_USAGE, example: RENEWAL_EXAMPLE });
    // `/renewal churned "Acme Corp" reason=budget` reads as `/renewal "Acme Corp" churned reason=budget`.
    const words = await accountBeforeKeyword(ctx, typed, isOutcome);
    const { account, keywordIndex } = await splitAccountAndKeyword(ctx, words, isOutcome, (found) =>
      new UserError(found ? `"${found.text}" is not an outcome: use renewed, expanded, downgraded or churned.` : 'Which account, and what happened: renewed, expanded, downgraded or churned?', {
        usage: RENEWAL_USAGE,
        example: RENEWAL_EXAMPLE,
      }),
    );
    if (words.length > keywordIndex + 1) throw new UserError(`Unexpected "${words[keywordIndex + 1]!.text}" after the outcome.`, { usage: RENEWAL_USAGE, example: RENEWAL_EXAMPLE });
    const outcome = words[keywordIndex]!.text.toLowerCase() as RenewalOutcome;
    let reason: RenewalReason | null = null;
    if (options.reason !== undefined) {
      const r = options.reason.toLowerCase().replace(/_/g, '-');
      if (!(RENEWAL_REASONS as readonly string[]).includes(r)) throw new UserError(`"${options.reason}" is not a reason code: use ${RENEWAL_REASONS.join(', ')}.`, { usage: RENEWAL_USAGE, example: RENEWAL_EXAMPLE });
      reason = r as RenewalReason;
    }
    if ((outcome === 'churned' || outcome === 'downgraded') && reason === null) {
      throw new UserError(`Say why it was ${outcome}: add reason=${RENEWAL_REASONS.join('|')}.`, { usage: RENEWAL_USAGE, example: `/renewal "${account.name}" ${outcome} reason=budget` });
    }
    let arrCents: number | null = null;
    if (options.arr !== undefined) {
      const read = readMoney(options.arr, ctx.workspace.currency);
      if (!read.ok) throw new UserError(`arr=${options.arr}: ${read.problem}`, { usage: RENEWAL_USAGE, example: RENEWAL_EXAMPLE });
      arrCents = read.cents;
    }
    const currency = ctx.workspace.currency;
    const done = await recordRenewalOutcome(ctx.db, ctx.workspace.id, account, { outcome, reason, arrCents, timezone: ctx.workspace.timezone, currency }, { userId: ctx.user.id, now: ctx.now });
    const arr =
      done.arrBeforeCents !== null && done.arrAfterCents !== null && done.arrBeforeCents !== done.arrAfterCents
        ? ` ARR ${formatMoney(done.arrBeforeCents, currency)} → ${formatMoney(done.arrAfterCents, currency)}.`
        : '';
    const next = done.nextRenewalDate ? ` Next renewal ${formatDay(done.nextRenewalDate)}.` : ' The account is marked churned.';
    const nps = done.npsAtRenewal !== null ? ` NPS at renewal ${done.npsAtRenewal > 0 ? '+' : ''}${done.npsAtRenewal}.` : '';
    const summary = `Recorded: ${account.name} ${outcome}${reason ? ` (reason: ${reason})` : ''}.${arr}${next}${nps}`;
    return {
      messages: [
        message(
          summary,
          [
            text(`✅ ${summary}`),
            context(`Recorded wrongly? Undo it until ${formatDateTimeInZone(done.undoUntil, ctx.workspace.timezone)}: /renewal undo "${account.name}"`),
            actions([button('renewal.undo', 'Undo', done.id)]),
          ],
          { visibility: 'channel' },
        ),
      ],
    };
  },
  actions: {
    /** The confirmation's Undo button: the value is the outcome's id, which must still be the account's latest. */
    async 'renewal.undo'(ctx, value) {
      const outcome = isUuid(value) ? await findRenewalOutcome(ctx.db, ctx.workspace.id, value) : undefined;
      if (!outcome) {
        throw new UserError('That renewal outcome was already undone, so this button does nothing now.', {
          hint: 'See what is recorded with /renewals, or record the outcome again with /renewal <account> <renewed|expanded|downgraded|churned>.',
        });
      }
      return undo(ctx, { accountId: outcome.accountId, outcomeId: outcome.id });
    },
  },
};
