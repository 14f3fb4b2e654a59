// The Undo button on every confirmation of a settings change — /tenure settings,
// /health settings, /survey settings, /ticket hours, /ticket holidays — and its answer
// (src/core/settings-undo.ts does the work). The button names the change's audit entry
// and which settings it was about, for the words; who may undo is who may change them.
import { z } from 'zod';
import { UserError, withUsage } from '../src/core/errors.js';
import { DEFAULT_HEALTH_CONFIG, HEALTH_COMPONENTS } from '../src/core/health.js';
import { DEFAULT_MARGIN } from '../src/core/kpis.js';
import { undoSettingsChange, type ChangeWords, type SettingsUndone } from '../src/core/settings-undo.js';
import { businessHoursFor, dateOrderFor, healthConfigFor, partnerNameFor } from '../src/core/settings.js';
import { surveySettings } from '../src/core/surveys.js';
import { formatDay } from '../src/core/time.js';
import { message, text } from '../src/messages/builders.js';
import type { Message } from '../src/messages/message.js';
import { requireAdmin } from './admin.js';
import type { CommandContext } from './context.js';
import type { ActionHandler } from './registry.js';
import { hoursText } from './ticket-views.js';
import { withUndo } from './undo-button.js';
import { undoValue } from './undo-value.js';

export const SETTINGS_KINDS = ['tenure', 'health', 'survey', 'hours', 'holidays'] as const;
export type SettingsKind = (typeof SETTINGS_KINDS)[number];

/** Per kind: what only admins may do (requireAdmin), how answers name the change, and what to type instead. */
const KIND: Record<SettingsKind, { admin: string; words: ChangeWords; usage: string; example: string }> = {
  tenure: {
    admin: 'change the workspace settings',
    words: { change: 'That change of the workspace settings', changedSince: 'The workspace settings have changed since', instead: 'Change them with /tenure settings key=value.' },
    usage: '/tenure settings [currency=EUR] [margin=30%] [dates=dmy|mdy] [partner="Contoso Cloud"]',
    example: '/tenure settings currency=EUR margin=25%',
  },
  health: {
    admin: 'change the health score settings',
    words: { change: 'That change of the health score settings', changedSince: 'The health score settings have changed since', instead: 'Change them with /health settings, or /health settings reset for the defaults.' },
    usage: '/health settings [adoption=30 …] [bands=70/40] [cadence=standard|twice-monthly] · /health settings reset',
    example: '/health settings adoption=40 bands=75/45',
  },
  survey: {
    admin: 'change survey settings',
    words: { change: 'That change of the survey settings', changedSince: 'The survey settings have changed since', instead: 'Change them with /survey settings key=value.' },
    usage: '/survey settings [close=7] [fatigue=30] [minimum=3] [auto=on|off] [lead=120]',
    example: '/survey settings fatigue=45 auto=on lead=120',
  },
  hours: {
    admin: 'change business hours',
    words: { change: 'That change of the business hours', changedSince: 'The business hours have changed since', instead: 'Set them with /ticket hours, or /ticket hours default.' },
    usage: '/ticket hours [09:00-18:00] [Europe/Berlin] [days=mon-fri] · /ticket hours default',
    example: '/ticket hours 09:00-18:00 Europe/Berlin',
  },
  holidays: {
    admin: 'change holidays',
    words: { change: 'That change of the holidays', changedSince: 'The holidays have changed since', instead: 'Add or remove them with /ticket holidays add|remove <date>.' },
    usage: '/ticket holidays [add|remove <date> …]',
    example: '/ticket holidays add Dec 25 Dec 26',
  },
};

/** The confirmation of a settings change (`auditId`: its audit entry; none when nothing changed) with its Undo button. */
export function withSettingsUndo(ctx: CommandContext, shown: Message, kind: SettingsKind, auditId: string | undefined): Message {
  return auditId ? withUndo(ctx, shown, { id: 'settings.undo', value: JSON.stringify({ e: auditId, k: kind }), madeAt: ctx.now }) : shown;
}

/** "a, b and c". */
const andList = (items: string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

/** The holidays an undo took away and gave back, in words; undefined when it changed none. */
function holidaysBack(done: SettingsUndone): string | undefined {
  const had = new Set(done.undone.businessHours?.holidays ?? []);
  const has = new Set(done.restored.businessHours?.holidays ?? []);
  const gone = [...had].filter((d) => !has.has(d)).sort();
  const back = [...has].filter((d) => !had.has(d)).sort();
  const parts = [
    ...(gone.length > 0 ? [`${andList(gone.map(formatDay))} ${gone.length === 1 ? 'is no longer a holiday' : 'are no longer holidays'}`] : []),
    ...(back.length > 0 ? [`${andList(back.map(formatDay))} ${back.length === 1 ? 'is a holiday again' : 'are holidays again'}`] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** What an undo of each kind put back, as the rest of a sentence. */
function backInWords(kind: SettingsKind, done: SettingsUndone): string {
  const ws = done.workspace;
  if (kind === 'holidays') return holidaysBack(done) ?? `business hours are back to ${hoursText(businessHoursFor(ws))}`;
  if (kind === 'hours') return `business hours are back to ${hoursText(businessHoursFor(ws))}`;
  if (kind === 'health') {
    const config = healthConfigFor(ws);
    const bands = HEALTH_COMPONENTS.filter((c) => config.componentBands[c].green !== DEFAULT_HEALTH_CONFIG.componentBands[c].green || config.componentBands[c].yellow !== DEFAULT_HEALTH_CONFIG.componentBands[c].yellow).map(
      (c) => `, ${c} bands ${config.componentBands[c].green}/${config.componentBands[c].yellow}`,
    );
    return `the health score settings are back to weights ${HEALTH_COMPONENTS.map((c) => `${c} ${config.weights[c]}`).join(', ')}; score bands ${config.bands.green}/${config.bands.yellow}${bands.join('')}; cadence ${config.cadenceMode}`;
  }
  if (kind === 'survey') {
    const s = surveySettings(ws);
    return `the survey settings are back to: surveys close after ${s.closeAfterDays} days, fatigue window ${s.fatigueDays === 0 ? 'off' : `${s.fatigueDays} days`}, anonymous results after ${s.anonymousMinimum} responses, automatic NPS ${s.autoNps.enabled ? `on, ${s.autoNps.leadDays} days before renewal` : 'off'}`;
  }
  const margin = done.restored.kpiMargin;
  const order = dateOrderFor(ws);
  const said: Record<string, string> = {
    currency: `the currency is back to ${ws.currency}`,
    kpiMargin: `the gross margin for CLV is back to ${Math.round((margin ?? DEFAULT_MARGIN) * 100)}%${margin === undefined ? ' (the default)' : ''}`,
    dateOrder: order ? `numeric dates are read ${order} again` : 'the order of numeric dates is unset again (a date like 12/01 is asked about)',
    partnerName: `the partner name on surveys is back to ${partnerNameFor(ws)}`,
  };
  return andList(done.keys.map((k) => said[k] ?? `${k} is back as it was`));
}

/** The button's value: the change's audit entry, and which settings it changed. */
const buttonValue = z.object({ e: z.string().min(1).max(100), k: z.enum(SETTINGS_KINDS) });

export const SETTINGS_UNDO_ACTIONS: Record<string, ActionHandler> = {
  async 'settings.undo'(ctx, value) {
    const target = undoValue(value, buttonValue);
    if (!target) throw new UserError('That change can no longer be undone from here. See the settings with /tenure settings.');
    const kind = KIND[target.k];
    // The settings are an admin's to change, undone or not. Refusals carry the usage of these settings' own command.
    const done = await requireAdmin(ctx, kind.admin)
      .then(() => undoSettingsChange(ctx.db, ctx.workspace.id, target.e, kind.words, { userId: ctx.user.id, now: ctx.now, timezone: ctx.workspace.timezone }))
      .catch(withUsage(kind.usage, kind.example));
    const said = `Undid the change: ${backInWords(target.k, done)}.`;
    return { messages: [], update: message(said, [text(`↩️ ${said}`)], { visibility: 'channel' }) };
  },
};
