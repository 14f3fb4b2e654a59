// /health [account]: one account's health card (score, band, components, drivers,
// a 12-week sparkline and the change since last week explained), or with no
// account the portfolio by band with the biggest movers. An account with too little
// data for a score shows "not enough data" and what is missing, never a band.
import { resolveAccount } from '../src/core/accounts.js';
import { UserError } from '../src/core/errors.js';
import {
  BAND_ICON,
  DEFAULT_BAND_THRESHOLDS,
  HEALTH_COMPONENTS,
  healthSummary,
  missingData,
  NOT_ENOUGH_DATA,
  scoreChange,
  sparkline,
  type BandThresholds,
  type HealthComponent,
  type HealthStanding,
} from '../src/core/health.js';
import { healthCardByAccountName, portfolioHealth, type AccountHealth } from '../src/core/health-inputs.js';
import { sameSnapshot, saveSnapshots, snapshotOf, snapshotsAsOf, type SnapshotView } from '../src/core/health-snapshots.js';
import { healthConfigFor } from '../src/core/settings.js';
import { percentShares } from '../src/core/shares.js';
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
    // A day without a score (not enough data) is no point.
    const inWeek = history.filter((s) => s.day >= start && s.day <= end && s.score !== null);
    points.push(inWeek.length > 0 ? inWeek[inWeek.length - 1]!.score : null);
  }
  return points;
}

/** "−12: No touch in 47 days (…)" lines for the change since the snapshot a week ago. */
export function changeLines(current: AccountHealth, before: SnapshotView | undefined): string[] {
  const now = current.health;
  // Into or out of "not enough data" is no change of score: there is nothing to subtract.
  if (now.band === 'insufficient') return [`No score now (${NOT_ENOUGH_DATA}), so no change to show.`];
  if (!before) return ['No snapshot from a week ago yet: the trend starts today.'];
  if (before.score === null) return [`${before.day} had ${NOT_ENOUGH_DATA} for a score: the trend starts now.`];
  const change = scoreChange(now, { score: before.score, contributions: before.contributions });
  if (change.delta === 0 && change.moves.length === 0) return [`±0 since ${before.day}.`];
  const lines = [`**${formatChange(change.delta)}** since ${before.day} (${before.score} → ${now.score})`];
  for (const m of change.moves.slice(0, 3)) lines.push(`${formatChange(m.points)}: ${COMPONENT_LABEL[m.component].toLowerCase()} — ${m.detail}`);
  return lines;
}

export function healthCard(current: AccountHealth, history: SnapshotView[], weekAgo: SnapshotView | undefined, today: string, bands: BandThresholds = DEFAULT_BAND_THRESHOLDS): Message {
  const h = current.health;
  const scored = h.band !== 'insufficient';
  // Shares that add up to 100 % as shown (largest remainder), not each rounded alone.
  const shares = percentShares(HEALTH_COMPONENTS.map((c) => (h.components[c] ? h.effectiveWeights[c] : 0)));
  const componentFields = HEALTH_COMPONENTS.map((c, i) => {
    const comp = h.components[c];
    if (!comp) return field(COMPONENT_LABEL[c], `no data (${h.gaps[c]}; left out, other weights renormalized)`);
    // Without a score no component carries a share of one.
    return field(scored ? `${COMPONENT_LABEL[c]} (${shares[i]}%)` : COMPONENT_LABEL[c], `${BAND_ICON[comp.band]} ${comp.score} — ${comp.detail}`);
  });
  const points = weeklyPoints(history, today);
  return message(`${current.name}: health ${healthSummary(h)}`, [
    header(`${BAND_ICON[h.band]} ${current.name} — health ${healthSummary(h)}`),
    fields(componentFields),
    scored
      ? text(['**Top drivers**', ...h.drivers.map((d) => `• ${d}`)].join('\n'))
      : text(`**No score yet** — a score needs at least two components with data. Missing: ${missingData(h).join(', ')}.`),
    text(`**12-week trend** \`${sparkline(points)}\``),
    text(['**Change since last week**', ...changeLines(current, weekAgo)].join('\n')),
    context(`Components with no data are left out and the other weights renormalized. Bands: green ≥ ${bands.green}, yellow ${bands.yellow}–${bands.green - 1}, red < ${bands.yellow}. Weights and bands: /health settings`),
  ]);
}

export function portfolioMessage(list: AccountHealth[], weekAgo: Map<string, SnapshotView>): Message {
  if (list.length === 0) return message('No accounts yet', [text('No accounts yet. Add one with `/account add "Acme Corp" arr=120k renewal=2027-03-31`.')]);
  const byBand: Record<HealthStanding, AccountHealth[]> = { green: [], yellow: [], red: [], insufficient: [] };
  for (const a of list) byBand[a.health.band].push(a);
  // Movers have a score now and a week ago: out of or into "not enough data" is no move.
  const movers = list
    .flatMap((a) => {
      const before = weekAgo.get(a.accountId)?.score;
      return a.health.score === null || before === null || before === undefined ? [] : [{ a, score: a.health.score, delta: a.health.score - before }];
    })
    .filter((m) => m.delta !== 0)
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.a.name.localeCompare(y.a.name))
    .slice(0, 5);
  const score = (a: AccountHealth) => a.health.score ?? 0;
  const worst = [...byBand.red].sort((x, y) => score(x) - score(y) || x.name.localeCompare(y.name)).slice(0, 10);
  const bandFields = (['green', 'yellow', 'red'] as const).map((b) => field(`${BAND_ICON[b]} ${b}`, String(byBand[b].length)));
  // Counted apart, never in a band: these accounts have no score.
  if (byBand.insufficient.length > 0) bandFields.push(field(`${BAND_ICON.insufficient} ${NOT_ENOUGH_DATA}`, String(byBand.insufficient.length)));
  const blocks = [header(`Portfolio health — ${list.length} account${list.length === 1 ? '' : 's'}`), fields(bandFields)];
  if (worst.length > 0) {
    blocks.push(text(['**Red accounts**', ...worst.map((a) => `• ${a.name} — ${a.health.score}: ${a.health.drivers[0] ?? ''}`)].join('\n')));
    if (byBand.red.length > worst.length) blocks.push(context(`…and ${byBand.red.length - worst.length} more red accounts.`));
  }
  const unknown = byBand.insufficient.slice(0, 10);
  if (unknown.length > 0) {
    blocks.push(text([`**${BAND_ICON.insufficient} Not enough data for a score**`, ...unknown.map((a) => `• ${a.name} — ${missingData(a.health).join(', ')}`)].join('\n')));
    if (byBand.insufficient.length > unknown.length) blocks.push(context(`…and ${byBand.insufficient.length - unknown.length} more without a score.`));
  }
  blocks.push(
    text(
      movers.length === 0
        ? '**Biggest movers this week**\nNo changes since last week’s snapshots.'
        : ['**Biggest movers this week**', ...movers.map((m) => `• ${m.a.name} ${formatChange(m.delta)} → ${m.score} (${m.a.health.band})`)].join('\n'),
    ),
    context('Details for one account: /health "Acme Corp"'),
  );
  const unscored = byBand.insufficient.length > 0 ? `, ${byBand.insufficient.length} with ${NOT_ENOUGH_DATA}` : '';
  return message(`Portfolio health: ${byBand.green.length} green, ${byBand.yellow.length} yellow, ${byBand.red.length} red${unscored}`, blocks);
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
  // With not enough data there is no point for today (saveSnapshots removes one
  // written earlier today, when the account still had a score).
  const todays = snapshotOf(current, today);
  const last = stored.at(-1);
  const storedToday = last?.day === today ? last : undefined;
  const unchanged = todays ? storedToday !== undefined && sameSnapshot(storedToday, todays) : storedToday === undefined;
  if (!unchanged) await saveSnapshots(ctx.db, ctx.workspace.id, [current], { day: today, now: ctx.now });
  const earlier = storedToday ? stored.slice(0, -1) : stored;
  const history = todays ? [...earlier, todays] : earlier;
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

