// /renewals [days=120]: renewals due in the window, soonest first, with a risk
// rating; /renewal <account> <outcome> [reason=…] [arr=…]: record the outcome.
import { RENEWAL_OUTCOMES } from '../db/schema.js';
import { UserError } from '../src/core/errors.js';
import { BAND_ICON } from '../src/core/health.js';
import { formatMoney, formatMoneyShort } from '../src/core/money.js';
import { listRenewals, recordRenewalOutcome, RENEWAL_REASONS, type RenewalEntry, type RenewalOutcome, type RenewalReason, type RenewalRisk } from '../src/core/renewals.js';
import { healthConfigFor } from '../src/core/settings.js';
import { formatDay, relativeDays } from '../src/core/time.js';
import { context, header, message, text } from '../src/messages/builders.js';
import type { Message, Reply } from '../src/messages/message.js';
import { splitAccountAndKeyword } from './account-input.js';
import type { CommandContext } from './context.js';
import { parseCount, readMoney, splitOptions, type Token } from './parse.js';
import type { CommandDefinition } from './registry.js';

const RENEWALS_USAGE = '/renewals [days=120]';
const RENEWALS_EXAMPLE = '/renewals days=90';
const RENEWAL_USAGE = `/renewal <account> <${RENEWAL_OUTCOMES.join('|')}> [reason=${RENEWAL_REASONS.join('|')}] [arr=…]`;
const RENEWAL_EXAMPLE = '/renewal "Acme Corp" expanded arr=150k';
const MAX_DAYS = 730;
const LIST_LIMIT = 50;
export const RISK_ICON: Record<RenewalRisk, string> = { high: '🔴', medium: '🟡', low: '🟢' };

export function renewalLine(r: RenewalEntry, currency: string): string {
  const when = r.daysLeft < 0 ? `passed ${-r.daysLeft} days ago` : relativeDays(r.daysLeft);
  const arr = r.arrCents !== null ? ` · ${formatMoneyShort(r.arrCents, currency)} ARR` : '';
  return `${RISK_ICON[r.risk]} **${r.name}** — ${formatDay(r.renewalDate)} (${when})${arr} · ${r.risk} risk: ${r.reasons.join(', ')} · ${r.health.score === null ? 'no health score' : `${BAND_ICON[r.health.band]} ${r.health.score}`}`;
}

export function renewalsMessage(list: RenewalEntry[], days: number, currency: string): Message {
  if (list.length === 0) {
    return message(`No renewals in the next ${days} days`, [text(`No renewals in the next ${days} days. Set renewal dates with /account set "Acme Corp" renewal=2027-03-31.`)]);
  }
  const high = list.filter((r) => r.risk === 'high').length;
  const atRisk = list.filter((r) => r.risk === 'high').reduce((sum, r) => sum + (r.arrCents ?? 0), 0);
  const shown = list.slice(0, LIST_LIMIT);
  const blocks = [
    header(`Renewals in the next ${days} days — ${list.length}`),
    text(shown.map((r) => renewalLine(r, currency)).join('\n')),
  ];
  if (list.length > shown.length) blocks.push(context(`…and ${list.length - shown.length} more. Narrow the window with days=…`));
  blocks.push(context(`${high} at high risk (${formatMoney(atRisk, currency)} ARR). Record an outcome with ${RENEWAL_EXAMPLE}.`));
  return message(`${list.length} renewals in the next ${days} days, ${high} at high risk`, blocks);
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

export const renewalCommand: CommandDefinition = {
  name: 'renewal',
  summary: 'Record a renewal outcome with a reason code; rolls the renewal date forward or marks the account churned',
  usage: [RENEWAL_USAGE],
  examples: [RENEWAL_EXAMPLE, '/renewal Globex churned reason=competitor', '/renewal Initech downgraded arr=80k reason=budget'],
  async run(ctx: CommandContext, args: Token[]): Promise<Reply> {
    const { words, options, unknown } = splitOptions(args, ['reason', 'arr']);
    if (unknown.length > 0) throw new UserError(`"${unknown[0]!.text}" is not an option of /renewal: use reason=… and arr=….`, { usage: RENEWAL_USAGE, example: RENEWAL_EXAMPLE });
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
    return { messages: [message(summary, [text(`✅ ${summary}`)], { visibility: 'channel' })] };
  },
};
