// /health settings: the workspace's health weights, band thresholds (overall and
// per component) and check-in cadence. Shown to everyone; changed by admins.
import { z } from 'zod';
import { UserError } from '../src/core/errors.js';
import { DEFAULT_HEALTH_CONFIG, HEALTH_COMPONENTS, type BandThresholds, type HealthComponent, type HealthConfig } from '../src/core/health.js';
import { requireWorkspaceAdmin } from '../src/core/roles.js';
import { healthConfigFor, updateWorkspaceSettings, type WorkspaceSettings } from '../src/core/settings.js';
import { percentShares } from '../src/core/shares.js';
import { context, fields, field, header, message, text } from '../src/messages/builders.js';
import type { Message, Reply } from '../src/messages/message.js';
import type { CommandContext } from './context.js';
import { splitOptions, type Token } from './parse.js';
import { withSettingsUndo } from './settings-undo.js';

export const HEALTH_SETTINGS_USAGE = '/health settings [adoption=30 engagement=25 support=15 sentiment=20 financial=10] [bands=70/40] [<component>-bands=70/40] [cadence=standard|twice-monthly] · /health settings reset';
export const HEALTH_SETTINGS_EXAMPLE = '/health settings adoption=40 financial=0 bands=75/45 support-bands=80/50';

const BAND_KEYS = HEALTH_COMPONENTS.map((c) => `${c}-bands`);
const KEYS = [...HEALTH_COMPONENTS, 'bands', ...BAND_KEYS, 'cadence'] as const;

const weightSchema = z.coerce
  .number({ invalid_type_error: 'a weight is a number from 0 to 100' })
  .min(0, 'a weight is 0 (leave the component out) or more')
  .max(100, 'weights go up to 100 (they are relative: 30 and 15 weigh the same as 60 and 30)');

/** `70/40` → { green: 70, yellow: 40 }. */
const bandsSchema = z
  .string()
  .regex(/^\d{1,3}\/\d{1,3}$/, 'write the green and yellow thresholds as green/yellow, e.g. 70/40')
  .transform((v) => {
    const [green, yellow] = v.split('/').map(Number) as [number, number];
    return { green, yellow };
  })
  .refine((b) => b.green <= 100, 'thresholds go up to 100')
  .refine((b) => b.yellow <= b.green, 'the yellow threshold must not be above the green one (green/yellow, e.g. 70/40)');

const cadenceSchema = z.enum(['standard', 'twice-monthly'], { errorMap: () => ({ message: 'cadence is standard (weekly in the first month, then 30/60/90/120-day marks, then quarterly) or twice-monthly' }) });

const bandText = (b: BandThresholds) => `green ≥ ${b.green}, yellow ${b.yellow}–${b.green - 1}, red < ${b.yellow}`;
const sameBands = (a: BandThresholds, b: BandThresholds) => a.green === b.green && a.yellow === b.yellow;

function settingsError(what: string, hint?: string): UserError {
  return new UserError(what, { usage: HEALTH_SETTINGS_USAGE, example: HEALTH_SETTINGS_EXAMPLE, ...(hint ? { hint } : {}) });
}

function parseOption<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, key: string, raw: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw settingsError(`${key}=${raw}: ${parsed.error.issues[0]!.message}.`);
  return parsed.data;
}

/** The settings as a card: weights with their share, the band thresholds, the cadence. */
export function healthSettingsMessage(config: HealthConfig, title = 'Health score settings'): Message {
  // Shares that add up to 100 % as shown (largest remainder), not each rounded alone.
  const shares = percentShares(HEALTH_COMPONENTS.map((c) => config.weights[c]));
  return message(title, [
    header(title),
    fields(
      HEALTH_COMPONENTS.map((c, i) => {
        const share = shares[i];
        const bands = sameBands(config.componentBands[c], DEFAULT_HEALTH_CONFIG.componentBands[c]) ? '' : ` · bands ${config.componentBands[c].green}/${config.componentBands[c].yellow}`;
        return field(c, config.weights[c] === 0 ? `weight 0 (left out)${bands}` : `weight ${config.weights[c]} (${share}%)${bands}`);
      }),
    ),
    text(`**Score bands:** ${bandText(config.bands)}\n**Check-in cadence:** ${config.cadenceMode === 'twice-monthly' ? 'twice a month (weekly in the first month after kickoff)' : 'standard — weekly in the first month after kickoff, then the 30/60/90/120-day marks, then quarterly'}`),
    context(`Weights are relative and renormalized over the components that have data. Change: ${HEALTH_SETTINGS_EXAMPLE} · back to the defaults: /health settings reset`),
  ]);
}

function changeLines(before: HealthConfig, after: HealthConfig): string[] {
  const lines: string[] = [];
  for (const c of HEALTH_COMPONENTS) {
    if (before.weights[c] !== after.weights[c]) lines.push(`• ${c} weight ${before.weights[c]} → ${after.weights[c]}`);
    const b = before.componentBands[c];
    const a = after.componentBands[c];
    if (!sameBands(a, b)) lines.push(`• ${c} bands ${b.green}/${b.yellow} → ${a.green}/${a.yellow}`);
  }
  if (!sameBands(before.bands, after.bands)) lines.push(`• score bands ${before.bands.green}/${before.bands.yellow} → ${after.bands.green}/${after.bands.yellow}`);
  if (before.cadenceMode !== after.cadenceMode) lines.push(`• cadence ${before.cadenceMode} → ${after.cadenceMode}`);
  return lines;
}

/** The change the options ask for, applied to the stored settings. */
function applyOptions(options: Record<string, string>, current: WorkspaceSettings): WorkspaceSettings {
  const next = structuredClone(current);
  const weights: Partial<Record<HealthComponent, number>> = { ...(next.healthWeights ?? {}) };
  const componentBands: Partial<Record<HealthComponent, BandThresholds>> = { ...(next.componentBands ?? {}) };
  for (const c of HEALTH_COMPONENTS) {
    if (options[c] !== undefined) weights[c] = parseOption(weightSchema, c, options[c]);
    const bandsRaw = options[`${c}-bands`];
    if (bandsRaw !== undefined) componentBands[c] = parseOption(bandsSchema, `${c}-bands`, bandsRaw);
  }
  const merged = { ...DEFAULT_HEALTH_CONFIG.weights, ...weights };
  if (HEALTH_COMPONENTS.every((c) => merged[c] === 0)) throw settingsError('At least one component needs a weight above 0, or there is no score.');
  // Written only when asked for: an empty object where there was none would be audited as a change.
  if (HEALTH_COMPONENTS.some((c) => options[c] !== undefined)) next.healthWeights = weights;
  if (BAND_KEYS.some((k) => options[k] !== undefined)) next.componentBands = componentBands as WorkspaceSettings['componentBands'];
  if (options.bands !== undefined) next.healthBands = parseOption(bandsSchema, 'bands', options.bands);
  if (options.cadence !== undefined) next.cadenceMode = parseOption(cadenceSchema, 'cadence', options.cadence.toLowerCase());
  return next;
}

/** `/health settings …`: anyone may read them; changing them takes a workspace admin. */
export async function healthSettingsCommand(ctx: CommandContext, args: Token[]): Promise<Reply> {
  const { words, options, unknown } = splitOptions(args, KEYS);
  if (unknown[0]) throw settingsError(`Unknown setting "${unknown[0].key}".`, `Settings: ${HEALTH_COMPONENTS.join(', ')} (weights), bands, <component>-bands, cadence.`);
  const reset = words.length === 1 && words[0]!.text.toLowerCase() === 'reset';
  if (words.length > 0 && !reset) throw settingsError(`"${words.map((w) => w.text).join(' ')}" is not a setting.`);
  if (!reset && Object.keys(options).length === 0) return { messages: [healthSettingsMessage(healthConfigFor(ctx.workspace))] };
  const { claimed } = await requireWorkspaceAdmin(ctx.db, ctx.workspace.id, { userId: ctx.user.id, now: ctx.now }, 'change the health score settings');

  const { before, after, auditId } = await ctx.db.transaction((tx) =>
    updateWorkspaceSettings(
      tx,
      ctx.workspace.id,
      (current) => {
        if (!reset) return applyOptions(options, current);
        const { healthWeights: _w, healthBands: _b, componentBands: _c, ...rest } = current;
        return { ...rest, cadenceMode: 'standard' };
      },
      { userId: ctx.user.id, now: ctx.now },
    ),
  );
  const beforeConfig = healthConfigFor({ settings: before });
  const afterConfig = healthConfigFor({ settings: after });
  const lines = changeLines(beforeConfig, afterConfig);
  const title = lines.length === 0 ? 'Health score settings unchanged' : reset ? 'Health score settings back to the defaults' : 'Health score settings changed';
  const card = healthSettingsMessage(afterConfig, title);
  card.visibility = 'channel';
  if (lines.length > 0) {
    card.blocks.splice(1, 0, text(['**Changed**', ...lines].join('\n')));
    card.blocks.push(context('Scores from now on use these settings; snapshots already taken keep the score they had.'));
  }
  if (claimed) card.blocks.push(context('This workspace had no admin, so you are now its admin. Grant others with /tenure admin add @name.'));
  // Only what changes the score is worth an Undo (an empty weights object written alongside is not).
  return { messages: [withSettingsUndo(ctx, card, 'health', lines.length > 0 ? auditId : undefined)] };
}
