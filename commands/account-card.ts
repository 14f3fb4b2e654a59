// How an account looks as a neutral message: the full card for /account <name>
// and the one-line entries of /account list.
import { accountTouchStatus, cadenceFor, cadenceStartOf, type CadenceMode } from '../src/core/cadence.js';
import type { Account, AccountActivity } from '../src/core/accounts.js';
import type { LinkedChannel } from '../src/core/channel-kinds.js';
import { BAND_ICON, healthSummary, type HealthResult } from '../src/core/health.js';
import { formatMoney, formatMoneyShort } from '../src/core/money.js';
import { npsBreakdown } from '../src/core/nps.js';
import { daysBetween, formatDay, localDate, relativeDays } from '../src/core/time.js';
import { actions, button, context, field, fields, header, message, text } from '../src/messages/builders.js';
import type { Message } from '../src/messages/message.js';
import { isChurned, stageText } from './churned.js';

export interface CardSettings {
  timezone: string;
  currency: string;
  cadenceMode: CadenceMode;
}

export function adoptionText(account: Account): string {
  if (account.licensedUsers === null || account.activeUsers === null) return 'no data';
  if (account.licensedUsers === 0) return `${account.activeUsers} active of 0 licensed`;
  const pct = Math.round((account.activeUsers / account.licensedUsers) * 100);
  return `${pct}% (${account.activeUsers} of ${account.licensedUsers} licensed users active)`;
}

export function renewalText(account: Account, today: string): string {
  if (isChurned(account)) return 'none (churned)';
  if (!account.renewalDate) return 'not set';
  const days = daysBetween(today, account.renewalDate);
  return days < 0 ? `${formatDay(account.renewalDate)} (passed ${-days} days ago)` : `${formatDay(account.renewalDate)} (${relativeDays(days)})`;
}

export function lastTouchText(account: Account, activity: AccountActivity | undefined, settings: CardSettings, today: string): string {
  const touchDay = activity?.lastTouch ? localDate(activity.lastTouch.at, settings.timezone) : null;
  const status = accountTouchStatus(touchDay, today, cadenceStartOf(account, settings.timezone), settings.cadenceMode);
  const cadence = cadenceFor(account.kickoffDate, today, settings.cadenceMode);
  // A churned account has no cadence to keep.
  const overdue = status.overdue && !isChurned(account) ? ` · ⚠️ overdue by ${-status.dueInDays} day${status.dueInDays === -1 ? '' : 's'}` : '';
  if (!activity?.lastTouch) {
    const first = isChurned(account) ? '' : status.overdue ? ` · first touch was due ${formatDay(status.dueDay)}` : ` · first touch due ${formatDay(status.dueDay)}`;
    return `never${first} · cadence ${cadence.label}${overdue}`;
  }
  return `${relativeDays(-(status.daysSince ?? 0))} (${activity.lastTouch.type}) · cadence ${cadence.label}${overdue}`;
}

export function openTicketsText(activity: AccountActivity | undefined): string {
  const open = activity?.openTickets ?? {};
  const parts = (['critical', 'major', 'minor', 'cosmetic'] as const).filter((s) => open[s]).map((s) => `${open[s]} ${s}`);
  const total = Object.values(open).reduce((a, b) => a + (b ?? 0), 0);
  return total === 0 ? 'none' : `${total} (${parts.join(', ')})`;
}

export function healthText(health: HealthResult | null): string {
  if (!health) return 'none (churned)';
  const driver = health.drivers[0] ? ` — ${health.drivers[0]}` : '';
  return `${BAND_ICON[health.band]} ${healthSummary(health)}${driver}`;
}

export function npsText(activity: AccountActivity | undefined): string {
  const nps = npsBreakdown(activity?.npsScores ?? []);
  if (nps.score === null) return 'no answers in the last 180 days';
  const sign = nps.score > 0 ? '+' : '';
  return `${sign}${nps.score} from ${nps.total} answer${nps.total === 1 ? '' : 's'} (180 days)`;
}

/** The account's customer and internal channels, and what is missing. */
function channelLines(account: Account, channels: LinkedChannel[]): string {
  const named = (kind: LinkedChannel['kind']) =>
    channels.filter((c) => c.kind === kind).map((c) => `#${c.channelName ?? c.channelId}${c.kind !== c.linkedAs ? ' (shared with another organisation)' : ''}`);
  const customer = named('customer');
  const internal = named('internal');
  return [
    customer.length > 0 ? `Customer channels (surveys): ${customer.join(', ')}` : `No customer channel — /account link "${account.name}" where the customer is`,
    internal.length > 0 ? `Internal channels (alerts): ${internal.join(', ')}` : `No internal channel — /account link "${account.name}" internal in your team's channel`,
  ].join(' · ');
}

export function accountCard(
  account: Account,
  details: { activity: AccountActivity | undefined; ownerName: string | null; channels: LinkedChannel[]; health?: HealthResult | null },
  settings: CardSettings,
  now: Date,
): Message {
  const today = localDate(now, settings.timezone);
  const channelText = channelLines(account, details.channels);
  const stage = stageText(account, settings.currency);
  const arr = isChurned(account) ? `none since ${account.churnedOn ? formatDay(account.churnedOn) : 'the churn'}` : account.arrCents === null ? 'not set' : formatMoney(account.arrCents, settings.currency);
  const summary = isChurned(account) ? `${account.name}: ${stage}` : `${account.name}: ${account.stage}, renewal ${account.renewalDate ?? 'not set'}`;
  return message(summary, [
    header(account.name),
    text(`**Health:** ${healthText(details.health ?? null)}`),
    fields([
      field('Stage', stage),
      field('Tier', account.tier ?? 'not set'),
      field('ARR', arr),
      field('Renewal', renewalText(account, today)),
      field('Owner', details.ownerName ? `@${details.ownerName}` : 'nobody yet'),
      field('Adoption', adoptionText(account)),
      field('Last touch', lastTouchText(account, details.activity, settings, today)),
      field('Open tickets', openTicketsText(details.activity)),
      field('NPS', npsText(details.activity)),
      field('Contract start', account.contractStart ? formatDay(account.contractStart) : 'not set'),
    ]),
    context(`${channelText} · Health in detail: /health "${account.name}"`),
    // An archived account takes no new work: its card offers none (its notice says how to restore it).
    ...(account.archivedAt
      ? []
      : [
          actions([
            button('checkin.form', 'Log a check-in', account.id, 'primary'),
            button('account.link', 'Link this channel', account.id),
          ]),
        ]),
  ]);
}

export function accountListLine(
  account: Account & { ownerName: string | null },
  activity: AccountActivity | undefined,
  settings: CardSettings,
  today: string,
): string {
  const parts = [`**${account.name}**`, stageText(account, settings.currency, { short: true })];
  if (account.arrCents !== null && !isChurned(account)) parts.push(`ARR ${formatMoneyShort(account.arrCents, settings.currency)}`);
  if (account.renewalDate && !isChurned(account)) {
    const days = daysBetween(today, account.renewalDate);
    parts.push(days < 0 ? `renewal was ${account.renewalDate} (${-days} days ago)` : `renews ${account.renewalDate} (${relativeDays(days)})`);
  }
  if (account.ownerName) parts.push(`@${account.ownerName}`);
  const touch = activity?.lastTouch;
  parts.push(touch ? `last touch ${relativeDays(-daysBetween(localDate(touch.at, settings.timezone), today))}` : 'never touched');
  return parts.join(' · ');
}

export function listMessage(lines: string[], total: number, title: string, footer: string): Message {
  const blocks = [header(title), ...chunk(lines, 10).map((group) => text(group.join('\n')))];
  if (total > lines.length) blocks.push(context(`…and ${total - lines.length} more. Narrow it with /account list <stage>.`));
  blocks.push(context(footer));
  return message(title, blocks);
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
