// /ticket: open a ticket (by text or a form), acknowledge it (the first response),
// resolve it, list tickets, show one with its history, service-desk statistics,
// and the business hours the first-response SLA is counted in.
import { z } from 'zod';
import { TICKET_SEVERITIES } from '../db/schema.js';
import { accountForChannel, resolveAccount, type Account } from '../src/core/accounts.js';
import { channelTimezone } from '../src/core/channels.js';
import { UserError } from '../src/core/errors.js';
import { isUuid } from '../src/core/ids.js';
import { businessHoursFor } from '../src/core/settings.js';
import { businessMinutesBetween, FIRST_RESPONSE_HOURS, type Severity } from '../src/core/sla.js';
import { ticketStats } from '../src/core/ticket-stats.js';
import {
  acknowledgeTicket,
  countTickets,
  findTicketById,
  listTickets,
  openTicket,
  requireTicket,
  resolveTicket,
  ticketHistory,
  type TicketView,
} from '../src/core/tickets.js';
import { formatDateTimeInZone, formatMinutes } from '../src/core/time.js';
import { context, header, message, notice, text } from '../src/messages/builders.js';
import type { Form, FormSubmission, Reply } from '../src/messages/message.js';
import { accountField, accountFromForm, accountNameFrom, splitAccountAndKeyword } from './account-input.js';
import type { CommandContext } from './context.js';
import { joinWords, parseShortId, splitOptions, textSchema, verbatimText, type Token } from './parse.js';
import type { CommandDefinition } from './registry.js';
import { holidaysCommand, hoursCommand, SETTINGS_EXAMPLE, SETTINGS_USAGE } from './ticket-settings.js';
import { alertsCommand } from './alerts.js';
import { listLine, openedMessage, SEVERITY_ICON, statsMessage, statusText, ticketCard } from './ticket-views.js';
import { checkForm } from './form-input.js';
import { withChurnedNote } from './churned.js';
import { reopen, REOPEN_EXAMPLE, REOPEN_USAGE, TICKET_UNDO_ACTIONS, TICKET_VERBS, ticketVerb, withTicketUndo } from './ticket-changes.js';
import { accountBeforeKeyword } from './word-order.js';
import { syncedTicketReply } from './connect-views.js';

const USAGE = {
  open: '/ticket <account> <critical|major|minor|cosmetic> <title…> [tech=backup]',
  ack: '/ticket ack <id>',
  resolve: '/ticket resolve <id> [note…]',
  list: '/ticket list [account] [open|all]',
  show: '/ticket <id>',
  stats: '/ticket stats [days=30]',
};
const EXAMPLE = {
  open: '/ticket "Acme Corp" critical VPN tunnel to the DR site is down tech=networking',
  ack: '/ticket ack 42',
  resolve: '/ticket resolve #42 Rotated the expired certificate',
  list: '/ticket list "Acme Corp" all',
  show: '/ticket #42',
  stats: '/ticket stats days=90',
};
const LIST_LIMIT = 50;
const MAX_STATS_DAYS = 730;

const titleSchema = textSchema('title', 200);
const noteSchema = textSchema('note', 3000);
const technologySchema = textSchema('technology', 40);

const isSeverity = (t: Token) => !t.quoted && t.key === undefined && (TICKET_SEVERITIES as readonly string[]).includes(t.text.toLowerCase());

function severityError(found: Token | undefined): UserError {
  const targets = TICKET_SEVERITIES.map((s) => `${s} (${FIRST_RESPONSE_HOURS[s]} h)`).join(', ');
  const what = found ? `"${found.text}" is not a severity: use critical, major, minor or cosmetic.` : 'Say how severe it is: critical, major, minor or cosmetic.';
  return new UserError(what, { hint: `Put it right after the account name. First-response targets in business hours: ${targets}.`, usage: USAGE.open, example: EXAMPLE.open });
}

/** The ticket number in `token` (42 or #42), or a UserError saying how to write one. */
function ticketNumber(token: Token | undefined, which: 'ack' | 'resolve' | 'show'): number {
  if (!token) throw new UserError('Which ticket? Give its number, e.g. 42 or #42.', { usage: USAGE[which], example: EXAMPLE[which] });
  const number = parseShortId(token.text);
  if (number === null || number === 0) {
    throw new UserError(`"${token.text}" is not a ticket number; write it like 42 or #42.`, { usage: USAGE[which], example: EXAMPLE[which] });
  }
  return number;
}

/** Core's errors (unknown ticket, already resolved) answered with this subcommand's usage rather than opening's. */
async function withUsage<T>(which: 'ack' | 'resolve' | 'show', work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof UserError && !err.details.usage) throw new UserError(err.message, { ...err.details, usage: USAGE[which], example: EXAMPLE[which] });
    throw err;
  }
}

/**
 * The zone times are shown in — the channel's own if it has one, else the zone of the
 * business hours (`/ticket hours 9-17 CET` shows deadlines in that zone) — and the hours.
 */
async function clockOf(ctx: CommandContext) {
  const hours = businessHoursFor(ctx.workspace);
  return { timezone: await channelTimezone(ctx.db, ctx.workspace.id, ctx.channel.id, hours.timezone), hours };
}

async function open(ctx: CommandContext, request: { account: Account; severity: Severity; title: string; technology: string | null }): Promise<Reply> {
  const { timezone, hours } = await clockOf(ctx);
  const ticket = await ctx.db.transaction((tx) =>
    openTicket(tx, ctx.workspace.id, { accountId: request.account.id, severity: request.severity, title: request.title, technology: request.technology, channelId: ctx.channel.id }, hours, {
      userId: ctx.user.id,
      now: ctx.now,
    }),
  );
  return { messages: [withChurnedNote(withTicketUndo(ctx, openedMessage(ticket, request.account.name, hours, timezone), 'open', ticket.id), request.account, 'ticket')] };
}

async function openFromText(ctx: CommandContext, args: Token[]): Promise<Reply> {
  const { words: typed, options } = splitOptions(args, ['tech'], { technology: 'tech' });
  // `/ticket critical "Acme Corp" VPN down` reads as `/ticket "Acme Corp" critical VPN down`.
  const words = await accountBeforeKeyword(ctx, typed, isSeverity);
  const { account, keywordIndex } = await splitAccountAndKeyword(ctx, words, isSeverity, severityError);
  const severity = words[keywordIndex]!.text.toLowerCase() as Severity;
  const title = titleSchema.safeParse(verbatimText(words.slice(keywordIndex + 1)));
  if (!title.success) {
    const problem = title.error.issues[0]!.message;
    // Too long is said as everywhere (parse.ts lengthProblem), not as a missing title.
    if (words.length > keywordIndex + 1) throw new UserError(`${problem.charAt(0).toUpperCase()}${problem.slice(1)}.`, { usage: USAGE.open, example: EXAMPLE.open });
    throw new UserError(`Add a title for the ticket: ${problem}.`, {
      hint: `What is wrong? e.g. /ticket "${account.name}" ${severity} Backups failing since Monday`,
      usage: USAGE.open,
      example: EXAMPLE.open,
    });
  }
  let technology: string | null = null;
  if (options.tech !== undefined) {
    const parsed = technologySchema.safeParse(options.tech);
    if (!parsed.success) throw new UserError(`tech=${options.tech}: ${parsed.error.issues[0]!.message}.`, { usage: USAGE.open, example: EXAMPLE.open });
    technology = parsed.data.toLowerCase();
  }
  return open(ctx, { account, severity, title: title.data, technology });
}

async function acknowledge(ctx: CommandContext, number: number): Promise<Reply> {
  const synced = await syncedTicketReply(ctx, number, 'acknowledge');
  if (synced) return synced;
  const { timezone, hours } = await clockOf(ctx);
  const { ticket, businessMinutes, met } = await withUsage('ack', ctx.db.transaction((tx) => acknowledgeTicket(tx, ctx.workspace.id, number, hours, { userId: ctx.user.id, now: ctx.now })));
  const verdict = met ? '**SLA met**' : `**SLA missed** by ${formatMinutes(businessMinutesBetween(ticket.slaDueAt, ctx.now, hours))} of business time`;
  const headline = `#${ticket.number} acknowledged by @${ctx.user.displayName}: first response after ${formatMinutes(businessMinutes)} of business time`;
  return {
    messages: [
      withTicketUndo(ctx, message(`${headline}, ${met ? 'SLA met' : 'SLA missed'}.`, [
        text(`${met ? '✅' : '⚠️'} ${headline} — ${verdict}; it was due ${formatDateTimeInZone(ticket.slaDueAt, timezone)}.`),
        context(`Resolve it with /ticket resolve ${ticket.number} <note>.`),
      ], { visibility: 'channel', tone: met ? 'success' : 'info' }), 'ack', ticket.id),
    ],
  };
}

async function resolve(ctx: CommandContext, number: number, noteWords: Token[]): Promise<Reply> {
  const synced = await syncedTicketReply(ctx, number, 'resolve');
  if (synced) return synced;
  let note: string | null = null;
  if (noteWords.length > 0) {
    const parsed = noteSchema.safeParse(verbatimText(noteWords));
    if (!parsed.success) {
      // The issue names the note itself ("the note is missing"): only its first letter changes.
      const issue = parsed.error.issues[0]!.message;
      throw new UserError(`${issue.charAt(0).toUpperCase()}${issue.slice(1)}.`, { usage: USAGE.resolve, example: EXAMPLE.resolve });
    }
    note = parsed.data;
  }
  const { ticket, respondedNow } = await withUsage('resolve', ctx.db.transaction((tx) => resolveTicket(tx, ctx.workspace.id, number, note, { userId: ctx.user.id, now: ctx.now })));
  const view = (await findTicketById(ctx.db, ctx.workspace.id, ticket.id))!;
  const elapsed = formatMinutes((ctx.now.getTime() - ticket.openedAt.getTime()) / 60_000, { days: true });
  const blocks = [text(`✅ Resolved **#${ticket.number}** for **${view.accountName}** — “${ticket.title}” — after ${elapsed}.`)];
  if (note) blocks.push(text(`> ${note.replace(/\n/g, '\n> ')}`));
  if (respondedNow) {
    const met = ctx.now <= ticket.slaDueAt;
    blocks.push(context(`It was never acknowledged, so the resolution counts as the first response (${met ? 'SLA met' : 'SLA missed'}).`));
  }
  return { messages: [withTicketUndo(ctx, message(`Resolved #${ticket.number} for ${view.accountName} after ${elapsed}.`, blocks, { visibility: 'channel', tone: 'success' }), 'resolve', ticket.id)] };
}

async function show(ctx: CommandContext, ticket: TicketView): Promise<Reply> {
  const { timezone, hours } = await clockOf(ctx);
  const history = await ticketHistory(ctx.db, ctx.workspace.id, ticket.id);
  const responseMinutes = ticket.firstResponseAt ? businessMinutesBetween(ticket.openedAt, ticket.firstResponseAt, hours) : null;
  const businessLeft = businessMinutesBetween(ctx.now, ticket.slaDueAt, hours);
  return { messages: [ticketCard(ticket, history, { timezone, now: ctx.now, responseMinutes, businessLeft })] };
}

async function list(ctx: CommandContext, args: Token[]): Promise<Reply> {
  const last = args[args.length - 1];
  const statusWord = last && !last.quoted && last.key === undefined ? last.text.toLowerCase() : '';
  const status = statusWord === 'all' ? 'all' : 'open';
  const nameWords = statusWord === 'all' || statusWord === 'open' ? args.slice(0, -1) : args;
  if (nameWords.some((w) => w.key !== undefined)) {
    throw new UserError(`"${nameWords.find((w) => w.key !== undefined)!.text}" is not a filter of /ticket list.`, { usage: USAGE.list, example: EXAMPLE.list });
  }
  const account = nameWords.length > 0 ? await resolveAccount(ctx.db, ctx.workspace.id, accountNameFrom(joinWords(nameWords))) : undefined;
  const filter = { accountId: account?.id, status } as const;
  const [shown, total] = await Promise.all([listTickets(ctx.db, ctx.workspace.id, { ...filter, limit: LIST_LIMIT }), countTickets(ctx.db, ctx.workspace.id, filter)]);
  const scope = `${status === 'open' ? 'Open tickets' : 'All tickets'}${account ? ` for ${account.name}` : ''}`;
  if (shown.length === 0) {
    return { messages: [notice(`${scope}: none.${status === 'open' ? ' See closed ones with /ticket list all.' : ''}`, { tone: 'info' })] };
  }
  const { timezone, hours } = await clockOf(ctx);
  const lines = shown.map((t) => listLine(t, statusText(t, ctx.now, timezone, t.firstResponseAt ? 0 : businessMinutesBetween(ctx.now, t.slaDueAt, hours))));
  const blocks = [header(`${scope} (${total})`)];
  for (let i = 0; i < lines.length; i += 10) blocks.push(text(lines.slice(i, i + 10).join('\n')));
  if (total > shown.length) blocks.push(context(`…and ${total - shown.length} more. Narrow it with /ticket list <account>.`));
  blocks.push(context(`Times in ${timezone}. Open one with /ticket <id>.`));
  return { messages: [message(`${scope}: ${total}`, blocks)] };
}

async function stats(ctx: CommandContext, args: Token[]): Promise<Reply> {
  const { words, options } = splitOptions(args, ['days']);
  // `/ticket stats 90` reads as days=90.
  const raw = options.days ?? (words.length === 1 ? words[0]!.text : undefined);
  if (words.length > (options.days === undefined ? 1 : 0)) {
    throw new UserError(`"${joinWords(words)}" is not a window; give the number of days, e.g. days=90.`, { usage: USAGE.stats, example: EXAMPLE.stats });
  }
  const days = raw === undefined ? 30 : /^\d{1,4}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!(days >= 1 && days <= MAX_STATS_DAYS)) {
    throw new UserError(`days=${raw}: give a whole number of days from 1 to ${MAX_STATS_DAYS}.`, { usage: USAGE.stats, example: EXAMPLE.stats });
  }
  const hours = businessHoursFor(ctx.workspace);
  return { messages: [statsMessage(await ticketStats(ctx.db, ctx.workspace.id, { now: ctx.now, days, hours }), hours)] };
}

export async function ticketForm(ctx: CommandContext, account?: Account): Promise<Form> {
  return {
    id: 'ticket',
    title: 'Open a ticket',
    submitLabel: 'Open ticket',
    state: { channelId: ctx.channel.id },
    fields: [
      await accountField(ctx, account),
      {
        id: 'severity',
        label: 'Severity',
        kind: 'select',
        required: true,
        options: TICKET_SEVERITIES.map((s) => ({ label: `${SEVERITY_ICON[s]} ${s} — first response in ${FIRST_RESPONSE_HOURS[s]} business h`, value: s })),
      },
      { id: 'title', label: 'Title', kind: 'text', required: true, placeholder: 'Backups failing since Monday' },
      { id: 'tech', label: 'Technology (optional)', kind: 'text', required: false, placeholder: 'backup, identity, networking…' },
    ],
  };
}

const formSchema = z.object({
  account: z.string().trim().min(1, 'Pick an account'),
  severity: z.string().trim().refine((v) => (TICKET_SEVERITIES as readonly string[]).includes(v.toLowerCase()), 'Pick a severity'),
  title: z.string().trim().min(1, 'Add a title').max(200, 'Keep the title under 200 characters'),
  tech: z.string().trim().max(40, 'Keep it under 40 characters'),
});

async function submitForm(ctx: CommandContext, values: Record<string, string>): Promise<FormSubmission> {
  const { data: v, errors } = checkForm(formSchema, { account: '', severity: '', title: '', tech: '', ...values });
  let account: Account | undefined;
  if (v) {
    const found = await accountFromForm(ctx, v.account);
    if ('error' in found) errors.account = found.error;
    else account = found.account;
  }
  if (Object.keys(errors).length > 0 || !v || !account) return { ok: false, errors };
  const reply = await open(ctx, { account, severity: v.severity.toLowerCase() as Severity, title: v.title, technology: v.tech ? v.tech.toLowerCase() : null });
  return { ok: true, reply };
}

async function ticketFromButton(ctx: CommandContext, value: string): Promise<TicketView> {
  const ticket = isUuid(value) ? await findTicketById(ctx.db, ctx.workspace.id, value) : undefined;
  if (!ticket) throw new UserError('That ticket no longer exists. See /ticket list.');
  return ticket;
}

function rejectExtra(tokens: Token[], which: 'ack' | 'show'): void {
  if (tokens.length > 0) throw new UserError(`/ticket ${which === 'ack' ? 'ack' : '<id>'} takes one ticket number; "${joinWords(tokens)}" is extra.`, { usage: USAGE[which], example: EXAMPLE[which] });
}

export const ticketCommand: CommandDefinition = {
  name: 'ticket',
  summary: 'Open, acknowledge, resolve and list customer tickets; first-response SLA in business hours, with alerts before a breach.',
  usage: [USAGE.open, USAGE.ack, USAGE.resolve, REOPEN_USAGE, USAGE.list, USAGE.show, USAGE.stats, SETTINGS_USAGE.hours, SETTINGS_USAGE.holidays, SETTINGS_USAGE.alerts, '/ticket'],
  examples: [EXAMPLE.open, EXAMPLE.ack, EXAMPLE.resolve, REOPEN_EXAMPLE, EXAMPLE.list, EXAMPLE.stats, SETTINGS_EXAMPLE.hours, SETTINGS_EXAMPLE.holidays],
  async run(ctx, args) {
    if (args.length === 0) {
      // In a customer's channel the form starts on that customer.
      return { messages: [], form: await ticketForm(ctx, await accountForChannel(ctx.db, ctx.workspace.id, ctx.channel.id)) };
    }
    const first = args[0]!;
    const sub = ticketVerb(args, isSeverity);
    const rest = args.slice(1);
    switch (sub) {
      case 'ack':
      case 'acknowledge':
        rejectExtra(rest.slice(1), 'ack');
        return acknowledge(ctx, ticketNumber(rest[0], 'ack'));
      case 'reopen':
        return reopen(ctx, rest);
      case 'resolve':
        return resolve(ctx, ticketNumber(rest[0], 'resolve'), rest.slice(1));
      case 'list':
        return list(ctx, rest);
      case 'show':
        rejectExtra(rest.slice(1), 'show');
        return show(ctx, await withUsage('show', requireTicket(ctx.db, ctx.workspace.id, ticketNumber(rest[0], 'show'))));
      case 'stats':
        return stats(ctx, rest);
      case 'hours':
        return hoursCommand(ctx, rest);
      case 'holidays':
      case 'holiday':
        return holidaysCommand(ctx, rest);
      case 'alerts':
        return alertsCommand(ctx, rest);
    }
    if (args.length === 1 && !first.quoted && parseShortId(first.text) !== null) {
      return show(ctx, await withUsage('show', requireTicket(ctx.db, ctx.workspace.id, ticketNumber(first, 'show'))));
    }
    return openFromText(ctx, args);
  },
  aliases: TICKET_VERBS,
  actions: {
    ...TICKET_UNDO_ACTIONS,
    async 'ticket.ack'(ctx, value) {
      return acknowledge(ctx, (await ticketFromButton(ctx, value)).number);
    },
    async 'ticket.resolve'(ctx, value) {
      return resolve(ctx, (await ticketFromButton(ctx, value)).number, []);
    },
    async 'ticket.show'(ctx, value) {
      return show(ctx, await ticketFromButton(ctx, value));
    },
  },
  forms: {
    ticket: (ctx, values) => submitForm(ctx, values),
  },
};
