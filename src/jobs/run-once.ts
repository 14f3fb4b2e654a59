// How every scheduled job does its pieces of work — a digest, an alert, a reminder
// — once, through the job ledger (core/ledger.ts): claim with a lease (taking over
// a claim its claimer did not finish), post, and mark the claim done with what was
// sent and the platform's id for it. A post the platform provably refused
// (DeliveryNotSent) gives the claim back, so a later run tries again; any other
// failure is recorded as 'failed' and never repeated, since the post may have gone
// out: at least once attempted, at most once posted where the platform can tell.
//
// An outcome the database would not take right after a post is kept in memory
// (unrecorded) and written first by the next run of this process; meanwhile this
// process never claims that work again, so it is not posted a second time.
import type { Db } from '../../db/client.js';
import { channelStanding } from '../core/channel-kinds.js';
import { mayPostPublicly } from '../core/posting-rule.js';
import { claimWithLease, currentClaimer, finishRun, releaseRun, type Claim, type Claimer, type LeasedClaim } from '../core/ledger.js';
import type { Workspace } from '../core/workspaces.js';
import type { Message } from '../messages/message.js';
import { DeliveryNotSent, type Deliveries } from './delivery.js';
import type { SchedulerLog } from './scheduler.js';

/** What main.ts gives every job. */
export interface JobDeps {
  db: Db;
  deliveries: Deliveries;
  logger: SchedulerLog;
  /** This process as a claimer (main.ts: currentClaimer()); the current process when not given. */
  claimer?: Claimer;
  /** The claims' owner as the operator reads it (host:pid); the claimer's label when not given. */
  owner?: string;
  /** Outcomes posted but not yet written to the ledger; each job's factory keeps one for the life of the process. */
  unrecorded?: Map<string, Unrecorded>;
}

/** JobDeps with the claimer settled. */
export interface OnceDeps extends JobDeps {
  claimer: Claimer;
}

export interface RunOutcome {
  status: 'done' | 'failed';
  now: Date;
  detail: Record<string, unknown>;
}

/** Work that went out (or may have) while its ledger rows could not be written. */
export interface Unrecorded {
  claims: Claim[];
  outcome: RunOutcome;
}

export function onceDeps<T extends JobDeps>(deps: T): T & OnceDeps {
  const claimer = deps.claimer ?? currentClaimer();
  return { ...deps, claimer: deps.owner && deps.owner !== claimer.label ? { ...claimer, label: deps.owner } : claimer };
}

/** The same deps with a memory for unwritten outcomes, for a job that runs for the life of the process. */
export function withMemory<T extends JobDeps>(deps: T): T {
  return { ...deps, unrecorded: deps.unrecorded ?? new Map() };
}

const memoryKey = (run: { jobName: string; periodKey: string }) => `${run.jobName}\n${run.periodKey}`;

/** Marks claims done or failed; kept in memory until the database has taken it. */
export async function recordOutcome(deps: JobDeps, claims: Claim[], outcome: RunOutcome): Promise<void> {
  const entry: Unrecorded = { claims, outcome };
  for (const claim of claims) deps.unrecorded?.set(memoryKey(claim), entry);
  for (const claim of claims) {
    await finishRun(deps.db, claim, outcome);
    deps.unrecorded?.delete(memoryKey(claim));
  }
}

/** Writes the outcomes earlier runs could not (each run starts with it). */
export async function recordUnrecorded(deps: JobDeps): Promise<void> {
  for (const entry of new Set(deps.unrecorded?.values())) {
    await recordOutcome(deps, entry.claims, entry.outcome).catch((err: unknown) =>
      deps.logger.warn({ err, job: entry.claims[0]?.jobName, periodKeys: entry.claims.map((c) => c.periodKey) }, 'job outcome still not written; kept for the next run'),
    );
  }
}

export interface OnceInput {
  jobName: string;
  periodKey: string;
  workspaceId: string;
  now: Date;
  leaseMs: number;
  /** The work as the log names it on a takeover: "a digest run", "an SLA breach alert". */
  what: string;
}

/**
 * Claims a piece of work (core/ledger.ts claimWithLease) for this process, or
 * null when it is done, under way elsewhere, or done here with its outcome still
 * to be written (written now, if the database takes it).
 */
export async function claimOnce(deps: OnceDeps, input: OnceInput): Promise<LeasedClaim | null> {
  const pending = deps.unrecorded?.get(memoryKey(input));
  if (pending) {
    await recordOutcome(deps, pending.claims, pending.outcome);
    return null;
  }
  const { what, ...run } = input;
  const claim = await claimWithLease(deps.db, { ...run, claimer: deps.claimer });
  if (claim?.takenOver) {
    deps.logger.warn(
      { job: input.jobName, periodKey: input.periodKey, workspaceId: input.workspaceId, previousOwner: claim.takenOver.from, why: claim.takenOver.why },
      `took over ${what} its claimer did not finish`,
    );
  }
  return claim;
}

export type PostResult = { outcome: 'posted'; ref?: string } | { outcome: 'not-sent'; error: unknown } | { outcome: 'failed'; error: unknown };

/**
 * Posts `message` for claimed work (one post may answer several claims, as a
 * reminder listing accounts does) and records the outcome in the ledger. On a
 * refusal, `undo` first takes back what was made for the post (e.g. the survey
 * it announces), then the claims are given back. Throws only when the ledger
 * cannot be written.
 */
/** An internal message was bound for a customer channel: not posted. */
export class PostRefused extends Error {
  constructor(channelId: string, accountName: string | undefined) {
    super(`not posted: ${channelId} is a customer channel${accountName ? ` of ${accountName}` : ''}, and the message is not for the customer`);
    this.name = 'PostRefused';
  }
}

export async function postClaimed(
  deps: OnceDeps,
  claims: Claim[],
  post: { workspace: Workspace; channelId: string; message: Message; now: Date; detail?: Record<string, unknown>; undo?: () => Promise<void> },
): Promise<PostResult> {
  const { workspace, channelId, message, now } = post;
  // The posting rule (core/posting-rule.ts), checked at the last moment for every job:
  // a channel may have become a customer channel since the job chose it.
  const standing = await channelStanding(deps.db, workspace.id, channelId);
  if (!mayPostPublicly(standing.kind, message)) {
    const error = new PostRefused(channelId, standing.account?.name);
    await recordOutcome(deps, claims, { status: 'failed', now, detail: { channelId, refused: 'customer channel', ...post.detail } });
    deps.logger.error({ workspaceId: workspace.id, channelId, text: message.text }, error.message);
    return { outcome: 'failed', error };
  }
  let ref: string | undefined;
  try {
    ref = (await deps.deliveries[workspace.platform]!.post(workspace, channelId, message))?.ref;
  } catch (error) {
    if (error instanceof DeliveryNotSent) {
      await post.undo?.();
      for (const claim of claims) await releaseRun(deps.db, claim);
      return { outcome: 'not-sent', error };
    }
    await recordOutcome(deps, claims, { status: 'failed', now, detail: { channelId, error: String(error), ...post.detail } });
    return { outcome: 'failed', error };
  }
  // What was sent (and the platform's id for it) is written with 'done' in one update per claim.
  await recordOutcome(deps, claims, { status: 'done', now, detail: { channelId, sent: message.text, ...(ref ? { ref } : {}), ...post.detail } });
  return { outcome: 'posted', ...(ref ? { ref } : {}) };
}
