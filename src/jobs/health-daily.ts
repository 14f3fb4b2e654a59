// The daily health pass, per workspace once per local day (ledger 'health-daily'):
// today's snapshot of every account, then alerts, each claimed in the ledger so it
// is posted once across replicas and runs (run-once.ts):
// - a health drop of 15 points or more within 7 days, once per account and peak
//   ('health-drop', account:peak day); only from a score to a score: going into or
//   out of "not enough data" is no drop;
// - renewals 120/90/60/30 days out, naming the owner, once per account, renewal
//   date and threshold ('renewal-alert');
// - overdue check-ins: one message per destination listing its overdue accounts,
//   each account once per due date ('cadence-reminder', account:due date).
// Each goes where the account's alerts go (core/channel-kinds.ts alertRoute): its
// internal channel, else the alert channel, else its owner or an admin privately —
// never a customer channel.
// A pass or an alert whose claimer died before finishing it is taken over: the
// pass is run again (snapshots are rewritten, alerts already done are not), and
// the alert is posted.
import { alertRoutes, routeTarget, type AlertRoute } from '../core/channel-kinds.js';
import { accountTouchStatus } from '../core/cadence.js';
import { BAND_ICON } from '../core/health.js';
import { portfolioHealth, type AccountHealth } from '../core/health-inputs.js';
import { recentPeaks, saveSnapshots } from '../core/health-snapshots.js';
import { finishedKeys, heldRun, takeoverReason } from '../core/ledger.js';
import { formatMoneyShort } from '../core/money.js';
import { renewalAlertThreshold, renewalRisk } from '../core/renewals.js';
import { healthConfigFor } from '../core/settings.js';
import { daysBetween, formatDay, localDate } from '../core/time.js';
import { chatPeopleById } from '../core/workspace-users.js';
import { activeWorkspaces, type Platform, type Workspace } from '../core/workspaces.js';
import { context, mention, message, text } from '../messages/builders.js';
import type { Message } from '../messages/message.js';
import { claimOnce, onceDeps, postClaimed, recordOutcome, recordUnrecorded, withMemory, type JobDeps, type OnceDeps } from './run-once.js';
import type { ScheduledJob } from './scheduler.js';

export const HEALTH_DAILY_JOB = 'health-daily';
export const HEALTH_DAILY_SCHEDULE = '7 * * * *';
export const DROP_POINTS = 15;
export const CADENCE_REMINDER_JOB = 'cadence-reminder';
/**
 * How long the day's pass stays its claimer's: it saves every account's snapshot
 * and posts every alert of a workspace, which for a large portfolio takes minutes.
 * Taking over a live pass costs a second pass, never a second alert.
 */
export const HEALTH_DAILY_LEASE_MS = 30 * 60_000;
/** How long an alert's or a reminder's claim stays its claimer's: claiming to posting takes seconds. */
export const HEALTH_ALERT_LEASE_MS = 5 * 60_000;

export type HealthDailyDeps = JobDeps;

export interface HealthDailyResult {
  workspaces: number;
  snapshots: number;
  dropAlerts: number;
  renewalAlerts: number;
  reminders: number;
  skipped: number;
}

export async function runHealthDaily(deps: HealthDailyDeps, now: Date): Promise<HealthDailyResult> {
  const once = onceDeps(deps);
  const result: HealthDailyResult = { workspaces: 0, snapshots: 0, dropAlerts: 0, renewalAlerts: 0, reminders: 0, skipped: 0 };
  await recordUnrecorded(once);
  const platforms = (Object.keys(deps.deliveries) as Platform[]).filter((p) => deps.deliveries[p] !== undefined);
  for (const workspace of await activeWorkspaces(deps.db, platforms)) {
    try {
      await dailyForWorkspace(once, workspace, now, result);
    } catch (err) {
      deps.logger.error({ err, workspaceId: workspace.id }, 'daily health pass failed for a workspace');
    }
  }
  return result;
}

async function dailyForWorkspace(deps: OnceDeps, workspace: Workspace, now: Date, result: HealthDailyResult): Promise<void> {
  const { db } = deps;
  const today = localDate(now, workspace.timezone);
  const config = healthConfigFor(workspace);
  const periodKey = `${workspace.id}:${today}`;
  // The job runs hourly on every replica; once today's run is claimed (by a claimer
  // that may still finish it), the others stop here instead of scoring the whole
  // portfolio for nothing. The claim itself comes only after scoring, so a pass that
  // fails before it (the database away) is tried again next hour rather than lost.
  const held = await heldRun(db, HEALTH_DAILY_JOB, periodKey);
  if (held && !takeoverReason(held, deps.claimer, now, HEALTH_DAILY_LEASE_MS)) return;
  const list = await portfolioHealth(db, workspace.id, { now, timezone: workspace.timezone, config });
  const claim = await claimOnce(deps, { jobName: HEALTH_DAILY_JOB, periodKey, workspaceId: workspace.id, now, leaseMs: HEALTH_DAILY_LEASE_MS, what: 'a daily health pass' });
  if (!claim) return;
  result.workspaces++;
  result.snapshots += await saveSnapshots(db, workspace.id, list, { day: today, now });
  const routes = await alertRoutes(db, workspace.id);
  await dropAlerts(deps, workspace, list, routes, today, now, result);
  await renewalAlerts(deps, workspace, list, routes, today, now, result);
  await cadenceReminders(deps, workspace, list, routes, today, now, config.cadenceMode, result);
  await recordOutcome(deps, [claim], { status: 'done', now, detail: { accounts: list.length } });
}

/** Claims `key` of `job`, posts, marks done; gives the claim back when nothing was posted. */
async function claimAndPost(deps: OnceDeps, workspace: Workspace, alert: { job: string; what: string; key: string }, channelId: string, msg: Message, now: Date): Promise<boolean> {
  const { job, what, key } = alert;
  const claim = await claimOnce(deps, { jobName: job, periodKey: key, workspaceId: workspace.id, now, leaseMs: HEALTH_ALERT_LEASE_MS, what });
  if (!claim) return false;
  const posted = await postClaimed(deps, [claim], { workspace, channelId, message: msg, now });
  if (posted.outcome === 'failed') deps.logger.error({ err: posted.error, workspaceId: workspace.id, job, key }, 'alert delivery failed; not retried, it may have been posted');
  return posted.outcome === 'posted';
}

type Routes = Map<string, AlertRoute | undefined>;

/** Where an account's alert goes; counted and logged as skipped when there is nowhere at all. */
function destinationOf(deps: OnceDeps, workspace: Workspace, routes: Routes, a: AccountHealth, what: string, result: HealthDailyResult): string | undefined {
  const route = routes.get(a.accountId);
  if (route) return routeTarget(route);
  result.skipped++;
  deps.logger.warn({ workspaceId: workspace.id, account: a.name }, `${what} for ${a.name} not sent: no internal channel, alert channel, owner or admin to send it to`);
  return undefined;
}

async function dropAlerts(deps: OnceDeps, workspace: Workspace, list: AccountHealth[], routes: Routes, today: string, now: Date, result: HealthDailyResult) {
  const peaks = await recentPeaks(deps.db, workspace.id, { day: today, days: 7 });
  const byAccount = new Map(list.map((a) => [a.accountId, a]));
  for (const p of peaks) {
    const a = byAccount.get(p.accountId);
    // The peaks are scores (recentPeaks); an account with no score now has not dropped.
    if (!a || a.health.band === 'insufficient' || p.score - a.health.score < DROP_POINTS) continue;
    const destination = destinationOf(deps, workspace, routes, a, 'A health drop alert', result);
    if (!destination) continue;
    const msg = message(
      `Health drop: ${a.name} fell from ${p.score} to ${a.health.score} since ${p.day}.`,
      [
        text(`📉 **Health drop** — **${a.name}** fell **${p.score} → ${a.health.score}** (${BAND_ICON[a.health.band]} ${a.health.band}) since ${formatDay(p.day)}.`),
        text(['Top drivers:', ...a.health.drivers.map((d) => `• ${d}`)].join('\n')),
        context(`Details: /health "${a.name}"`),
      ],
      { visibility: 'channel', tone: 'error' },
    );
    if (await claimAndPost(deps, workspace, { job: 'health-drop', what: 'a health drop alert', key: `${a.accountId}:${p.day}` }, destination, msg, now)) result.dropAlerts++;
  }
}

async function renewalAlerts(deps: OnceDeps, workspace: Workspace, list: AccountHealth[], routes: Routes, today: string, now: Date, result: HealthDailyResult) {
  const due = list
    .filter((a) => a.renewalDate)
    .map((a) => ({ a, daysLeft: daysBetween(today, a.renewalDate!), threshold: renewalAlertThreshold(daysBetween(today, a.renewalDate!)) }))
    .filter((d) => d.threshold !== null);
  if (due.length === 0) return;
  const keyOf = (d: (typeof due)[number]) => `${d.a.accountId}:${d.a.renewalDate}:${d.threshold}`;
  const done = await finishedKeys(deps.db, 'renewal-alert', due.map(keyOf));
  const owners = await chatPeopleById(deps.db, workspace.id);
  for (const d of due) {
    if (done.has(keyOf(d))) continue;
    const destination = destinationOf(deps, workspace, routes, d.a, 'A renewal alert', result);
    if (!destination) continue;
    const owner = d.a.ownerUserId ? owners.get(d.a.ownerUserId) : undefined;
    const risk = renewalRisk(d.a);
    const arr = d.a.arrCents !== null ? ` (${formatMoneyShort(d.a.arrCents, workspace.currency)} ARR)` : '';
    const msg = message(
      `Renewal in ${d.daysLeft} days: ${d.a.name} renews ${d.a.renewalDate}; ${risk.risk} risk.`,
      [
        text(`🔔 **Renewal in ${d.daysLeft} days** — **${d.a.name}**${arr} renews ${formatDay(d.a.renewalDate!)}. Risk: **${risk.risk}** (${risk.reasons.join(', ')}).`),
        text(`Owner: ${owner ? mention(owner.platformUserId, owner.name) : `nobody — set one with /account set "${d.a.name}" owner=@name`}.`),
        context(`When it is decided: /renewal "${d.a.name}" renewed|expanded|downgraded|churned`),
      ],
      { visibility: 'channel', tone: risk.risk === 'high' ? 'error' : 'info' },
    );
    if (await claimAndPost(deps, workspace, { job: 'renewal-alert', what: 'a renewal alert', key: keyOf(d) }, destination, msg, now)) result.renewalAlerts++;
  }
}

async function cadenceReminders(deps: OnceDeps, workspace: Workspace, list: AccountHealth[], routes: Routes, today: string, now: Date, mode: 'standard' | 'twice-monthly', result: HealthDailyResult) {
  const owners = await chatPeopleById(deps.db, workspace.id);
  // One message per destination (an internal channel, the alert channel, a person) listing its overdue accounts.
  const byDestination = new Map<string, { route: AlertRoute; entries: { a: AccountHealth; key: string; daysSince: number | null }[] }>();
  for (const a of list) {
    const status = accountTouchStatus(a.inputs.lastTouchDay, today, a.inputs, mode);
    if (!status.overdue) continue;
    const target = destinationOf(deps, workspace, routes, a, 'A check-in reminder', result);
    if (!target) continue;
    // One reminder per due date: the last touch plus the gap, or, never touched, the first touch's.
    const dueDate = status.dueDay;
    const group = byDestination.get(target) ?? { route: routes.get(a.accountId)!, entries: [] };
    group.entries.push({ a, key: `${a.accountId}:${dueDate}`, daysSince: status.daysSince });
    byDestination.set(target, group);
  }
  for (const [target, { route, entries }] of byDestination) {
    const done = await finishedKeys(deps.db, CADENCE_REMINDER_JOB, entries.map((e) => e.key));
    const fresh: typeof entries = [];
    const claims = [];
    for (const e of entries) {
      if (done.has(e.key)) continue;
      // Each account claimed once per due date; the destination's one message lists the claimed ones.
      const claim = await claimOnce(deps, { jobName: CADENCE_REMINDER_JOB, periodKey: e.key, workspaceId: workspace.id, now, leaseMs: HEALTH_ALERT_LEASE_MS, what: 'a check-in reminder' });
      if (!claim) continue;
      fresh.push(e);
      claims.push(claim);
    }
    if (fresh.length === 0) continue;
    const ownerOf = (a: AccountHealth) => {
      const owner = a.ownerUserId ? owners.get(a.ownerUserId) : undefined;
      if (route.to === 'person' && route.via === 'owner') return '';
      return owner ? ` (owner ${mention(owner.platformUserId, owner.name)})` : ' (no owner)';
    };
    const lines = fresh.map((e) => `• ${e.a.name} — ${e.daysSince === null ? 'never touched' : `last touch ${e.daysSince} days ago`}${ownerOf(e.a)}`);
    const whose = route.to === 'person' && route.via === 'owner' ? ` of your account${fresh.length === 1 ? '' : 's'}` : '';
    const msg = message(`Check-ins overdue: ${fresh.map((e) => e.a.name).join(', ')}`, [
      text(`⏰ **Check-ins overdue** for ${fresh.length}${whose || ` account${fresh.length === 1 ? '' : 's'}`}:\n${lines.join('\n')}`),
      context(`Log a touch with /checkin "${fresh[0]!.a.name}" call Quarterly review went well`),
    ]);
    // A person's own id as the channel is a direct message (Slack opens the DM).
    const posted = await postClaimed(deps, claims, { workspace, channelId: target, message: msg, now, detail: { via: route.via } });
    if (posted.outcome === 'posted') result.reminders++;
    if (posted.outcome === 'failed') deps.logger.error({ err: posted.error, workspaceId: workspace.id, target }, 'cadence reminder failed; not retried, it may have been posted');
  }
}

export function healthDailyJob(deps: HealthDailyDeps, timezone: string): ScheduledJob {
  const kept = withMemory(deps);
  return { name: HEALTH_DAILY_JOB, schedule: HEALTH_DAILY_SCHEDULE, timezone, run: (now) => runHealthDaily(kept, now) };
}
