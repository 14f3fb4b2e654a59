// /tenure settings: the workspace-wide settings that are not about one feature —
// the currency every amount is read and shown in, the gross margin the CLV
// estimate assumes, and how numeric dates are written (dmy or mdy). Everyone may read them; admins change them, audited.
import { z } from 'zod';
import { UserError } from '../src/core/errors.js';
import { DEFAULT_MARGIN } from '../src/core/kpis.js';
import { currencyName, formatMoney, formatMoneyShort, isSupportedCurrency } from '../src/core/money.js';
import { dateOrderFor, partnerNameFor, updateWorkspaceSettings, workspaceSettings } from '../src/core/settings.js';
import { DATE_ORDERS, type DateOrder } from '../src/core/date-reading.js';
import type { Workspace } from '../src/core/workspaces.js';
import { context, field, fields, header, message, text } from '../src/messages/builders.js';
import type { Message, Reply } from '../src/messages/message.js';
import { requireAdmin, withClaimNotice } from './admin.js';
import type { CommandContext } from './context.js';
import { joinWords, splitOptions, type Token } from './parse.js';
import type { CommandDefinition } from './registry.js';
import { SETTINGS_UNDO_ACTIONS, withSettingsUndo } from './settings-undo.js';

const USAGE = '/tenure settings [currency=EUR] [margin=30%] [dates=dmy|mdy] [partner="Contoso Cloud"]';
const EXAMPLE = '/tenure settings currency=EUR margin=25%';
const KEYS = ['currency', 'margin', 'dates', 'partner'] as const;

function settingsError(what: string, hint?: string): UserError {
  return new UserError(what, { usage: USAGE, example: EXAMPLE, ...(hint ? { hint } : {}) });
}

const currencySchema = z
  .string()
  .transform((v) => v.trim().toUpperCase())
  .refine((v) => /^[A-Z]{3}$/.test(v) && isSupportedCurrency(v), 'not a currency code; use a three-letter ISO 4217 code such as USD, EUR, GBP, CAD or AUD');

/** `30%` or `30` → 0.3: a whole percentage from 1 to 100. */
const marginSchema = z
  .string()
  .trim()
  .regex(/^\d{1,3}%?$/, 'write the gross margin as a whole percentage, e.g. 30%')
  .transform((v) => Number(v.replace('%', '')))
  .refine((n) => n >= 1 && n <= 100, 'the gross margin is from 1% to 100%')
  .transform((n) => n / 100);

/** `dmy` or `mdy`: how numeric dates such as 12/01/2027 are read. */
const datesSchema = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .refine((v): v is DateOrder => (DATE_ORDERS as readonly string[]).includes(v), 'say how numeric dates are written: dmy (12/01 is 12 January) or mdy (12/01 is 1 December)')
  .transform((v) => v as DateOrder);

const DATE_ORDER_TEXT: Record<DateOrder, string> = { dmy: 'day first (12/01 is 12 Jan)', mdy: 'month first (12/01 is 1 Dec)' };
const dateOrderText = (order: DateOrder | undefined) => (order ? `${order}: ${DATE_ORDER_TEXT[order]}` : 'not set: a date like 12/01 is asked about');

/** The partner's name as customers read it on surveys: plain words, no markup or mentions. */
const partnerSchema = z
  .string()
  .trim()
  .min(1, 'give the name your customers know you by, e.g. partner="Contoso Cloud"')
  .max(80, 'keep the name under 80 characters')
  .refine((v) => !/[<>*_`@#]/.test(v), 'write the name as plain words (no < > * _ ` @ #)');

const percent = (margin: number) => `${Math.round(margin * 100)}%`;

/** The margin the KPI card uses: the workspace's, else the default. */
function marginOf(workspace: Pick<Workspace, 'settings'>): { value: number; isDefault: boolean } {
  const set = workspaceSettings(workspace).kpiMargin;
  return set === undefined ? { value: DEFAULT_MARGIN, isDefault: true } : { value: set, isDefault: false };
}

export function settingsMessage(workspace: Pick<Workspace, 'settings' | 'currency' | 'timezone' | 'name'>, title = 'Workspace settings'): Message {
  const margin = marginOf(workspace);
  const c = workspace.currency;
  return message(title, [
    header(title),
    fields([
      field('Currency', `${c} (${currencyName(c)}): amounts are typed and shown like ${formatMoneyShort(12_000_000, c)} or ${formatMoney(12_050, c)}`),
      field('Gross margin for CLV', `${percent(margin.value)}${margin.isDefault ? ' (the default)' : ''}`),
      field('Time zone', workspace.timezone),
      field('Numeric dates', dateOrderText(dateOrderFor(workspace))),
      field('Partner name on surveys', `${partnerNameFor(workspace)}${workspaceSettings(workspace).partnerName === undefined ? ' (the workspace’s name)' : ''}`),
    ]),
    context(`Admins change them: ${EXAMPLE}. More settings: /health settings, /survey settings, /ticket hours.`),
  ]);
}

async function change(ctx: CommandContext, options: Record<string, string>): Promise<Reply> {
  const read = <T>(schema: z.ZodType<T, z.ZodTypeDef, string>, key: string): T | undefined => {
    const raw = options[key];
    if (raw === undefined) return undefined;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw settingsError(`${key}=${raw}: ${parsed.error.issues[0]!.message}.`);
    return parsed.data;
  };
  // Checked before the admin check, so a typo is answered the same to everyone.
  const currency = read(currencySchema, 'currency');
  const margin = read(marginSchema, 'margin');
  const dates = read(datesSchema, 'dates');
  const partner = read(partnerSchema, 'partner');
  const admin = await requireAdmin(ctx, 'change the workspace settings');
  const result = await ctx.db.transaction((tx) =>
    updateWorkspaceSettings(
      tx,
      ctx.workspace.id,
      (current) => ({ ...current, ...(margin === undefined ? {} : { kpiMargin: margin }), ...(dates === undefined ? {} : { dateOrder: dates }), ...(partner === undefined ? {} : { partnerName: partner }) }),
      { userId: ctx.user.id, now: ctx.now },
      currency === undefined ? {} : { currency },
    ),
  );
  const lines: string[] = [];
  if (result.workspace.currency !== result.currencyBefore) lines.push(`• currency ${result.currencyBefore} → ${result.workspace.currency}`);
  const marginBefore = result.before.kpiMargin ?? DEFAULT_MARGIN;
  const marginAfter = result.after.kpiMargin ?? DEFAULT_MARGIN;
  if (marginBefore !== marginAfter) lines.push(`• gross margin for CLV ${percent(marginBefore)} → ${percent(marginAfter)}`);
  if (result.before.partnerName !== result.after.partnerName) lines.push(`• partner name on surveys ${result.before.partnerName ?? result.workspace.name} → ${result.after.partnerName ?? result.workspace.name}`);
  if (result.before.dateOrder !== result.after.dateOrder) lines.push(`• numeric dates ${dateOrderText(result.before.dateOrder)} → ${dateOrderText(result.after.dateOrder)}`);
  const card = settingsMessage(result.workspace, lines.length === 0 ? 'Workspace settings unchanged' : `Workspace settings changed by @${ctx.user.displayName}`);
  if (lines.length > 0) {
    card.visibility = 'channel';
    card.tone = 'success';
    card.blocks.splice(1, 0, text(['**Changed**', ...lines].join('\n')));
  }
  if (result.workspace.currency !== result.currencyBefore) {
    // The amounts are numbers in the workspace's currency: a new currency relabels them.
    const before = result.currencyBefore;
    const after = result.workspace.currency;
    card.blocks.push(
      context(
        `Amounts already recorded are not converted: ${formatMoney(12_000_000, before)} is now shown as ${formatMoney(12_000_000, after)}. Correct them with /account set … arr=… if they were in ${before}; back to ${before} with /tenure settings currency=${before}.`,
      ),
    );
  }
  return withClaimNotice({ messages: [withSettingsUndo(ctx, card, 'tenure', result.auditId)] }, admin);
}

export const settingsCommand: CommandDefinition = {
  name: 'settings',
  summary: 'Workspace settings: the currency amounts are in, the gross margin CLV assumes, how numeric dates are written (admins change them)',
  usage: [USAGE],
  examples: [EXAMPLE, '/tenure settings dates=dmy', '/tenure settings'],
  tenureOnly: true,
  // The Undo of every settings change (/health, /survey and /ticket settings too) is pressed here.
  actions: SETTINGS_UNDO_ACTIONS,
  async run(ctx, args: Token[]) {
    const { words, options, unknown } = splitOptions(args, KEYS);
    if (unknown[0]) throw settingsError(`Unknown setting "${unknown[0].key}".`, `Settings here: ${KEYS.join(', ')}. Health, survey and ticket settings have their own: /health settings, /survey settings, /ticket hours.`);
    if (words.length > 0) throw settingsError(`"${joinWords(words)}" is not a setting; write key=value, e.g. currency=EUR.`);
    if (Object.keys(options).length === 0) return { messages: [settingsMessage(ctx.workspace)] };
    return change(ctx, options);
  },
};
