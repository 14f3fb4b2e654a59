// The personal portfolio (Slack App Home, Teams personal tab): the accounts a
// person owns, renewal dates passed without an outcome (on top), renewals in the
// next 90 days, overdue check-ins and open tickets, with buttons for the common
// actions. Churned accounts have no renewal and no cadence. Health bands join once
// scores exist.
import { accountTouchStatus, cadenceStartOf } from '../src/core/cadence.js';
import { accountActivity, listAccounts } from '../src/core/accounts.js';
import { workspaceSettings } from '../src/core/settings.js';
import { daysBetween, formatDay, localDate, relativeDays } from '../src/core/time.js';
import { actions, button, context, divider, header, message, text } from '../src/messages/builders.js';
import type { Message } from '../src/messages/message.js';
import { openTicketsText } from './account-card.js';
import type { CommandContext } from './context.js';

const SECTION_LIMIT = 10;

export async function portfolioHome(ctx: CommandContext): Promise<Message> {
  const all = await listAccounts(ctx.db, ctx.workspace.id);
  const mine = all.filter((a) => a.ownerUserId === ctx.user.id);
  const scope = mine.length > 0 ? mine : all;
  const whose = mine.length > 0 ? 'Your accounts' : 'Accounts (nobody has assigned you any yet)';
  const today = localDate(ctx.now, ctx.workspace.timezone);
  const activity = await accountActivity(ctx.db, ctx.workspace.id, scope.map((a) => a.id), { now: ctx.now });
  const mode = workspaceSettings(ctx.workspace).cadenceMode;

  const renewing = scope.filter((a) => a.renewalDate && a.stage !== 'churned').sort((a, b) => a.renewalDate!.localeCompare(b.renewalDate!));
  // Recording an outcome rolls the date forward: a date in the past has none yet.
  const overdueRenewals = renewing.filter((a) => daysBetween(today, a.renewalDate!) < 0);
  const renewals = renewing.filter((a) => daysBetween(today, a.renewalDate!) >= 0 && daysBetween(today, a.renewalDate!) <= 90);
  const overdue = scope
    .map((a) => {
      const last = activity.get(a.id)?.lastTouch;
      const status = accountTouchStatus(last ? localDate(last.at, ctx.workspace.timezone) : null, today, cadenceStartOf(a, ctx.workspace.timezone), mode);
      return { account: a, status };
    })
    .filter((x) => x.status.overdue && x.account.stage !== 'churned');
  const withTickets = scope.filter((a) => openTicketsText(activity.get(a.id)) !== 'none');

  const blocks = [header(`Tenure — ${whose.toLowerCase().startsWith('your') ? 'your portfolio' : 'the portfolio'}`)];
  const late = overdueRenewals.length > 0 ? ` · ${overdueRenewals.length} renewal${overdueRenewals.length === 1 ? '' : 's'} overdue` : '';
  blocks.push(context(`${scope.length} account${scope.length === 1 ? '' : 's'}${late} · ${renewals.length} renewing in 90 days · ${overdue.length} overdue for a touch · ${withTickets.length} with open tickets`));

  if (overdueRenewals.length > 0) {
    blocks.push(divider(), text(`**⚠️ Overdue renewals — record an outcome** (${overdueRenewals.length})`));
    for (const a of overdueRenewals.slice(0, SECTION_LIMIT)) {
      blocks.push(text(`**${a.name}** · renewal date ${formatDay(a.renewalDate!)} passed ${relativeDays(daysBetween(today, a.renewalDate!))} · overdue — record an outcome: /renewal "${a.name}" renewed|expanded|downgraded|churned`));
    }
    if (overdueRenewals.length > SECTION_LIMIT) blocks.push(context(`…and ${overdueRenewals.length - SECTION_LIMIT} more: /renewals`));
  }

  blocks.push(divider(), text(`**Renewals in the next 90 days** (${renewals.length})`));
  if (renewals.length === 0) blocks.push(context('None.'));
  for (const a of renewals.slice(0, SECTION_LIMIT)) {
    blocks.push(text(`**${a.name}** · renews ${a.renewalDate} (${relativeDays(daysBetween(today, a.renewalDate!))}) · ${a.stage}`));
  }

  blocks.push(divider(), text(`**Overdue check-ins** (${overdue.length})`));
  if (overdue.length === 0) blocks.push(context('Everyone has been touched on cadence.'));
  for (const { account, status } of overdue.slice(0, SECTION_LIMIT)) {
    const since = status.daysSince === null ? 'never touched' : `last touch ${status.daysSince} days ago`;
    blocks.push(text(`**${account.name}** · ${since} · cadence ${status.cadence.label}`));
    blocks.push(actions([button('checkin.form', `Log a check-in: ${account.name}`.slice(0, 75), account.id, 'primary')]));
  }

  blocks.push(divider(), text(`**Open tickets** (${withTickets.length} account${withTickets.length === 1 ? '' : 's'})`));
  if (withTickets.length === 0) blocks.push(context('No open tickets.'));
  for (const a of withTickets.slice(0, SECTION_LIMIT)) blocks.push(text(`**${a.name}** · ${openTicketsText(activity.get(a.id))}`));

  blocks.push(divider(), text(`**${whose}**`));
  for (const a of scope.slice(0, SECTION_LIMIT)) {
    blocks.push(actions([button('account.show', a.name.slice(0, 75), a.id)]));
  }
  if (scope.length > SECTION_LIMIT) blocks.push(context(`…and ${scope.length - SECTION_LIMIT} more: /account list`));
  blocks.push(context('Health bands appear here once health scores are computed. Commands: /tenure help'));
  return message('Your Tenure portfolio', blocks);
}
