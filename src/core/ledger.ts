// The job ledger (job_runs): a unique (job name, period key) row per run or
// one-off alert. Claiming inserts the row and returns it only to the one caller,
// across processes and replicas, that inserted it first; everyone else gets null.
// The ledger, not a cron tick, decides whether something has happened.
//
// A claim records who made it (Claimer): host:pid for the operator, plus what a
// later run needs to tell that the claimer is certainly gone — a random id for
// this start of the process, its pid, and the scope in which that pid names one
// process (the kernel boot and the PID namespace). A restart on the same machine
// can then take over a dead process's claim at once instead of waiting out a lease.
import { randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { jobRuns } from '../../db/schema.js';

export interface Claim {
  id: string;
  jobName: string;
  periodKey: string;
}

/** Who holds a claim. */
export interface Claimer {
  /** host:pid, for the operator reading job_runs.owner. */
  label: string;
  pid: number;
  /** This start of the process: random, new on every start (a restarted container may get the same pid). */
  instance: string;
  /** Where `pid` names exactly one process: kernel boot id and PID namespace; null where unknown (not Linux). */
  scope: string | null;
}

/** What a claim row keeps of its claimer (in detail.claimer). */
export type StoredClaimer = Pick<Claimer, 'pid' | 'instance' | 'scope'>;

function processScope(): string | null {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const pidNamespace = readlinkSync('/proc/self/ns/pid');
    return boot && pidNamespace ? `${boot}/${pidNamespace}` : null;
  } catch {
    return null;
  }
}

let self: Claimer | undefined;

/** This process as a claimer (the same object for the life of the process). */
export function currentClaimer(): Claimer {
  return (self ??= { label: `${hostname()}:${process.pid}`, pid: process.pid, instance: randomBytes(8).toString('hex'), scope: processScope() });
}

function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True only when the claimer's process is certainly gone: it ran where pids mean
 * the same as here (same boot, same PID namespace), it was not this very start,
 * and its pid is free now or is ours (then it was an earlier start of this pid).
 * Another machine or container, an unknown scope, or a live pid (possibly reused
 * by an unrelated process) is not known to be gone: the caller's lease decides.
 */
export function claimerGone(held: StoredClaimer | null | undefined, me: Claimer, isRunning: (pid: number) => boolean = pidRunning): boolean {
  if (!held || !me.scope || held.scope !== me.scope || held.instance === me.instance) return false;
  if (!Number.isInteger(held.pid) || held.pid <= 0) return false;
  return held.pid === me.pid || !isRunning(held.pid);
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

const stored = (c: Claimer): StoredClaimer => ({ pid: c.pid, instance: c.instance, scope: c.scope });

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
      detail: input.claimer ? { ...input.detail, claimer: stored(input.claimer) } : (input.detail ?? null),
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
}

export async function heldRun(db: Db, jobName: string, periodKey: string): Promise<HeldRun | null> {
  const [row] = await db
    .select({ id: jobRuns.id, status: jobRuns.status, owner: jobRuns.owner, startedAt: jobRuns.startedAt, detail: jobRuns.detail })
    .from(jobRuns)
    .where(and(eq(jobRuns.jobName, jobName), eq(jobRuns.periodKey, periodKey)));
  if (!row) return null;
  const c = (row.detail as { claimer?: StoredClaimer } | null)?.claimer;
  return { id: row.id, status: row.status, owner: row.owner, startedAt: row.startedAt, claimer: c && typeof c === 'object' ? c : null };
}

/**
 * Takes over a 'running' claim still held by the claimer it was read with. Every
 * takeover writes its own claimer, so of two runs taking over at once only the
 * first matches; the other (and one that finds the run finished) gets null.
 */
export async function takeOverRun(db: Db, held: HeldRun, input: { jobName: string; periodKey: string; claimer: Claimer; now: Date; why: string }): Promise<Claim | null> {
  const note = { takenOver: { from: held.owner, why: input.why }, claimer: stored(input.claimer) };
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

/** Which of these period keys of a job are already claimed (to skip them without trying). */
export async function claimedKeys(db: Db, jobName: string, periodKeys: string[]): Promise<Set<string>> {
  if (periodKeys.length === 0) return new Set();
  const rows = await db
    .select({ periodKey: jobRuns.periodKey })
    .from(jobRuns)
    .where(and(eq(jobRuns.jobName, jobName), inArray(jobRuns.periodKey, periodKeys)));
  return new Set(rows.map((r) => r.periodKey));
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
