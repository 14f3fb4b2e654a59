// /health [account]: one account's health card (score, band, components, drivers,
// a 12-week sparkline and the change since last week explained), or with no
// account the portfolio by band with the biggest movers.
import { resolveAccount } from '../src/core/accounts.js';
import { UserError } from '../src/core/errors.js';
import { BAND_ICON, DEFAULT_BAND_THRESHOLDS, HEALTH_COMPONENTS, scoreChange, sparkline, type BandThresholds, type HealthBand, type HealthComponent } from '../src/core/health.js';
import { healthCardByAccountName, portfolioHealth, type AccountHealth } from '../src/core/health-inputs.js';
import { sameSnapshot, saveSnapshots, snapshotOf, snapshotsAsOf, type SnapshotView } from '../src/core/health-snapshots.js';
import { healthConfigFor } from '../src/core/settings.js';
import { addDays, localDate } from '../src/core/time.js';
import { context, field, fields, header, message, text } from '../src/messages/builders.js';
import type { Message, Reply } from '../src/messages/message.js';
import { accountNameFrom } from './account-input.js';
import { formatChange } from './format.js';
import { HEALTH_SETTINGS_EXAMPLE, HEALTH_SETTINGS_USAGE, healthSettingsCommand } from './health-settings.js';
import type { CommandContext } from './context.js';
import { joinWords, subcommand, type Token } from './parse.js';
import type { CommandDefinition } from './registry.js';

const USAGE = ['/health <account>', '/health', HEALTH_SETTINGS_USAGE];
const EXAMPLES = ['/health "Acme Corp"', '/health', HEALTH_SETTINGS_EXAMPLE];

export const COMPONENT_LABEL: Record<HealthComponent, string> = {
  adoption: 'Adoption',
  engagement: 'Engagement',
  support: 'Support',
  sentiment: 'Sentiment',
  financial: 'Financial',
};

/** One point per week for 12 weeks, oldest first: the latest snapshot in each 7-day bucket. */
export function weeklyPoints(history: SnapshotView[], today: string, weeks = 12): (number | null)[] {
  const points: (number | null)[] = [];
  for (let w = weeks - 1; w >= 0; w--) {
    const end = addDays(today, -7 * w);
    const start = addDays(end, -6);
    const inWeek = history.filter((s) => s.day >= start && s.day <= end);
    points.push(inWeek.length > 0 ? inWeek[inWeek.length - 1]!.score : null);
  }
  return points;
}

/** "−12: No touch in 47 days (…)" lines for the change since the snapshot a week ago. */
export function changeLines(current: AccountHealth, before: SnapshotView | undefined): string[] {
  if (!before) return ['No snapshot from a week ago yet: the trend starts today.'];
  const change = scoreChange(current.health, before);
  if (change.delta === 0 && change.moves.length === 0) return [`±0 since ${before.day}.`];
  const lines = [`**${formatChange(change.delta)}** since ${before.day} (${before.score} → ${current.health.score})`];
  for (const m of change.moves.slice(0, 3)) lines.push(`${formatChange(m.points)}: ${COMPONENT_LABEL[m.component].toLowerCase()} — ${m.detail}`);
  return lines;
}

export function healthCard(current: AccountHealth, history: SnapshotView[], weekAgo: SnapshotView | undefined, today: string, bands: BandThresholds = DEFAULT_BAND_THRESHOLDS): Message {
  const h = current.health;
  const componentFields = HEALTH_COMPONENTS.map((c) => {
    const comp = h.components[c];
    if (!comp) return field(COMPONENT_LABEL[c], 'no data (left out; other weights renormalized)');
    const weight = Math.round(h.effectiveWeights[c] * 100);
    return field(`${COMPONENT_LABEL[c]} (${weight}%)`, `${BAND_ICON[comp.band]} ${comp.score} — ${comp.detail}`);
  });
  const points = weeklyPoints(history, today);
  const summary = `${current.name}: health ${h.score} (${h.band})`;
  return message(summary, [
    header(`${BAND_ICON[h.band]} ${current.name} — health ${h.score}/100 (${h.band})`),
    fields(componentFields),
    text(['**Top drivers**', ...h.drivers.map((d) => `• ${d}`)].join('\n')),
    text(`**12-week trend** \`${sparkline(points)}\``),
    text(['**Change since last week**', ...changeLines(current, weekAgo)].join('\n')),
    context(`Components with no data are left out and the other weights renormalized. Bands: green ≥ ${bands.green}, yellow ${bands.yellow}–${bands.green - 1}, red < ${bands.yellow}. Weights and bands: /health settings`),
  ]);
}

export function portfolioMessage(list: AccountHealth[], weekAgo: Map<string, SnapshotView>): Message {
  if (list.length === 0) return message('No accounts yet', [text('No accounts yet. Add one with `/account add "Acme Corp" arr=120k renewal=2027-03-31`.')]);
  const byBand: Record<HealthBand, AccountHealth[]> = { green: [], yellow: [], red: [] };
  for (const a of list) byBand[a.health.band].push(a);
  const movers = list
    .filter((a) => weekAgo.has(a.accountId))
    .map((a) => ({ a, delta: a.health.score - weekAgo.get(a.accountId)!.score }))
    .filter((m) => m.delta !== 0)
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.a.name.localeCompare(y.a.name))
    .slice(0, 5);
  const worst = [...byBand.red].sort((x, y) => x.health.score - y.health.score || x.name.localeCompare(y.name)).slice(0, 10);
  const blocks = [
    header(`Portfolio health — ${list.length} account${list.length === 1 ? '' : 's'}`),
    fields((['green', 'yellow', 'red'] as const).map((b) => field(`${BAND_ICON[b]} ${b}`, String(byBand[b].length)))),
  ];
  if (worst.length > 0) {
    blocks.push(text(['**Red accounts**', ...worst.map((a) => `• ${a.name} — ${a.health.score}: ${a.health.drivers[0] ?? ''}`)].join('\n')));
    if (byBand.red.length > worst.length) blocks.push(context(`…and ${byBand.red.length - worst.length} more red accounts.`));
  }
  blocks.push(
    text(
      movers.length === 0
        ? '**Biggest movers this week**\nNo changes since last week’s snapshots.'
        : ['**Biggest movers this week**', ...movers.map((m) => `• ${m.a.name} ${formatChange(m.delta)} → ${m.a.health.score} (${m.a.health.band})`)].join('\n'),
    ),
    context('Details for one account: /health "Acme Corp"'),
  );
  return message(`Portfolio health: ${byBand.green.length} green, ${byBand.yellow.length} yellow, ${byBand.red.length} red`, blocks);
}

async function showAccount(ctx: CommandContext, name: string): Promise<Reply> {
  const timezone = ctx.workspace.timezone;
  const today = localDate(ctx.now, timezone);
  const config = healthConfigFor(ctx.workspace);
  const card = await healthCardByAccountName(ctx.db, ctx.workspace.id, name, { now: ctx.now, timezone, config, fromDay: addDays(today, -83), toDay: today });
  if (!card) {
    // No such account (the error lists close matches), or one that has churned.
    const account = await resolveAccount(ctx.db, ctx.workspace.id, name);
    throw new UserError(`${account.name} has churned: it has no health score any more.`, { usage: USAGE[0], example: EXAMPLES[0] });
  }
  const { current, stored } = card;
  // Looking at an account records today's point of its trend (the daily job does it for
  // all); when today's stored point already says the same, nothing is written.
  const todays = snapshotOf(current, today);
  const last = stored.at(-1);
  const unchanged = last?.day === today && sameSnapshot(last, todays);
  if (!unchanged) await saveSnapshots(ctx.db, ctx.workspace.id, [current], { day: today, now: ctx.now });
  const history = last?.day === today ? [...stored.slice(0, -1), todays] : [...stored, todays];
  // Last week's point: the latest snapshot 7 to 13 days ago (as snapshotsAsOf reads it for the portfolio).
  const weekAgo = history.filter((s) => s.day <= addDays(today, -7) && s.day >= addDays(today, -13)).at(-1);
  return { messages: [healthCard(current, history, weekAgo, today, config.bands)] };
}

async function showPortfolio(ctx: CommandContext): Promise<Reply> {
  const timezone = ctx.workspace.timezone;
  const today = localDate(ctx.now, timezone);
  const list = await portfolioHealth(ctx.db, ctx.workspace.id, { now: ctx.now, timezone, config: healthConfigFor(ctx.workspace) });
  const weekAgo = await snapshotsAsOf(ctx.db, ctx.workspace.id, addDays(today, -7), addDays(today, -13));
  return { messages: [portfolioMessage(list, weekAgo)] };
}

export const healthCommand: CommandDefinition = {
  name: 'health',
  summary: 'An account’s health score with components, drivers and trend; with no account, the portfolio',
  usage: USAGE,
  examples: EXAMPLES,
  async run(ctx: CommandContext, args: Token[]): Promise<Reply> {
    if (args.length === 0) return showPortfolio(ctx);
    // An account called "Settings" is still reachable quoted: /health "Settings".
    const { sub, rest } = subcommand(args);
    if (sub === 'settings') return healthSettingsCommand(ctx, rest);
    return showAccount(ctx, accountNameFrom(joinWords(args)));
  },
};

