// How tickets read as neutral messages: the answer to opening one, one ticket
// with its history, the list lines and the service-desk statistics.
import { FIRST_RESPONSE_HOURS, type BusinessHours, type Severity } from '../src/core/sla.js';
import type { TicketStats } from '../src/core/ticket-stats.js';
import type { Ticket, TicketHistoryEntry, TicketView } from '../src/core/tickets.js';
import { formatDateTime, formatDateTimeInZone as when, formatMinutes } from '../src/core/time.js';
import { actions, button, context, field, fields, header, message, text } from '../src/messages/builders.js';
import type { Action, Message } from '../src/messages/message.js';

export const SEVERITY_ICON: Record<Severity, string> = { critical: '🔴', major: '🟠', minor: '🟡', cosmetic: '⚪' };
const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** "1 business hour", "12 business hours". */
export function targetText(severity: Severity): string {
  const h = FIRST_RESPONSE_HOURS[severity];
  return `${h} business hour${h === 1 ? '' : 's'}`;
}

/** "Mon–Fri", "Mon, Wed, Fri", "Sun–Thu". */
export function workdaysText(workdays: number[]): string {
  const days = [...new Set(workdays)].sort((a, b) => a - b);
  // A run of three or more days, possibly across the week's end (Sun–Thu), reads as a range.
  if (days.length > 2 && days.length < 7) {
    for (const first of days) {
      const run = [...days].sort((a, b) => ((a - first + 7) % 7) - ((b - first + 7) % 7));
      if (run.every((d, i) => (d - first + 7) % 7 === i)) return `${WEEKDAY_NAMES[first - 1]}–${WEEKDAY_NAMES[run[run.length - 1]! - 1]}`;
    }
  }
  if (days.length === 7) return 'every day';
  return days.map((d) => WEEKDAY_NAMES[d - 1]).join(', ');
}

/** "08:00–17:00 Mon–Fri (Europe/Berlin)". */
export function hoursText(hours: BusinessHours): string {
  return `${hours.start}–${hours.end} ${workdaysText(hours.workdays)} (${hours.timezone})`;
}

function ticketActions(ticket: Pick<Ticket, 'id' | 'number' | 'status'>, withShow: boolean): Action[] {
  const list: Action[] = [];
  if (ticket.status === 'open') list.push(button('ticket.ack', `Acknowledge #${ticket.number}`, ticket.id, 'primary'));
  if (ticket.status !== 'resolved') list.push(button('ticket.resolve', 'Resolve', ticket.id));
  if (withShow) list.push(button('ticket.show', 'Show ticket', ticket.id));
  return list;
}

export function openedMessage(ticket: Ticket, accountName: string, hours: BusinessHours, timezone: string): Message {
  const due = when(ticket.slaDueAt, timezone);
  const zoneNote = hours.timezone === timezone ? '' : ` — the team's business hours are ${hoursText(hours)}`;
  return message(
    `Opened ticket #${ticket.number} (${ticket.severity}) for ${accountName}; first response due ${due}.`,
    [
      text(`🎫 Opened **#${ticket.number}** for **${accountName}** — ${SEVERITY_ICON[ticket.severity]} ${ticket.severity}: “${ticket.title}”`),
      text(`First response due **${due}** — ${targetText(ticket.severity)}${zoneNote}.`),
      context(`Acknowledge with /ticket ack ${ticket.number} once the customer has an answer; see it with /ticket ${ticket.number}.`),
      actions(ticketActions(ticket, true)),
    ],
    { visibility: 'channel', tone: 'success' },
  );
}

/** "⚠️ SLA breached (due …)", "due in 2 h of business time", "acknowledged by @ben"… */
export function statusText(ticket: TicketView, now: Date, timezone: string, businessLeft: number): string {
  if (ticket.status === 'resolved') return `resolved ${ticket.resolvedAt ? formatDateTime(ticket.resolvedAt, timezone) : ''}${ticket.resolvedByName ? ` by @${ticket.resolvedByName}` : ''}`;
  if (ticket.firstResponseAt) {
    const onTime = ticket.firstResponseAt <= ticket.slaDueAt ? 'SLA met' : 'SLA missed';
    return `acknowledged${ticket.firstResponseByName ? ` by @${ticket.firstResponseByName}` : ''} (${onTime})`;
  }
  if (now >= ticket.slaDueAt) return `⚠️ **SLA breached** — first response was due ${formatDateTime(ticket.slaDueAt, timezone)}`;
  return `awaiting first response — due ${formatDateTime(ticket.slaDueAt, timezone)} (${formatMinutes(businessLeft)} of business time left)`;
}

export function listLine(ticket: TicketView, status: string): string {
  return `**#${ticket.number}** ${SEVERITY_ICON[ticket.severity]} ${ticket.severity} · ${ticket.accountName} · “${ticket.title}” · ${status}`;
}

const HISTORY_LABEL: Record<string, string> = {
  opened: 'opened',
  acknowledged: 'acknowledged (first response)',
  resolved: 'resolved',
  'sla-warning': 'SLA warning',
  'sla-breach': 'SLA breach alert',
};

export function ticketCard(
  ticket: TicketView,
  history: TicketHistoryEntry[],
  details: { timezone: string; now: Date; responseMinutes: number | null; businessLeft: number },
): Message {
  const { timezone } = details;
  const response = ticket.firstResponseAt
    ? `${formatDateTime(ticket.firstResponseAt, timezone)}${ticket.firstResponseByName ? ` by @${ticket.firstResponseByName}` : ''} — ${formatMinutes(details.responseMinutes ?? 0)} of business time, ${ticket.firstResponseAt <= ticket.slaDueAt ? 'SLA met ✅' : 'SLA missed ❌'}`
    : details.now >= ticket.slaDueAt
      ? '⚠️ none yet — SLA breached'
      : `none yet (${formatMinutes(details.businessLeft)} of business time left)`;
  const list = [
    field('Account', ticket.accountName),
    field('Severity', `${SEVERITY_ICON[ticket.severity]} ${ticket.severity} (${targetText(ticket.severity)})`),
    field('Status', ticket.status),
    field('Owner', ticket.accountOwnerName ? `@${ticket.accountOwnerName}` : 'nobody yet'),
    field('Opened', `${formatDateTime(ticket.openedAt, timezone)}${ticket.openedByName ? ` by @${ticket.openedByName}` : ''}`),
    field('First response due', when(ticket.slaDueAt, timezone)),
    field('First response', response),
  ];
  if (ticket.resolvedAt) {
    const elapsed = formatMinutes((ticket.resolvedAt.getTime() - ticket.openedAt.getTime()) / 60_000, { days: true });
    list.push(field('Resolved', `${formatDateTime(ticket.resolvedAt, timezone)}${ticket.resolvedByName ? ` by @${ticket.resolvedByName}` : ''} (after ${elapsed})`));
  }
  if (ticket.technology) list.push(field('Technology', ticket.technology));
  const blocks = [header(`#${ticket.number} · ${ticket.title}`), fields(list)];
  if (ticket.resolutionNote) blocks.push(text(`> ${ticket.resolutionNote.replace(/\n/g, '\n> ')}`));
  const lines = history.map((h) => `• ${formatDateTime(h.at, timezone)} — ${HISTORY_LABEL[h.kind] ?? h.kind}${h.userName ? ` by @${h.userName}` : ''}${h.note && h.kind !== 'resolved' ? ` (${h.note})` : ''}`);
  blocks.push(text(['**History**', ...lines].join('\n')));
  blocks.push(context(`Times in ${timezone}.`));
  const buttons = ticketActions(ticket, false);
  if (buttons.length > 0) blocks.push(actions(buttons));
  return message(`Ticket #${ticket.number} (${ticket.severity}, ${ticket.status}) for ${ticket.accountName}: ${ticket.title}`, blocks);
}

const pct = (value: number) => `${Number(value.toFixed(1))}%`;

export function statsMessage(stats: TicketStats, hours: BusinessHours): Message {
  const title = `Service desk — last ${stats.days} day${stats.days === 1 ? '' : 's'}`;
  if (stats.opened === 0) return message(`${title}: no tickets opened.`, [header(title), text('No tickets were opened in this window.')]);
  const { sla, firstResponse, resolution } = stats;
  const attainment =
    sla.attainmentPct === null ? 'nothing decided yet' : `${pct(sla.attainmentPct)} (${sla.met} met, ${sla.missed} missed${sla.pending ? `, ${sla.pending} still inside their window` : ''})`;
  const responseText =
    firstResponse.meanMinutes === null
      ? 'no first responses yet'
      : `mean ${formatMinutes(firstResponse.meanMinutes)} · median ${formatMinutes(firstResponse.medianMinutes!)} (${firstResponse.count} ticket${firstResponse.count === 1 ? '' : 's'})`;
  const resolveText =
    resolution.meanMinutes === null ? 'none resolved yet' : `${formatMinutes(resolution.meanMinutes, { days: true })} (${resolution.count} resolved)`;
  const severities = (Object.keys(stats.bySeverity) as Severity[]).map((s) => `${SEVERITY_ICON[s]} ${s} ${stats.bySeverity[s]}`).join(' · ');
  const top = stats.byAccount.slice(0, 10).map((a) => `${a.accountName}: ${a.count}`);
  if (stats.byAccount.length > 10) top.push(`…and ${stats.byAccount.length - 10} more customers`);
  const blocks = [
    header(title),
    fields([
      field('Tickets opened', String(stats.opened)),
      field('SLA attainment', attainment),
      field('First response (business time)', responseText),
      field('Mean time to resolve', resolveText),
    ]),
    text(`**By severity:** ${severities}`),
    text(['**By customer**', ...top].join('\n')),
  ];
  if (stats.byTechnology.length > 0) blocks.push(text(`**By technology:** ${stats.byTechnology.map((t) => `${t.technology} ${t.count}`).join(' · ')}`));
  blocks.push(
    context(
      `Tickets opened since ${stats.since.toISOString().slice(0, 10)}. SLA attainment = first responses on time ÷ tickets whose deadline passed or that were answered. Business time: ${hoursText(hours)}. Time to resolve is elapsed time.`,
    ),
  );
  const summary = `${title}: ${stats.opened} tickets, SLA attainment ${sla.attainmentPct === null ? 'n/a' : pct(sla.attainmentPct)}.`;
  return message(summary, blocks);
}
