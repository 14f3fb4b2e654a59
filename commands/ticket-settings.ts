// /ticket hours and /ticket holidays: the workspace's business hours (the SLA
// clock) and its holiday dates (/ticket alerts is commands/alerts.ts). Everyone may read them; only
// workspace admins change them (checked after the input is valid, before saving).
import { UserError } from '../src/core/errors.js';
import { businessHoursFor, dateOrderFor, MAX_HOLIDAYS, updateWorkspaceSettings, type BusinessHoursSetting } from '../src/core/settings.js';
import { FIRST_RESPONSE_HOURS, type BusinessHours } from '../src/core/sla.js';
import { DATE_FORMS, readDate } from '../src/core/date-reading.js';
import { readHours, readTimeZone } from '../src/core/time-reading.js';
import { formatDay, localDate } from '../src/core/time.js';
import { context, message, notice, text } from '../src/messages/builders.js';
import type { Reply } from '../src/messages/message.js';
import { requireAdmin, withClaimNotice } from './admin.js';
import type { CommandContext } from './context.js';
import { splitOptions, type Token } from './parse.js';
import { withSettingsUndo } from './settings-undo.js';
import { hoursText } from './ticket-views.js';

export const SETTINGS_USAGE = {
  hours: '/ticket hours [09:00-18:00] [Europe/Berlin] [days=mon-fri]',
  holidays: '/ticket holidays [add|remove <date> …]',
  alerts: '/ticket alerts [here|off|<account>]',
};
export const SETTINGS_EXAMPLE = {
  hours: '/ticket hours 09:00-18:00 Europe/Berlin',
  holidays: '/ticket holidays add Dec 25 Dec 26',
  alerts: '/ticket alerts here',
};

const DAY_NUMBERS: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

function hoursError(what: string, hint?: string): UserError {
  return new UserError(what, { usage: SETTINGS_USAGE.hours, example: SETTINGS_EXAMPLE.hours, ...(hint ? { hint } : {}) });
}

/** Why a range of hours was refused, in the words of /ticket hours. */
function rangeError(text: string, problem: string): UserError {
  return /not a time of day/.test(problem)
    ? hoursError(`"${text}" has a time that does not exist; use 00:00 to 23:59.`)
    : hoursError(`"${text}" is not a time range; write the opening and closing time like 9-17, 9am-5pm or 09:00-18:00, then the time zone if it changes.`);
}

/**
 * The hours and zone of `/ticket hours …`: a range, a range and a zone, or a zone alone.
 * The last word is the zone when the words before it are the range.
 */
function readHoursLine(words: string[]): { start?: string; end?: string; zone?: string; zoneNote?: string } {
  const line = words.join(' ');
  const whole = readHours(line);
  if (whole.ok) return { start: whole.start, end: whole.end };
  const zoneText = words.length === 1 ? (/\d/.test(line) ? undefined : line) : words[words.length - 1]!;
  const rangeText = words.length === 1 ? (zoneText === undefined ? line : '') : words.slice(0, -1).join(' ');
  const range = rangeText ? readHours(rangeText) : undefined;
  if (range && !range.ok) throw rangeError(words.length === 1 ? line : rangeText, range.problem);
  const zone = zoneText === undefined ? undefined : readTimeZone(zoneText);
  if (zone && !zone.ok) throw hoursError(`${zone.problem}.`);
  return {
    ...(range?.ok ? { start: range.start, end: range.end } : {}),
    ...(zone?.ok ? { zone: zone.zone, ...(zone.note ? { zoneNote: zone.note } : {}) } : {}),
  };
}

/**
 * The dates of `/ticket holidays add …`, each as people write it (`Dec 25`, `25/12`,
 * `2026-12-25`, `1 Jan 2027`): at each word the longest run of up to four words that
 * reads as one date. A holiday named without a year is the next one.
 */
function readHolidayDates(ctx: CommandContext, words: string[]): string[] {
  const options = { now: ctx.now, timeZone: ctx.workspace.timezone, order: dateOrderFor(ctx.workspace), direction: 'future' as const };
  const dates: string[] = [];
  for (let i = 0; i < words.length; ) {
    let taken = 0;
    for (let n = Math.min(4, words.length - i); n >= 1 && taken === 0; n--) {
      const read = readDate(words.slice(i, i + n).join(' '), options);
      if (read.ok) {
        dates.push(read.date);
        taken = n;
      } else if (n === 1) {
        throw holidaysError(read.ambiguous ? `${read.problem}.` : `"${words[i]}" is not a date; write it like Dec 25, 25 Dec 2026 or 2026-12-25.`);
      }
    }
    i += taken;
  }
  return dates;
}

/** `mon-fri`, `sun-thu`, `mon,wed,fri`, `weekdays` → ISO weekdays (1 = Monday). */
export function parseWorkdays(raw: string): number[] | null {
  const value = raw.trim().toLowerCase();
  if (value === 'weekdays') return [1, 2, 3, 4, 5];
  const days = new Set<number>();
  for (const part of value.split(',')) {
    const range = /^([a-z]{3})(?:[-–]([a-z]{3}))?$/.exec(part.trim());
    const from = range ? DAY_NUMBERS[range[1]!] : undefined;
    const to = range?.[2] ? DAY_NUMBERS[range[2]] : from;
    if (from === undefined || to === undefined) return null;
    // A range may wrap the week end: sun-thu is Sunday to Thursday.
    for (let d = from, i = 0; i < 7; d = (d % 7) + 1, i++) {
      days.add(d);
      if (d === to) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

function describe(hours: BusinessHours, today: string): string {
  const upcoming = hours.holidays.filter((d) => d >= today);
  const holidays = upcoming.length > 0 ? `Holidays ahead: ${upcoming.slice(0, 12).map(formatDay).join(', ')}${upcoming.length > 12 ? ` and ${upcoming.length - 12} more` : ''}.` : 'No holidays ahead.';
  const targets = Object.entries(FIRST_RESPONSE_HOURS).map(([s, h]) => `${s} ${h} h`).join(', ');
  return `Business hours: **${hoursText(hours)}**. ${holidays}\nFirst-response targets (business hours): ${targets}.`;
}

/** Saves the change; `auditId` names its audit entry (none when nothing changed), for the Undo button. */
async function saveHours(ctx: CommandContext, change: (current: BusinessHoursSetting) => BusinessHoursSetting): Promise<{ hours: BusinessHours; auditId: string | undefined }> {
  const { workspace, auditId } = await ctx.db.transaction((tx) =>
    updateWorkspaceSettings(tx, ctx.workspace.id, (s) => ({ ...s, businessHours: change(s.businessHours ?? {}) }), { userId: ctx.user.id, now: ctx.now }),
  );
  return { hours: businessHoursFor(workspace), auditId };
}

export async function hoursCommand(ctx: CommandContext, args: Token[]): Promise<Reply> {
  const today = localDate(ctx.now, ctx.workspace.timezone);
  const { words, options, unknown } = splitOptions(args, ['days'], { workdays: 'days' });
  if (unknown.length > 0) throw hoursError(`"${unknown[0]!.text}" is not a setting of /ticket hours; only days= is.`);
  if (words.length === 0 && options.days === undefined) {
    return { messages: [message('Business hours', [text(describe(businessHoursFor(ctx.workspace), today)), context(`Change them with ${SETTINGS_EXAMPLE.hours}.`)])] };
  }
  if (words.length === 1 && /^(default|reset)$/i.test(words[0]!.text)) {
    const admin = await requireAdmin(ctx, 'change business hours');
    const { hours, auditId } = await saveHours(ctx, (current) => (current.holidays ? { holidays: current.holidays } : {}));
    const shown = notice(`✅ Business hours are back to the default: ${hoursText(hours)}. Holidays are kept.`, { visibility: 'channel', tone: 'success' });
    return withClaimNotice({ messages: [withSettingsUndo(ctx, shown, 'hours', auditId)] }, admin);
  }
  // "9-17", "9am-5pm CET", "09:00–18:00 Europe/Berlin", or a zone alone.
  const read = words.length > 0 ? readHoursLine(words.map((w) => w.text)) : {};
  const patch: BusinessHoursSetting = {};
  if (read.start !== undefined && read.end !== undefined) {
    if (read.start >= read.end) throw hoursError(`Business hours must close after they open: ${read.start}-${read.end} does not.`, 'Hours across midnight are not supported.');
    patch.start = read.start;
    patch.end = read.end;
  }
  if (read.zone !== undefined) patch.timezone = read.zone;
  if (options.days !== undefined) {
    const days = parseWorkdays(options.days);
    if (!days) throw hoursError(`days=${options.days}: write the working days like mon-fri, sun-thu or mon,wed,fri.`);
    patch.workdays = days;
  }
  const admin = await requireAdmin(ctx, 'change business hours');
  const { hours, auditId } = await saveHours(ctx, (current) => ({ ...current, ...patch }));
  const shown = message(`Business hours are now ${hoursText(hours)}.`, [
    text(`✅ Business hours are now **${hoursText(hours)}**.${read.zoneNote ? ` ${read.zoneNote}.` : ''}`),
    context(`They set the first-response deadline of tickets opened from now on; open tickets keep theirs. Deadlines are shown in ${hours.timezone}.`),
  ], { visibility: 'channel', tone: 'success' });
  return withClaimNotice({ messages: [withSettingsUndo(ctx, shown, 'hours', auditId)] }, admin);
}

function holidaysError(what: string): UserError {
  return new UserError(what, { usage: SETTINGS_USAGE.holidays, example: SETTINGS_EXAMPLE.holidays });
}

export async function holidaysCommand(ctx: CommandContext, args: Token[]): Promise<Reply> {
  const today = localDate(ctx.now, ctx.workspace.timezone);
  const verb = args[0]?.text.toLowerCase();
  if (!verb || verb === 'list') return { messages: [message('Holidays', [text(describe(businessHoursFor(ctx.workspace), today))])] };
  if (verb !== 'add' && verb !== 'remove' && verb !== 'delete') throw holidaysError(`"${args[0]!.text}": say add or remove, then the dates.`);
  const typed = args.slice(1).map((t) => t.text.replace(/,$/, '')).filter((w) => w !== '');
  if (typed.length === 0) throw holidaysError(`Which dates? Give them like /ticket holidays ${verb} Dec 25 Dec 26, or as ${DATE_FORMS}.`);
  const dates = readHolidayDates(ctx, typed);
  const adding = verb === 'add';
  const current = businessHoursFor(ctx.workspace).holidays;
  if (adding && new Set([...current, ...dates]).size > MAX_HOLIDAYS) throw holidaysError(`At most ${MAX_HOLIDAYS} holiday dates are kept; remove past ones first.`);
  const admin = await requireAdmin(ctx, 'change holidays');
  const { hours, auditId } = await saveHours(ctx, (setting) => {
    const set = new Set(setting.holidays ?? []);
    for (const d of dates) {
      if (adding) set.add(d);
      else set.delete(d);
    }
    return { ...setting, holidays: [...set].sort() };
  });
  const unique = [...new Set(dates)].sort().map(formatDay);
  const verbText = adding ? 'Added' : 'Removed';
  const shown = message(`${verbText} holidays: ${unique.join(', ')}.`, [
    text(`✅ ${verbText} ${unique.length === 1 ? 'holiday' : 'holidays'} ${unique.join(', ')}.`),
    text(describe(hours, today)),
    context('Holidays count for tickets opened from now on; open tickets keep their deadlines.'),
  ], { visibility: 'channel', tone: 'success' });
  return withClaimNotice({ messages: [withSettingsUndo(ctx, shown, 'holidays', auditId)] }, admin);
}
