// The weekly health digest's scheduled job: it posts the digest (commands/digest-view.ts)
// to every channel that asked for it, at the channel's day and time in its zone.
//
// Once across replicas: the run for (workspace, channel, local date) is claimed in
// the ledger before posting, and marked done after, together with what was sent
// and Slack's ts for it. A claim left 'running' by a process that died before
// posting is taken over by the next run: at once when the claimer is certainly
// gone (a restart on the same machine, see ledger.ts), else once its lease has
// passed; so the digest is still posted, and once. A run missed while the app was
// down is caught up the same local day, never later.
//
// What this cannot close: a process killed after Slack took the post and before
// the 'done' row was written. Slack's chat.postMessage has no idempotency key, so
// the next run cannot know the post happened and posts again; that window is the
// few milliseconds of one UPDATE.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { channelSettings } from '../../db/schema.js';
import { WEEKDAYS, type Weekday } from '../core/digest.js';
import { localDate, zonedInstant } from '../core/time.js';
import { buildDigest } from '../../commands/digest-view.js';
import type { Message } from '../messages/message.js';
import { activeWorkspaces, type Platform, type Workspace } from '../core/workspaces.js';
import { DeliveryNotSent, type Deliveries, type Delivered } from './delivery.js';
import { claimerGone, claimRun, finishRun, heldRun, releaseRun, takeOverRun, type Claim, type Claimer, type HeldRun } from '../core/ledger.js';
import type { ScheduledJob, SchedulerLog } from './scheduler.js';

export const DIGEST_JOB = 'weekly-digest';
export const DIGEST_SCHEDULE = '* * * * *';
/** How long a claim may stay 'running' before another run takes it over. */
export const DIGEST_LEASE_MS = 5 * 60_000;

/** This local date's digest instant when `day` is the channel's digest day, else null. */
export function digestDueOn(now: Date, timezone: string, day: Weekday, time: string): { date: string; at: Date } | null {
  const date = localDate(now, timezone);
  const weekday = WEEKDAYS[new Date(`${date}T12:00:00Z`).getUTCDay()]!;
  if (weekday !== day) return null;
  return { date, at: zonedInstant(date, time, timezone) };
}

export interface DigestDeps {
  db: Db;
  deliveries: Deliveries;
  logger: SchedulerLog;
  /** This process (main.ts: currentClaimer()). One digest pass at a time per claimer: the scheduler sees to it. */
  claimer: Claimer;
  /** Outcomes posted but not yet written to the ledger; digestJob keeps one for the life of the process. */
  unrecorded?: Map<string, Unrecorded>;
}

/** A post that went out (or may have) while its ledger row could not be written: never posted again. */
export interface Unrecorded {
  claim: Claim;
  outcome: { status: 'done' | 'failed'; now: Date; detail: Record<string, unknown> };
}

export interface DigestResult {
  due: number;
  posted: number;
  taken: number;
  failed: number;
}

/**
 * Why a claim still 'running' may be taken over now, or null to leave it: its
 * claimer is certainly gone (a restart on the same machine), or its lease has run
 * out (a claimer elsewhere, dead or hung; or this process's own attempt that
 * failed before posting and could not give the run back).
 */
function takeoverReason(held: HeldRun, me: Claimer, now: Date): string | null {
  if (held.status !== 'running') return null;
  if (claimerGone(held.claimer, me)) return 'claimer process is gone';
  if (held.startedAt.getTime() < now.getTime() - DIGEST_LEASE_MS) return 'lease expired';
  return null;
}

async function claimOrTakeOver(deps: DigestDeps, periodKey: string, workspaceId: string, now: Date): Promise<Claim | null> {
  const claim = await claimRun(deps.db, { jobName: DIGEST_JOB, periodKey, workspaceId, claimer: deps.claimer, now });
  if (claim) return claim;
  const held = await heldRun(deps.db, DIGEST_JOB, periodKey);
  const why = held && takeoverReason(held, deps.claimer, now);
  if (!held || !why) return null;
  const taken = await takeOverRun(deps.db, held, { jobName: DIGEST_JOB, periodKey, claimer: deps.claimer, now, why });
  if (taken) deps.logger.warn({ periodKey, previousOwner: held.owner, why }, 'took over a digest run its claimer did not finish');
  return taken;
}

export async function runDigests(deps: DigestDeps, now: Date): Promise<DigestResult> {
  const result: DigestResult = { due: 0, posted: 0, taken: 0, failed: 0 };
  // Outcomes a database outage kept from being written go first, due or not any more.
  for (const entry of [...(deps.unrecorded?.values() ?? [])]) {
    await record(deps, entry).catch((err: unknown) => deps.logger.warn({ err, periodKey: entry.claim.periodKey }, 'digest outcome still not written; kept for the next run'));
  }
  const platforms = (Object.keys(deps.deliveries) as Platform[]).filter((p) => deps.deliveries[p] !== undefined);
  for (const workspace of await activeWorkspaces(deps.db, platforms)) {
    const channels = await deps.db
      .select()
      .from(channelSettings)
      .where(and(eq(channelSettings.workspaceId, workspace.id), eq(channelSettings.digestEnabled, true)));
    for (const ch of channels) {
      if (!ch.digestDay || !ch.digestTime) continue;
      const timezone = ch.timezone ?? workspace.timezone;
      const due = digestDueOn(now, timezone, ch.digestDay, ch.digestTime);
      if (!due || now < due.at) continue;
      result.due++;
      try {
        const outcome = await postDigest(deps, workspace, ch.channelId, `${workspace.id}:${ch.channelId}:${due.date}`, timezone, now);
        result[outcome]++;
      } catch (err) {
        result.failed++;
        deps.logger.error({ err, workspaceId: workspace.id, channelId: ch.channelId }, 'digest failed');
      }
    }
  }
  return result;
}

/**
 * Writes a run's outcome. When the database is down right after a post, the
 * outcome is kept in memory and written by a later run, which never posts that
 * digest again (otherwise the 'running' claim would be taken over and re-posted).
 */
async function record(deps: DigestDeps, entry: Unrecorded): Promise<void> {
  deps.unrecorded?.set(entry.claim.periodKey, entry);
  await finishRun(deps.db, entry.claim, entry.outcome);
  deps.unrecorded?.delete(entry.claim.periodKey);
}

async function postDigest(deps: DigestDeps, workspace: Workspace, channelId: string, periodKey: string, timezone: string, now: Date): Promise<'posted' | 'taken' | 'failed'> {
  const pending = deps.unrecorded?.get(periodKey);
  if (pending) {
    await record(deps, pending);
    return pending.outcome.status === 'done' ? 'posted' : 'failed';
  }
  const claim = await claimOrTakeOver(deps, periodKey, workspace.id, now);
  if (!claim) return 'taken';
  let digest: Message;
  try {
    digest = await buildDigest(deps.db, workspace, now, timezone);
  } catch (err) {
    // Nothing was posted: give the run back for the next pass (if the database lets us).
    await releaseRun(deps.db, claim).catch(() => undefined);
    throw err;
  }
  let delivered: Delivered | void;
  try {
    delivered = await deps.deliveries[workspace.platform]!.post(workspace, channelId, digest);
  } catch (err) {
    if (err instanceof DeliveryNotSent) {
      await releaseRun(deps.db, claim);
      deps.logger.warn({ err, workspaceId: workspace.id, channelId }, 'digest not delivered; the next run tries again');
      return 'failed';
    }
    // It may have been posted: never repeated, recorded as failed for the operator.
    await record(deps, { claim, outcome: { status: 'failed', now, detail: { channelId, error: String(err) } } });
    throw err;
  }
  // What was sent (and the platform's id for it) is written with 'done' in one update.
  await record(deps, { claim, outcome: { status: 'done', now, detail: { channelId, sent: digest.text, ...(delivered?.ref ? { ref: delivered.ref } : {}) } } });
  deps.logger.info({ workspaceId: workspace.id, channelId, ref: delivered?.ref }, 'weekly digest posted');
  return 'posted';
}

export function digestJob(deps: DigestDeps, timezone: string): ScheduledJob {
  const withMemory: DigestDeps = { ...deps, unrecorded: deps.unrecorded ?? new Map() };
  return { name: DIGEST_JOB, schedule: DIGEST_SCHEDULE, timezone, run: (now) => runDigests(withMemory, now) };
}
