// /ticket alerts (also /tenure alerts): where alerts go, said plainly, and the
// workspace's alert channel. Every kind of alert — renewal, SLA warning and breach,
// health drop, detractor, check-ins due — follows one rule (core/channel-kinds.ts):
// the account's internal channel, else the alert channel, else the owner privately,
// else an admin privately; never a customer channel. Admins set the alert channel,
// and take back their change with the Undo button on its confirmation.
import { resolveAccount } from '../src/core/accounts.js';
import { alertRoutes, channelStanding, type AlertRoute } from '../src/core/channel-kinds.js';
import { alertChannel, digestChannels, setAlertChannel } from '../src/core/channels.js';
import { UserError, withUsage } from '../src/core/errors.js';
import { undoAlertChannelChange } from '../src/core/settings-undo.js';
import { isUuid } from '../src/core/ids.js';
import { context, header, message, notice, text } from '../src/messages/builders.js';
import type { Reply } from '../src/messages/message.js';
import { requireAdmin, withClaimNotice } from './admin.js';
import type { CommandContext } from './context.js';
import { customerChannelName, standingOf } from './customer-channel.js';
import { joinWords, type Token } from './parse.js';
import type { ActionHandler, CommandDefinition } from './registry.js';
import { SETTINGS_EXAMPLE, SETTINGS_USAGE } from './ticket-settings.js';
import { withUndo } from './undo-button.js';

const ALERTS_USAGE = SETTINGS_USAGE.alerts;
const ALERTS_EXAMPLE = SETTINGS_EXAMPLE.alerts;

const KINDS = 'Renewal alerts, SLA warnings and breaches, health drops, detractor alerts and check-in reminders';
const RULE = 'the account’s internal channel, else the alert channel, else the account owner privately (else an admin privately) — never a customer channel';

function routeText(route: AlertRoute | undefined): string {
  if (!route) return 'nowhere: no internal channel, alert channel, owner or admin — they are only logged';
  if (route.to === 'channel') return route.via === 'internal' ? `#${route.channelId} (its internal channel)` : `#${route.channelId} (the alert channel)`;
  return route.via === 'owner' ? `@${route.name} privately (its owner)` : `@${route.name} privately (an admin: it has no owner)`;
}

/** Where one account's alerts go, or an overview of every account's. */
async function describe(ctx: CommandContext, accountName: string): Promise<Reply> {
  if (accountName) {
    const account = await resolveAccount(ctx.db, ctx.workspace.id, accountName).catch((err: unknown) => {
      if (!(err instanceof UserError)) throw err;
      throw new UserError(`"${accountName}": say here (this channel gets the alerts), off, or an account to see where its alerts go.`, { hint: err.message, usage: ALERTS_USAGE, example: ALERTS_EXAMPLE });
    });
    const routes = await alertRoutes(ctx.db, ctx.workspace.id, [account.id]);
    const where = routeText(routes.get(account.id));
    return { messages: [message(`Alerts for ${account.name} go to ${where}.`, [text(`🔔 ${KINDS} for **${account.name}** go to ${where}.`), context(`The rule: ${RULE}.`)])] };
  }
  const [routes, current, digests] = await Promise.all([alertRoutes(ctx.db, ctx.workspace.id), alertChannel(ctx.db, ctx.workspace.id), digestChannels(ctx.db, ctx.workspace.id)]);
  const counts = new Map<string, number>();
  for (const route of routes.values()) {
    const key = routeText(route);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const lines = [...counts].sort((a, b) => b[1] - a[1]).map(([where, n]) => `• ${n} account${n === 1 ? '' : 's'} → ${where}`);
  let alertLine = current ? `Alert channel: #${current}.` : 'Alert channel: none set — set one with /ticket alerts here in one of your team’s channels.';
  if (current && (await channelStanding(ctx.db, ctx.workspace.id, current)).kind === 'customer') alertLine = `Alert channel: #${current}, but it is now a customer channel, so it is passed over: set another with /ticket alerts here.`;
  const blocks = [
    header('Where alerts go'),
    text(`${KINDS} follow one rule: ${RULE}.`),
    text(alertLine),
    text(lines.length > 0 ? `Right now:\n${lines.join('\n')}` : 'No accounts yet.'),
    text(digests.length > 0 ? `Weekly digest: ${digests.map((d) => `#${d.channelId}`).join(', ')} (internal channels only).` : 'Weekly digest: not scheduled (/digest schedule mon 09:00 in one of your team’s channels).'),
    context('One account: /ticket alerts "Acme Corp" · give an account an internal channel: /account link "Acme Corp" internal'),
  ];
  return { messages: [message(`Where alerts go: ${lines.length} destinations`, blocks)] };
}

export async function alertsCommand(ctx: CommandContext, args: Token[]): Promise<Reply> {
  const verb = args.length === 1 && !args[0]!.quoted ? args[0]!.text.toLowerCase() : undefined;
  if (verb !== 'here' && verb !== 'off') return describe(ctx, joinWords(args));
  const here = ctx.channel.name ? `#${ctx.channel.name}` : 'this channel';
  const standing = verb === 'here' ? await standingOf(ctx) : undefined;
  if (standing?.kind === 'customer') {
    throw new UserError(`This is ${customerChannelName(standing)}: the customer reads it, so it cannot be the alert channel.`, {
      hint: 'Run /ticket alerts here in one of your team’s own channels.',
      usage: ALERTS_USAGE,
      example: ALERTS_EXAMPLE,
    });
  }
  const channelId = verb === 'here' ? ctx.channel.id : null;
  const admin = await requireAdmin(ctx, 'change the alert channel');
  const { previous, auditId } = await ctx.db.transaction((tx) => setAlertChannel(tx, ctx.workspace.id, channelId, { userId: ctx.user.id, now: ctx.now }));
  const answer =
    channelId === null
      ? 'No alert channel now: alerts of accounts without an internal channel go to their owner privately (else an admin).'
      : `${here} is now the alert channel: alerts of accounts without an internal channel come here.`;
  const shown = notice(`✅ ${answer}`, { visibility: 'channel', tone: 'success' });
  // Setting what was already set changes nothing, so there is nothing to undo.
  const changed = (previous ?? null) !== channelId;
  return withClaimNotice({ messages: [changed ? withUndo(ctx, shown, { id: 'alerts.undo', value: auditId, madeAt: ctx.now }) : shown] }, admin);
}

const UNDO_WORDS = {
  change: 'That change of the alert channel',
  changedSince: 'The alert channel has changed since',
  instead: 'Set it with /ticket alerts here in the channel you want, or /ticket alerts off.',
};

const ALERTS_UNDO_ACTIONS: Record<string, ActionHandler> = {
  async 'alerts.undo'(ctx, value) {
    if (!isUuid(value)) throw new UserError('That change can no longer be undone from here. See where alerts go with /ticket alerts.');
    // The alert channel is an admin's to change, undone or not.
    const { channelId } = await requireAdmin(ctx, 'change the alert channel')
      .then(() => undoAlertChannelChange(ctx.db, ctx.workspace.id, value, UNDO_WORDS, { userId: ctx.user.id, now: ctx.now, timezone: ctx.workspace.timezone }))
      .catch(withUsage(ALERTS_USAGE, ALERTS_EXAMPLE));
    const said = channelId ? `Undid the change: #${channelId} is the alert channel again.` : 'Undid the change: there is no alert channel again; alerts of accounts without an internal channel go to their owner privately (else an admin).';
    return { messages: [], update: message(said, [text(`↩️ ${said}`)], { visibility: 'channel' }) };
  },
};

/** `/tenure alerts …`: the same as /ticket alerts, where people look for it. */
export const alertsTenureCommand: CommandDefinition = {
  name: 'alerts',
  summary: 'Where alerts go (renewal, SLA, health drop, detractor, check-ins due); set the alert channel.',
  usage: ['/tenure alerts [here|off|<account>]'],
  examples: ['/tenure alerts', '/tenure alerts "Acme Corp"', '/tenure alerts here'],
  tenureOnly: true,
  // The Undo on /ticket alerts here|off is pressed here too.
  actions: ALERTS_UNDO_ACTIONS,
  run: (ctx, args) => alertsCommand(ctx, args),
};
