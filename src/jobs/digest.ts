// The weekly health digest's scheduled job: it posts the digest (commands/digest-view.ts)
// to every channel that asked for it, at the channel's day and time in its zone.
//
// Once across replicas: the run for (workspace, channel, local date) is claimed in
// the ledger before posting, and marked done after, together with what was sent
// and Slack's ts for it (run-once.ts). A claim left 'running' by a process that
// died before posting is taken over by the next run: at once when the claimer is
// certainly gone (a restart on the same machine), else once its lease has passed;
// so the digest is still posted, and once. A run missed while the app was down is
// caught up the same local day, never later.
//
// What this cannot close: a process killed after Slack took the post and before
// the 'done' row was written. Slack's chat.postMessage has no idempotency key, so
// the next run cannot know the post happened and posts again; that window is the
// few milliseconds of one UPDATE.
//
// Digests name every customer, so they go to internal channels only: a channel that
// has become a customer channel has its digest paused, and whoever scheduled it
// (else an admin) is told once, privately.
import { channelStanding, firstAdmin } from '../core/channel-kinds.js';
import { digestChannels } from '../core/channels.js';
import { pauseDigest } from '../core/digest-schedule.js';
import { getUser } from '../core/workspaces.js';
import { context, message, text } from '../messages/builders.js';
import { WEEKDAYS, type Weekday } from '../core/digest.js';
import { releaseRun } from '../core/ledger.js';
import { localDate, zonedInstant } from '../core/time.js';
import { buildDigest } from '../../commands/digest-view.js';
import type { Message } from '../messages/message.js';
import { activeWorkspaces, type Platform, type Workspace } from '../core/workspaces.js';
import { claimOnce, onceDeps, postClaimed, recordUnrecorded, withMemory, type JobDeps, type OnceDeps } from './run-once.js';
import type { ScheduledJob } from './scheduler.js';

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

/** One digest pass at a time per claimer: the scheduler sees to it. */
export type DigestDeps = JobDeps;

export interface DigestResult {
  due: number;
  posted: number;
  taken: number;
  failed: number;
}

export async function runDigests(deps: DigestDeps, now: Date): Promise<DigestResult> {
  const once = onceDeps(deps);
  const result: DigestResult = { due: 0, posted: 0, taken: 0, failed: 0 };
  // Outcomes a database outage kept from being written go first, due or not any more.
  await recordUnrecorded(once);
  const platforms = (Object.keys(deps.deliveries) as Platform[]).filter((p) => deps.deliveries[p] !== undefined);
  for (const workspace of await activeWorkspaces(deps.db, platforms)) {
    for (const ch of await digestChannels(deps.db, workspace.id)) {
      if (!ch.digestDay || !ch.digestTime) continue;
      const standing = await channelStanding(deps.db, workspace.id, ch.channelId);
      if (standing.kind === 'customer') {
        await pauseInCustomerChannel(once, workspace, { id: ch.channelId, name: standing.channelName }, standing.account?.name, now).catch((err) =>
          deps.logger.error({ err, workspaceId: workspace.id, channelId: ch.channelId }, 'could not pause the digest of a customer channel'),
        );
        continue;
      }
      const timezone = ch.timezone ?? workspace.timezone;
      const due = digestDueOn(now, timezone, ch.digestDay, ch.digestTime);
      if (!due || now < due.at) continue;
      result.due++;
      try {
        const outcome = await postDigest(once, workspace, ch.channelId, `${workspace.id}:${ch.channelId}:${due.date}`, timezone, now);
        result[outcome]++;
      } catch (err) {
        result.failed++;
        deps.logger.error({ err, workspaceId: workspace.id, channelId: ch.channelId }, 'digest failed');
      }
    }
  }
  return result;
}

async function postDigest(deps: OnceDeps, workspace: Workspace, channelId: string, periodKey: string, timezone: string, now: Date): Promise<'posted' | 'taken' | 'failed'> {
  const claim = await claimOnce(deps, { jobName: DIGEST_JOB, periodKey, workspaceId: workspace.id, now, leaseMs: DIGEST_LEASE_MS, what: 'a digest run' });
  if (!claim) return 'taken';
  let digest: Message;
  try {
    digest = await buildDigest(deps.db, workspace, now, timezone);
  } catch (err) {
    // Nothing was posted: give the run back for the next pass (if the database lets us).
    await releaseRun(deps.db, claim).catch(() => undefined);
    throw err;
  }
  const posted = await postClaimed(deps, [claim], { workspace, channelId, message: digest, now });
  if (posted.outcome === 'not-sent') {
    deps.logger.warn({ err: posted.error, workspaceId: workspace.id, channelId }, 'digest not delivered; the next run tries again');
    return 'failed';
  }
  // It may have been posted: recorded as failed for the operator, never repeated.
  if (posted.outcome === 'failed') throw posted.error;
  deps.logger.info({ workspaceId: workspace.id, channelId, ref: posted.ref }, 'weekly digest posted');
  return 'posted';
}

export const DIGEST_PAUSED_JOB = 'digest-paused';

async function pauseInCustomerChannel(deps: OnceDeps, workspace: Workspace, channel: { id: string; name: string | null }, accountName: string | undefined, now: Date): Promise<void> {
  const channelId = channel.id;
  const paused = await pauseDigest(deps.db, workspace.id, channelId, now);
  if (!paused) return; // another replica paused it and tells them
  const scheduler = paused.scheduledByUserId ? await getUser(deps.db, workspace.id, paused.scheduledByUserId) : undefined;
  const person = scheduler ? { platformUserId: scheduler.platformUserId } : await firstAdmin(deps.db, workspace.id);
  if (!person) {
    deps.logger.warn({ workspaceId: workspace.id, channelId }, 'digest paused in a customer channel; nobody to tell');
    return;
  }
  const claim = await claimOnce(deps, { jobName: DIGEST_PAUSED_JOB, periodKey: `${workspace.id}:${channelId}:${now.toISOString()}`, workspaceId: workspace.id, now, leaseMs: DIGEST_LEASE_MS, what: 'a paused-digest notice' });
  if (!claim) return;
  const whose = accountName ? ` of ${accountName}` : '';
  const note = `The weekly digest in #${channel.name ?? channelId} is paused: it is now a customer channel${whose}, and the digest names your other customers.`;
  const msg = message(note, [text(`⏸️ ${note}`), context('Schedule it in one of your team’s own channels: /digest schedule mon 09:00')]);
  const posted = await postClaimed(deps, [claim], { workspace, channelId: person.platformUserId, message: msg, now, detail: { channelId } });
  if (posted.outcome !== 'posted') deps.logger.warn({ err: posted.error, workspaceId: workspace.id, channelId }, 'could not tell anyone that a digest was paused');
}

export function digestJob(deps: DigestDeps, timezone: string): ScheduledJob {
  const kept = withMemory(deps);
  return { name: DIGEST_JOB, schedule: DIGEST_SCHEDULE, timezone, run: (now) => runDigests(kept, now) };
}
