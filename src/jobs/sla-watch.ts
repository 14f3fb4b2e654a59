// The SLA watcher (every five minutes): for each ticket still waiting for its
// first response, a warning once 80% of the business-hours window has gone, and
// a breach alert naming the account's owner once the deadline has passed. Each
// kind is posted once per ticket, whichever replica or run gets there first: the
// ledger row (job 'sla-warning' / 'sla-breach', period = ticket id) is claimed
// before posting and marked done with what was sent (run-once.ts); a claim whose
// claimer died before posting is taken over, so the alert still goes out. Alerts
// go where the account's alerts go (core/channel-kinds.ts): its internal channel,
// else the alert channel, else its owner or an admin privately; only with none of
// these is the alert skipped and logged once. A churned account's tickets are not
// watched (unansweredTickets leaves them out).
import { alertRoute, routeTarget } from '../core/channel-kinds.js';
import { channelTimezone } from '../core/channels.js';
import { finishedKeys } from '../core/ledger.js';
import { businessHoursFor } from '../core/settings.js';
import { businessMinutesBetween, slaWarningAt, type BusinessHours } from '../core/sla.js';
import { recordTicketEvent, unansweredTickets, type TicketView } from '../core/tickets.js';
import { formatDateTimeInZone, formatMinutes } from '../core/time.js';
import { activeWorkspaces, type Platform, type Workspace } from '../core/workspaces.js';
import { actions, button, context, mention, message, text } from '../messages/builders.js';
import type { Message } from '../messages/message.js';
import { claimOnce, onceDeps, postClaimed, recordOutcome, recordUnrecorded, withMemory, type JobDeps, type OnceDeps } from './run-once.js';
import type { ScheduledJob } from './scheduler.js';

export type SlaAlertKind = 'warning' | 'breach';
export const SLA_ALERT_JOBS: Record<SlaAlertKind, string> = { warning: 'sla-warning', breach: 'sla-breach' };
export const SLA_WATCH_SCHEDULE = '*/5 * * * *';
/** How long an alert's claim stays its claimer's: claiming to posting takes seconds. */
export const SLA_ALERT_LEASE_MS = 5 * 60_000;

export type SlaWatchDeps = JobDeps;

export interface SlaWatchResult {
  workspaces: number;
  checked: number;
  warnings: number;
  breaches: number;
  /** Claimed but not posted: no channel to post to. */
  skipped: number;
  /** Delivery failed (see the log); not retried unless nothing was posted. */
  failed: number;
}

type AlertOutcome = 'posted' | 'taken' | 'skipped' | 'failed' | 'retry';

/** The alert a ticket is due at `now`, if any: past the deadline a breach, past 80% a warning. */
export function dueAlert(ticket: Pick<TicketView, 'openedAt' | 'severity' | 'slaDueAt'>, hours: BusinessHours, now: Date): SlaAlertKind | null {
  if (now >= ticket.slaDueAt) return 'breach';
  if (now >= slaWarningAt(ticket.openedAt, ticket.severity, hours, ticket.slaDueAt)) return 'warning';
  return null;
}

/** One pass over every workspace that has a delivery. `now` is the watcher's clock. */
export async function runSlaWatch(deps: SlaWatchDeps, now: Date): Promise<SlaWatchResult> {
  const once = onceDeps(deps);
  const result: SlaWatchResult = { workspaces: 0, checked: 0, warnings: 0, breaches: 0, skipped: 0, failed: 0 };
  await recordUnrecorded(once);
  const platforms = (Object.keys(deps.deliveries) as Platform[]).filter((p) => deps.deliveries[p] !== undefined);
  for (const workspace of await activeWorkspaces(deps.db, platforms)) {
    result.workspaces++;
    try {
      await watchWorkspace(once, workspace, now, result);
    } catch (err) {
      // One tenant's trouble must not stop the others' alerts.
      deps.logger.error({ err, workspaceId: workspace.id }, 'SLA watch failed for a workspace');
    }
  }
  return result;
}

async function watchWorkspace(deps: OnceDeps, workspace: Workspace, now: Date, result: SlaWatchResult): Promise<void> {
  const hours = businessHoursFor(workspace);
  // A ticket whose breach alert is finished needs nothing more.
  const waiting = await unansweredTickets(deps.db, workspace.id, { now, skipFinishedBy: SLA_ALERT_JOBS.breach });
  result.checked += waiting.length;
  const due = waiting.map((ticket) => ({ ticket, kind: dueAlert(ticket, hours, now) })).filter((d): d is { ticket: TicketView; kind: SlaAlertKind } => d.kind !== null);
  if (due.length === 0) return;
  // Most are already alerted on every later pass: skip those without an insert each.
  const done = {
    warning: await finishedKeys(deps.db, SLA_ALERT_JOBS.warning, due.filter((d) => d.kind === 'warning').map((d) => d.ticket.id)),
    breach: await finishedKeys(deps.db, SLA_ALERT_JOBS.breach, due.filter((d) => d.kind === 'breach').map((d) => d.ticket.id)),
  };
  for (const { ticket, kind } of due) {
    if (done[kind].has(ticket.id)) continue;
    const outcome = await alert(deps, workspace, ticket, kind, hours, now);
    if (outcome === 'posted') result[kind === 'warning' ? 'warnings' : 'breaches']++;
    else if (outcome === 'skipped') result.skipped++;
    else if (outcome === 'failed') result.failed++;
  }
}

async function alert(deps: OnceDeps, workspace: Workspace, ticket: TicketView, kind: SlaAlertKind, hours: BusinessHours, now: Date): Promise<AlertOutcome> {
  const { db, logger } = deps;
  const what = kind === 'warning' ? 'an SLA warning' : 'an SLA breach alert';
  const claim = await claimOnce(deps, { jobName: SLA_ALERT_JOBS[kind], periodKey: ticket.id, workspaceId: workspace.id, now, leaseMs: SLA_ALERT_LEASE_MS, what });
  if (!claim) return 'taken';
  const where = { workspaceId: workspace.id, ticket: ticket.number, kind };
  // Never a customer channel: the account's internal channel, the alert channel, or a person privately.
  const route = await alertRoute(db, workspace.id, ticket.accountId);
  if (!route) {
    logger.warn(where, `SLA ${kind} for #${ticket.number} (${ticket.accountName}) skipped: no internal channel, alert channel, owner or admin to send it to`);
    await recordOutcome(deps, [claim], { status: 'done', now, detail: { skipped: 'nowhere to send' } });
    return 'skipped';
  }
  const channelId = routeTarget(route);
  // Times in the channel's own zone, else the business hours' (as /ticket shows them).
  const timezone = await channelTimezone(db, workspace.id, channelId, hours.timezone);
  const alertMessage = kind === 'warning' ? warningMessage(ticket, hours, timezone, now) : breachMessage(ticket, timezone);
  const posted = await postClaimed(deps, [claim], { workspace, channelId, message: alertMessage, now, detail: { via: route.via } });
  if (posted.outcome === 'not-sent') {
    logger.warn({ ...where, err: posted.error }, 'SLA alert not delivered; the next run tries again');
    return 'retry';
  }
  if (posted.outcome === 'failed') {
    logger.error({ ...where, err: posted.error }, 'SLA alert delivery failed; not retried, it may have been posted');
    return 'failed';
  }
  await recordTicketEvent(db, workspace.id, {
    ticketId: ticket.id,
    kind: kind === 'warning' ? 'sla-warning' : 'sla-breach',
    at: now,
    userId: null,
    note: route.to === 'channel' ? `alert posted to #${channelId}` : `alert sent privately to @${route.name} (${route.via})`,
  });
  logger.info({ ...where, channelId, via: route.via, ref: posted.ref }, `SLA ${kind} posted`);
  return 'posted';
}

function ownerText(ticket: TicketView): string {
  if (ticket.accountOwnerName && ticket.accountOwnerPlatformId) return mention(ticket.accountOwnerPlatformId, ticket.accountOwnerName);
  return ticket.accountOwnerName ? `@${ticket.accountOwnerName}` : `nobody — set one with /account set "${ticket.accountName}" owner=@name`;
}

function ticketButtons(ticket: TicketView) {
  // Handled by commands/ticket.ts.
  return actions([button('ticket.ack', `Acknowledge #${ticket.number}`, ticket.id, 'primary'), button('ticket.show', 'Show ticket', ticket.id)]);
}

export function warningMessage(ticket: TicketView, hours: BusinessHours, timezone: string, now: Date): Message {
  const left = formatMinutes(businessMinutesBetween(now, ticket.slaDueAt, hours));
  const due = formatDateTimeInZone(ticket.slaDueAt, timezone);
  const summary = `SLA warning: ticket #${ticket.number} (${ticket.severity}) for ${ticket.accountName} has no first response; due ${due}.`;
  return message(
    summary,
    [
      text(`⏳ **SLA warning** — ticket **#${ticket.number}** (${ticket.severity}) for **${ticket.accountName}** has no first response yet: “${ticket.title}”.`),
      text(`First response due ${due}: ${left} of business time left. Owner: ${ownerText(ticket)}.`),
      context(`Acknowledge with /ticket ack ${ticket.number} once someone has answered the customer.`),
      ticketButtons(ticket),
    ],
    { visibility: 'channel', tone: 'info' },
  );
}

export function breachMessage(ticket: TicketView, timezone: string): Message {
  const due = formatDateTimeInZone(ticket.slaDueAt, timezone);
  const summary = `SLA breached: ticket #${ticket.number} (${ticket.severity}) for ${ticket.accountName} had no first response by ${due}. Owner: ${ticket.accountOwnerName ? `@${ticket.accountOwnerName}` : 'none'}.`;
  return message(
    summary,
    [
      text(`🚨 **SLA breached** — ticket **#${ticket.number}** (${ticket.severity}) for **${ticket.accountName}** had no first response by ${due}: “${ticket.title}”.`),
      text(`Owner: ${ownerText(ticket)}${ticket.accountOwnerName ? ' — please answer the customer now' : ''}.`),
      context(`Acknowledge with /ticket ack ${ticket.number} as soon as the customer has an answer.`),
      ticketButtons(ticket),
    ],
    { visibility: 'channel', tone: 'error' },
  );
}

/** The watcher as a scheduled job. */
export function slaWatchJob(deps: SlaWatchDeps, timezone: string): ScheduledJob {
  const kept = withMemory(deps);
  return { name: 'sla-watch', schedule: SLA_WATCH_SCHEDULE, timezone, run: (now) => runSlaWatch(kept, now) };
}
