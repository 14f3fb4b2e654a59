// The daily health pass, per workspace once per local day (ledger 'health-daily'):
// today's snapshot of every account, then alerts, each claimed in the ledger so it
// is posted once across replicas and runs:
// - a health drop of 15 points or more within 7 days → the account's channel, once
//   per account and peak ('health-drop', account:peak day);
// - renewals 120/90/60/30 days out → the account's channel, naming its owner, once
//   per account, renewal date and threshold ('renewal-alert');
// - overdue check-ins → one direct message per owner listing their overdue accounts,
//   each account once per due date ('cadence-reminder', account:due date).
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.js';
import { alertDestination } from '../core/channels.js';
import { cadenceFor, touchStatus } from '../core/cadence.js';
import { BAND_ICON } from '../core/health.js';
import { portfolioHealth, type AccountHealth } from '../core/health-inputs.js';
import { saveSnapshots } from '../core/health-snapshots.js';
import { formatMoneyShort } from '../core/money.js';
import { renewalAlertThreshold, renewalRisk } from '../core/renewals.js';
import { healthConfigFor } from '../core/settings.js';
import { addDays, daysBetween, formatDay, localDate } from '../core/time.js';
import { activeWorkspaces, type Platform, type Workspace } from '../core/workspaces.js';
import { context, mention, message, text } from '../messages/builders.js';
import type { Message } from '../messages/message.js';
import { DeliveryNotSent, type Deliveries } from './delivery.js';
import { claimedKeys, claimRun, finishRun, heldRun, releaseRun } from '../core/ledger.js';
import type { ScheduledJob, SchedulerLog } from './scheduler.js';

export const HEALTH_DAILY_JOB = 'health-daily';
export const HEALTH_DAILY_SCHEDULE = '7 * * * *';
export const DROP_POINTS = 15;

export interface HealthDailyDeps {
  db: Db;
  deliveries: Deliveries;
  logger: SchedulerLog;
  owner?: string;
}

export interface HealthDailyResult {
  workspaces: number;
  snapshots: number;
  dropAlerts: number;
  renewalAlerts: number;
  reminders: number;
  skipped: number;
}

export async function runHealthDaily(deps: HealthDailyDeps, now: Date): Promise<HealthDailyResult> {
  const result: HealthDailyResult = { workspaces: 0, snapshots: 0, dropAlerts: 0, renewalAlerts: 0, reminders: 0, skipped: 0 };
  const platforms = (Object.keys(deps.deliveries) as Platform[]).filter((p) => deps.deliveries[p] !== undefined);
  for (const workspace of await activeWorkspaces(deps.db, platforms)) {
    try {
      await dailyForWorkspace(deps, workspace, now, result);
    } catch (err) {
      deps.logger.error({ err, workspaceId: workspace.id }, 'daily health pass failed for a workspace');
    }
  }
  return result;
}

async function dailyForWorkspace(deps: HealthDailyDeps, workspace: Workspace, now: Date, result: HealthDailyResult): Promise<void> {
  const { db } = deps;
  const today = localDate(now, workspace.timezone);
  const config = healthConfigFor(workspace);
  const periodKey = `${workspace.id}:${today}`;
  // The job runs hourly on every replica; once today's run is claimed, the others stop
  // here instead of scoring the whole portfolio for nothing. The claim itself comes only
  // after scoring, so a pass that fails before it (the database away) is tried again
  // next hour rather than lost for the day.
  if (await heldRun(db, HEALTH_DAILY_JOB, periodKey)) return;
  const list = await portfolioHealth(db, workspace.id, { now, timezone: workspace.timezone, config });
  const claim = await claimRun(db, { jobName: HEALTH_DAILY_JOB, periodKey, workspaceId: workspace.id, owner: deps.owner, now });
  if (!claim) return;
  result.workspaces++;
  result.snapshots += await saveSnapshots(db, workspace.id, list, { day: today, now });
  await dropAlerts(deps, workspace, list, today, now, result);
  await renewalAlerts(deps, workspace, list, today, now, result);
  await cadenceReminders(deps, workspace, list, today, now, config.cadenceMode, result);
  await finishRun(db, claim, { status: 'done', now, detail: { accounts: list.length } });
}

/** Claims `key` of `job`, posts, marks done; gives the claim back when nothing was posted. */
async function claimAndPost(deps: HealthDailyDeps, workspace: Workspace, job: string, key: string, channelId: string, msg: Message, now: Date): Promise<boolean> {
  const claim = await claimRun(deps.db, { jobName: job, periodKey: key, workspaceId: workspace.id, owner: deps.owner, now });
  if (!claim) return false;
  try {
    await deps.deliveries[workspace.platform]!.post(workspace, channelId, msg);
  } catch (err) {
    if (err instanceof DeliveryNotSent) {
      await releaseRun(deps.db, claim);
      return false;
    }
    await finishRun(deps.db, claim, { status: 'failed', now, detail: { channelId, error: String(err) } });
    deps.logger.error({ err, workspaceId: workspace.id, job, key }, 'alert delivery failed; not retried, it may have been posted');
    return false;
  }
  await finishRun(deps.db, claim, { status: 'done', now, detail: { channelId, sent: msg.text } });
  return true;
}

async function dropAlerts(deps: HealthDailyDeps, workspace: Workspace, list: AccountHealth[], today: string, now: Date, result: HealthDailyResult) {
  // Each account's highest score of the 7 days before today (the earliest day of it).
  const peaks = await queryRows<{ account_id: string; day: string | Date; score: number }>(
    deps.db,
    sql`select distinct on (account_id) account_id, day, score from health_snapshots
        where workspace_id = ${workspace.id} and day >= ${addDays(today, -7)} and day < ${today}
        order by account_id, score desc, day asc`,
  );
  const byAccount = new Map(list.map((a) => [a.accountId, a]));
  for (const p of peaks) {
    const a = byAccount.get(p.account_id);
    if (!a || p.score - a.health.score < DROP_POINTS) continue;
    const peakDay = p.day instanceof Date ? p.day.toISOString().slice(0, 10) : String(p.day).slice(0, 10);
    const destination = await alertDestination(deps.db, workspace.id, a.accountId);
    if (!destination) {
      result.skipped++;
      continue;
    }
    const msg = message(
      `Health drop: ${a.name} fell from ${p.score} to ${a.health.score} since ${peakDay}.`,
      [
        text(`📉 **Health drop** — **${a.name}** fell **${p.score} → ${a.health.score}** (${BAND_ICON[a.health.band]} ${a.health.band}) since ${formatDay(peakDay)}.`),
        text(['Top drivers:', ...a.health.drivers.map((d) => `• ${d}`)].join('\n')),
        context(`Details: /health "${a.name}"`),
      ],
      { visibility: 'channel', tone: 'error' },
    );
    if (await claimAndPost(deps, workspace, 'health-drop', `${a.accountId}:${peakDay}`, destination.channelId, msg, now)) result.dropAlerts++;
  }
}

async function ownersById(db: Db, workspaceId: string): Promise<Map<string, { platformUserId: string; name: string }>> {
  const rows = await queryRows<{ id: string; platform_user_id: string; display_name: string }>(db, sql`select id, platform_user_id, display_name from users where workspace_id = ${workspaceId}`);
  return new Map(rows.map((r) => [r.id, { platformUserId: r.platform_user_id, name: r.display_name }]));
}

async function renewalAlerts(deps: HealthDailyDeps, workspace: Workspace, list: AccountHealth[], today: string, now: Date, result: HealthDailyResult) {
  const due = list
    .filter((a) => a.renewalDate)
    .map((a) => ({ a, daysLeft: daysBetween(today, a.renewalDate!), threshold: renewalAlertThreshold(daysBetween(today, a.renewalDate!)) }))
    .filter((d) => d.threshold !== null);
  if (due.length === 0) return;
  const keyOf = (d: (typeof due)[number]) => `${d.a.accountId}:${d.a.renewalDate}:${d.threshold}`;
  const done = await claimedKeys(deps.db, 'renewal-alert', due.map(keyOf));
  const owners = await ownersById(deps.db, workspace.id);
  for (const d of due) {
    if (done.has(keyOf(d))) continue;
    const destination = await alertDestination(deps.db, workspace.id, d.a.accountId);
    if (!destination) {
      result.skipped++;
      continue;
    }
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
    if (await claimAndPost(deps, workspace, 'renewal-alert', keyOf(d), destination.channelId, msg, now)) result.renewalAlerts++;
  }
}

async function cadenceReminders(deps: HealthDailyDeps, workspace: Workspace, list: AccountHealth[], today: string, now: Date, mode: 'standard' | 'twice-monthly', result: HealthDailyResult) {
  const owners = await ownersById(deps.db, workspace.id);
  const byOwner = new Map<string, { a: AccountHealth; key: string; daysSince: number | null }[]>();
  for (const a of list) {
    if (!a.ownerUserId || !owners.has(a.ownerUserId)) continue;
    const cadence = cadenceFor(a.inputs.kickoffDate, today, mode);
    const status = touchStatus(a.inputs.lastTouchDay, today, cadence);
    if (!status.overdue) continue;
    // The due date: the last touch plus the gap (never touched: the day the account was created).
    const dueDate = a.inputs.lastTouchDay ? addDays(a.inputs.lastTouchDay, cadence.maxGapDays) : a.inputs.createdDay;
    const entries = byOwner.get(a.ownerUserId) ?? [];
    entries.push({ a, key: `${a.accountId}:${dueDate}`, daysSince: status.daysSince });
    byOwner.set(a.ownerUserId, entries);
  }
  for (const [ownerId, entries] of byOwner) {
    const done = await claimedKeys(deps.db, 'cadence-reminder', entries.map((e) => e.key));
    const fresh: typeof entries = [];
    for (const e of entries) {
      if (done.has(e.key)) continue;
      // Each account claimed once per due date; the owner's one message lists the claimed ones.
      const claim = await claimRun(deps.db, { jobName: 'cadence-reminder', periodKey: e.key, workspaceId: workspace.id, owner: deps.owner, now });
      if (claim) fresh.push(e);
    }
    if (fresh.length === 0) continue;
    const owner = owners.get(ownerId)!;
    const lines = fresh.map((e) => `• ${e.a.name} — ${e.daysSince === null ? 'never touched' : `last touch ${e.daysSince} days ago`}`);
    const msg = message(`Check-ins overdue: ${fresh.map((e) => e.a.name).join(', ')}`, [
      text(`⏰ **Check-ins overdue** for ${fresh.length} of your account${fresh.length === 1 ? '' : 's'}:\n${lines.join('\n')}`),
      context('Log a touch with /checkin "Acme Corp" call Quarterly review went well'),
    ]);
    try {
      // A direct message: the owner's platform user id as the channel (Slack opens the DM).
      await deps.deliveries[workspace.platform]!.post(workspace, owner.platformUserId, msg);
      result.reminders++;
    } catch (err) {
      if (err instanceof DeliveryNotSent) {
        for (const e of fresh) await deps.db.execute(sql`delete from job_runs where job_name = 'cadence-reminder' and period_key = ${e.key}`);
        continue;
      }
      deps.logger.error({ err, workspaceId: workspace.id, ownerId }, 'cadence reminder failed; not retried, it may have been posted');
    }
    for (const e of fresh) await deps.db.execute(sql`update job_runs set status = 'done', finished_at = ${now.toISOString()}::timestamptz where job_name = 'cadence-reminder' and period_key = ${e.key}`);
  }
}

export function healthDailyJob(deps: HealthDailyDeps, timezone: string): ScheduledJob {
  return { name: HEALTH_DAILY_JOB, schedule: HEALTH_DAILY_SCHEDULE, timezone, run: (now) => runHealthDaily(deps, now) };
}
