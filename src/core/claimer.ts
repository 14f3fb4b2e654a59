// Who holds a job-ledger claim (Claimer): host:pid for the operator, plus what a
// later run needs to tell that the claimer is certainly gone — a random id for
// this start of the process, its pid, and the scope in which that pid names one
// process (the kernel boot and the PID namespace). A restart on the same machine
// can then take over a dead process's claim at once instead of waiting out a lease.
import { randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

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

export const storedClaimer = (c: Claimer): StoredClaimer => ({ pid: c.pid, instance: c.instance, scope: c.scope });

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
