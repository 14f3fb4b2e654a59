// The job ledger (job_runs): a unique (job name, period key) row per run or
// one-off alert. Claiming inserts the row and returns it only to the one caller,
// across processes and replicas, that inserted it first; everyone else gets null.
// The ledger, not a cron tick, decides whether something has happened.
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { jobRuns } from '../../db/schema.js';

export interface Claim {
  id: string;
  jobName: string;
  periodKey: string;
}

export interface ClaimInput {
  jobName: string;
  periodKey: string;
  workspaceId?: string | null;
  /** Who claimed it (host:pid), for the operator reading the table. */
  owner?: string;
  now: Date;
  detail?: Record<string, unknown>;
}

/** Claims (job, period) exactly once: the claim for the first caller, null for every later one. */
export async function claimRun(db: Db, input: ClaimInput): Promise<Claim | null> {
  const [row] = await db
    .insert(jobRuns)
    .values({
      jobName: input.jobName,
      periodKey: input.periodKey,
      workspaceId: input.workspaceId ?? null,
      owner: input.owner ?? null,
      status: 'running',
      startedAt: input.now,
      detail: input.detail ?? null,
    })
    .onConflictDoNothing({ target: [jobRuns.jobName, jobRuns.periodKey] })
    .returning({ id: jobRuns.id, jobName: jobRuns.jobName, periodKey: jobRuns.periodKey });
  return row ?? null;
}

/** Marks a claimed run done or failed, with what happened. */
export async function finishRun(db: Db, claim: Claim, outcome: { status: 'done' | 'failed'; now: Date; detail?: Record<string, unknown> }): Promise<void> {
  await db
    .update(jobRuns)
    .set({ status: outcome.status, finishedAt: outcome.now, ...(outcome.detail ? { detail: outcome.detail } : {}) })
    .where(eq(jobRuns.id, claim.id));
}

/**
 * Gives a claim back, so a later run may try again. Only for work that provably
 * did not happen (e.g. a post the platform refused before taking it).
 */
export async function releaseRun(db: Db, claim: Claim): Promise<void> {
  await db.delete(jobRuns).where(eq(jobRuns.id, claim.id));
}

/** Which of these period keys of a job are already claimed (to skip them without trying). */
export async function claimedKeys(db: Db, jobName: string, periodKeys: string[]): Promise<Set<string>> {
  if (periodKeys.length === 0) return new Set();
  const rows = await db
    .select({ periodKey: jobRuns.periodKey })
    .from(jobRuns)
    .where(and(eq(jobRuns.jobName, jobName), inArray(jobRuns.periodKey, periodKeys)));
  return new Set(rows.map((r) => r.periodKey));
}
