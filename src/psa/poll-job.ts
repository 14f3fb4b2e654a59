// The catch-up poll (every five minutes): each confirmed PSA connection pulls what
// changed since its cursor, so a webhook the PSA never delivered (or Tenure missed
// while down) still arrives. Each connection's run of a five-minute slot is claimed
// in the job ledger first, so replicas do not pull the same connection at once; a
// claim whose claimer died is taken over once its lease has passed.
import { claimWithLease, currentClaimer, finishRun, type Claimer } from '../core/ledger.js';
import { activeConnections } from '../core/psa-connections.js';
import type { ScheduledJob } from '../jobs/scheduler.js';
import { syncConnection, type PsaDeps } from './sync.js';

export const PSA_POLL_JOB = 'psa-poll';
export const PSA_POLL_SCHEDULE = '*/5 * * * *';
const SLOT_MS = 5 * 60_000;
/** Longer than a sync can take (a large first catch-up with retries), or a live poller is taken over. */
export const PSA_POLL_LEASE_MS = 30 * 60_000;

export interface PollResult {
  connections: number;
  synced: number;
  failed: number;
  /** Claimed by another replica (or already run this slot). */
  skipped: number;
}

export async function runPsaPoll(deps: PsaDeps & { claimer?: Claimer }, now: Date): Promise<PollResult> {
  const claimer = deps.claimer ?? currentClaimer();
  const slot = new Date(Math.floor(now.getTime() / SLOT_MS) * SLOT_MS).toISOString();
  const result: PollResult = { connections: 0, synced: 0, failed: 0, skipped: 0 };
  for (const connection of await activeConnections(deps.db)) {
    result.connections++;
    const claim = await claimWithLease(deps.db, { jobName: PSA_POLL_JOB, periodKey: `${connection.id}:${slot}`, workspaceId: connection.workspaceId, claimer, now, leaseMs: PSA_POLL_LEASE_MS });
    if (!claim) {
      result.skipped++;
      continue;
    }
    try {
      const outcome = await syncConnection(deps, connection.id, now);
      await finishRun(deps.db, claim, { status: outcome.ok ? 'done' : 'failed', now, detail: outcome });
      result[outcome.ok ? 'synced' : 'failed']++;
    } catch (err) {
      // The database, not the PSA (syncConnection answers for the PSA): this connection waits for the next slot.
      deps.logger.error({ err, connectionId: connection.id }, 'PSA poll failed for a connection');
      await finishRun(deps.db, claim, { status: 'failed', now, detail: { error: 'database error' } }).catch(() => undefined);
      result.failed++;
    }
  }
  return result;
}

export function psaPollJob(deps: PsaDeps & { claimer?: Claimer }, timezone: string): ScheduledJob {
  return { name: PSA_POLL_JOB, schedule: PSA_POLL_SCHEDULE, timezone, run: (now) => runPsaPoll(deps, now) };
}
