// The job ledger (job_runs): a unique (job name, period key) row per run or
// one-off alert. Claiming inserts the row and returns it only to the one caller,
// across processes and replicas, that inserted it first; everyone else gets null.
// The ledger, not a cron tick, decides whether something has happened.
//
// A claim records who made it (see claimer.ts). A claim left 'running' by a
// claimer that did not finish is taken over (claimWithLease): at once when the
// claimer is certainly gone (a restart on the same machine), else once its lease
// has passed (a claimer elsewhere, dead or hung). So work that was claimed and not
// done is still done, and by one claimer at a time.
import { and, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { jobRuns } from '../../db/schema.js';
import { claimerGone, storedClaimer, type Claimer, type StoredClaimer } from './claimer.js';

// Claimers are part of the ledger's vocabulary: its callers name them from here.
export { claimerGone, currentClaimer, type Claimer, type StoredClaimer } from './claimer.js';

export interface Claim {
  id: string;
  jobName: string;
  periodKey: string;
}

export interface ClaimInput {
  jobName: string;
  periodKey: string;
  workspaceId?: string | null;
  /** Who claimed it (host:pid), for the operator reading the table; the claimer's label when one is given. */
  owner?: string;
  /** The claiming process, so a later run can tell when it is gone. */
  claimer?: Claimer;
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
      owner: input.owner ?? input.claimer?.label ?? null,
      status: 'running',
      startedAt: input.now,
      detail: input.claimer ? { ...input.detail, claimer: storedClaimer(input.claimer) } : (input.detail ?? null),
    })
    .onConflictDoNothing({ target: [jobRuns.jobName, jobRuns.periodKey] })
    .returning({ id: jobRuns.id, jobName: jobRuns.jobName, periodKey: jobRuns.periodKey });
  return row ?? null;
}

/** A claim as it stands, to decide whether to take it over. */
export interface HeldRun {
  id: string;
  status: 'running' | 'done' | 'failed';
  owner: string | null;
  startedAt: Date;
  claimer: StoredClaimer | null;
  /** What the claim row holds (the claimer, and whatever its claimer noted). */
  detail: Record<string, unknown>;
}

export async function heldRun(db: Db, jobName: string, periodKey: string): Promise<HeldRun | null> {
  const [row] = await db
    .select({ id: jobRuns.id, status: jobRuns.status, owner: jobRuns.owner, startedAt: jobRuns.startedAt, detail: jobRuns.detail })
    .from(jobRuns)
    .where(and(eq(jobRuns.jobName, jobName), eq(jobRuns.periodKey, periodKey)));
  if (!row) return null;
  const detail = row.detail ?? {};
  const c = (detail as { claimer?: StoredClaimer }).claimer;
  return { id: row.id, status: row.status, owner: row.owner, startedAt: row.startedAt, claimer: c && typeof c === 'object' ? c : null, detail };
}

/**
 * Takes over a 'running' claim still held by the claimer it was read with. Every
 * takeover writes its own claimer, so of two runs taking over at once only the
 * first matches; the other (and one that finds the run finished) gets null.
 */
export async function takeOverRun(
  db: Db,
  held: HeldRun,
  input: { jobName: string; periodKey: string; claimer: Claimer; now: Date; why: string; detail?: Record<string, unknown> },
): Promise<Claim | null> {
  const note = { ...input.detail, takenOver: { from: held.owner, why: input.why }, claimer: storedClaimer(input.claimer) };
  const [row] = await db
    .update(jobRuns)
    .set({ owner: input.claimer.label, startedAt: input.now, detail: sql`coalesce(${jobRuns.detail}, '{}'::jsonb) || ${JSON.stringify(note)}::jsonb` })
    .where(
      and(
        eq(jobRuns.id, held.id),
        eq(jobRuns.status, 'running'),
        sql`(${jobRuns.detail} -> 'claimer' ->> 'instance') is not distinct from ${held.claimer?.instance ?? null}`,
      ),
    )
    .returning({ id: jobRuns.id, jobName: jobRuns.jobName, periodKey: jobRuns.periodKey });
  return row ?? null;
}

export type TakeoverReason = 'claimer process is gone' | 'lease expired';

/**
 * Why a claim may be taken over now, or null to leave it: only a 'running' one,
 * when its claimer is certainly gone (a restart on the same machine) or its lease
 * has run out (a claimer elsewhere, dead or hung; or this process's own attempt
 * that failed before finishing and could not give the run back).
 */
export function takeoverReason(held: HeldRun, me: Claimer, now: Date, leaseMs: number): TakeoverReason | null {
  if (held.status !== 'running') return null;
  if (claimerGone(held.claimer, me)) return 'claimer process is gone';
  if (held.startedAt.getTime() < now.getTime() - leaseMs) return 'lease expired';
  return null;
}

export interface LeaseInput {
  jobName: string;
  periodKey: string;
  workspaceId?: string | null;
  claimer: Claimer;
  now: Date;
  /**
   * How long a 'running' claim stays its claimer's: longer than the work between
   * claim and finish can take, or a slow but live claimer is taken over.
   */
  leaseMs: number;
  detail?: Record<string, unknown>;
}

/** A claim; when taken over, from whom, why, and what the earlier claimer had noted on it. */
export interface LeasedClaim extends Claim {
  takenOver?: { from: string | null; why: TakeoverReason; detail: Record<string, unknown> };
}

/**
 * Claims (job, period) for one caller at a time: a fresh claim; or a 'running'
 * claim whose claimer did not finish (see takeoverReason), taken over; null when
 * the run is done or failed, or held by a claimer inside its lease.
 */
export async function claimWithLease(db: Db, input: LeaseInput): Promise<LeasedClaim | null> {
  const claim = await claimRun(db, input);
  if (claim) return claim;
  const held = await heldRun(db, input.jobName, input.periodKey);
  const why = held && takeoverReason(held, input.claimer, input.now, input.leaseMs);
  // No row any more: it was given back just now, and the next run claims it afresh.
  if (!held || !why) return null;
  const taken = await takeOverRun(db, held, { ...input, why });
  return taken && { ...taken, takenOver: { from: held.owner, why, detail: held.detail } };
}

/** Adds to what a claim notes (e.g. what was prepared for the post), so a claimer taking it over finds it. */
export async function noteRun(db: Db, claim: Claim, detail: Record<string, unknown>): Promise<void> {
  await db
    .update(jobRuns)
    .set({ detail: sql`coalesce(${jobRuns.detail}, '{}'::jsonb) || ${JSON.stringify(detail)}::jsonb` })
    .where(eq(jobRuns.id, claim.id));
}

/** Marks a claimed run done or failed, with what happened (added to what the claim noted, e.g. a takeover). */
export async function finishRun(db: Db, claim: Claim, outcome: { status: 'done' | 'failed'; now: Date; detail?: Record<string, unknown> }): Promise<void> {
  await db
    .update(jobRuns)
    .set({
      status: outcome.status,
      finishedAt: outcome.now,
      ...(outcome.detail ? { detail: sql`coalesce(${jobRuns.detail}, '{}'::jsonb) || ${JSON.stringify(outcome.detail)}::jsonb` } : {}),
    })
    .where(eq(jobRuns.id, claim.id));
}

/**
 * Gives a claim back, so a later run may try again. Only for work that provably
 * did not happen (e.g. a post the platform refused before taking it).
 */
export async function releaseRun(db: Db, claim: Claim): Promise<void> {
  await db.delete(jobRuns).where(eq(jobRuns.id, claim.id));
}

/**
 * Which of these period keys of a job are finished, done or failed (to skip them
 * without trying). A key still 'running' is left out: its claimer may not finish.
 */
export async function finishedKeys(db: Db, jobName: string, periodKeys: string[]): Promise<Set<string>> {
  if (periodKeys.length === 0) return new Set();
  const rows = await db
    .select({ periodKey: jobRuns.periodKey })
    .from(jobRuns)
    .where(and(eq(jobRuns.jobName, jobName), inArray(jobRuns.periodKey, periodKeys), ne(jobRuns.status, 'running')));
  return new Set(rows.map((r) => r.periodKey));
}

/**
 * A condition for another table's query: the run of `jobName` whose period key
 * is `periodKey` (an expression of that query, e.g. sql`${tickets.id}::text`) is
 * 'running', or finished (done or failed). Written with its own alias, so the
 * expression binds to the outer query's table, never to job_runs.
 */
export function runIs(jobName: string, periodKey: SQL, state: 'running' | 'finished'): SQL {
  const status = state === 'running' ? sql`ledger_run.status = 'running'` : sql`ledger_run.status <> 'running'`;
  return sql`exists (select 1 from ${jobRuns} ledger_run where ledger_run.job_name = ${jobName} and ledger_run.period_key = ${periodKey} and ${status})`;
}

/** What a run's row holds (e.g. the decision taken), or undefined when the run was never claimed. */
export async function runDetail(db: Db, jobName: string, periodKey: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await db
    .select({ detail: jobRuns.detail })
    .from(jobRuns)
    .where(and(eq(jobRuns.jobName, jobName), eq(jobRuns.periodKey, periodKey)));
  return row ? (row.detail ?? {}) : undefined;
}

/**
 * Records that an inbound event (e.g. a Slack event_id) has been handled: true
 * for the first delivery, false for every redelivery, across replicas, through
 * the same unique (job, period) key as every other run.
 */
export async function firstDelivery(db: Db, source: string, eventId: string, now: Date): Promise<boolean> {
  const claimed = await db
    .insert(jobRuns)
    .values({ jobName: source, periodKey: eventId, status: 'done', startedAt: now, finishedAt: now })
    .onConflictDoNothing()
    .returning({ id: jobRuns.id });
  return claimed.length > 0;
}
