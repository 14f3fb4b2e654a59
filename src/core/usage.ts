// Usage and spend readings, the adoption and financial inputs of the health score:
// the one way they are written, whoever sends them (/usage in chat, a CSV file, the
// ingest API). Readings go in by the thousand, so a 100,000-row file is a few
// hundred statements, not 100,000; the audit log gets one entry per account per
// recording (how many readings, from where), not one per reading, for the same
// reason. The readings themselves carry the values.
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { usageReadings } from '../../db/schema.js';
import { checkAccountChange } from './account-rules.js';
import { updateAccount, type Actor } from './accounts.js';
import { recordAudit } from './audit.js';

export interface UsageReading {
  accountId: string;
  recordedAt: Date;
  activeUsers: number | null;
  licensedUsers: number | null;
  spendCents: number | null;
  forecastCents: number | null;
}

export interface UsageSource {
  /** Where the readings came from, stored with each and named in the audit entry: 'chat', 'csv', 'api'. */
  source: string;
  /**
   * Readings dated by whoever sent them (a file, an API batch) may come again, so one
   * per account and instant is kept: a reading already stored, or already in this
   * recording, is skipped and sending a file twice adds nothing. A reading taken
   * now is new by definition and is always stored.
   */
  skipRepeats: boolean;
  /** The undoable import (a CSV shared in chat) the readings come from, kept on each so undoing it removes exactly them. */
  importId?: string;
}

const BATCH = 1_000;

const keyOf = (r: Pick<UsageReading, 'accountId' | 'recordedAt'>) => `${r.accountId}|${r.recordedAt.getTime()}`;

/**
 * One recording: readings added one at a time (an import streams its rows through
 * add) are written a batch at a time, and finish() writes the last batch and the
 * audit entries. Run it inside the caller's transaction: a failed import leaves
 * neither readings nor audit entries.
 */
export class UsageRecording {
  private pending: UsageReading[] = [];
  private readonly seen = new Set<string>();
  private readonly perAccount = new Map<string, number>();
  private repeats = 0;

  constructor(
    private readonly db: Db,
    private readonly workspaceId: string,
    private readonly actor: Actor,
    private readonly from: UsageSource,
  ) {}

  /**
   * Queues a reading; false when it repeats one earlier in this recording (and is
   * skipped). A reading with more active users than licensed seats is refused (a
   * UserError: an import reports it as the row's error). A dated reading is checked
   * against itself only: it may be older than the seat count the account has now.
   * A reading taken now also becomes the account's, checked there against what is
   * stored (recordCurrentUsage).
   */
  async add(reading: UsageReading): Promise<boolean> {
    if (reading.activeUsers !== null && reading.licensedUsers !== null) checkAccountChange({ activeUsers: reading.activeUsers, licensedUsers: reading.licensedUsers }, null);
    if (this.from.skipRepeats) {
      const key = keyOf(reading);
      if (this.seen.has(key)) return false;
      this.seen.add(key);
    }
    this.pending.push(reading);
    if (this.pending.length >= BATCH) await this.flush();
    return true;
  }

  /** How many queued readings turned out to be stored already (and were skipped). */
  get alreadyStored(): number {
    return this.repeats;
  }

  /** How many readings were written. */
  get written(): number {
    let n = 0;
    for (const count of this.perAccount.values()) n += count;
    return n;
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const fresh = this.from.skipRepeats ? await this.notStored(batch) : batch;
    this.repeats += batch.length - fresh.length;
    if (fresh.length > 0) {
      await this.db.insert(usageReadings).values(fresh.map((r) => ({ ...r, workspaceId: this.workspaceId, source: this.from.source, importId: this.from.importId ?? null })));
    }
    for (const r of fresh) this.perAccount.set(r.accountId, (this.perAccount.get(r.accountId) ?? 0) + 1);
  }

  private async notStored(batch: UsageReading[]): Promise<UsageReading[]> {
    const accountIds = [...new Set(batch.map((r) => r.accountId))];
    const times = [...new Set(batch.map((r) => r.recordedAt.getTime()))].map((t) => new Date(t));
    const stored = await this.db
      .select({ accountId: usageReadings.accountId, recordedAt: usageReadings.recordedAt })
      .from(usageReadings)
      .where(and(eq(usageReadings.workspaceId, this.workspaceId), inArray(usageReadings.accountId, accountIds), inArray(usageReadings.recordedAt, times)));
    const storedKeys = new Set(stored.map(keyOf));
    return batch.filter((r) => !storedKeys.has(keyOf(r)));
  }

  /** Writes the last batch and one audit entry per account that got readings. */
  async finish(): Promise<void> {
    await this.flush();
    for (const [accountId, readings] of this.perAccount) {
      await recordAudit(this.db, this.workspaceId, {
        actorUserId: this.actor.userId,
        actorLabel: this.actor.label,
        at: this.actor.now,
        entityType: 'account',
        entityId: accountId,
        action: 'import-usage',
        after: { readings, source: this.from.source },
      });
    }
  }
}

/** Records a list of readings as one recording; how many were written and how many were stored already. */
export async function recordUsage(db: Db, workspaceId: string, readings: UsageReading[], actor: Actor, from: UsageSource): Promise<{ written: number; alreadyStored: number }> {
  const recording = new UsageRecording(db, workspaceId, actor, from);
  for (const reading of readings) await recording.add(reading);
  await recording.finish();
  return { written: recording.written, alreadyStored: recording.alreadyStored };
}

/**
 * A reading taken now, as /usage records it: stored like any other, and its seat
 * counts become the account's own, which cards and the health score read. Dated
 * readings (a file, the API) leave the account as it is: they may be older than it.
 */
export async function recordCurrentUsage(db: Db, workspaceId: string, reading: Omit<UsageReading, 'recordedAt'>, actor: Actor, source: string): Promise<void> {
  await db.transaction(async (tx) => {
    await recordUsage(tx, workspaceId, [{ ...reading, recordedAt: actor.now }], actor, { source, skipRepeats: false });
    const seats = {
      ...(reading.activeUsers !== null ? { activeUsers: reading.activeUsers } : {}),
      ...(reading.licensedUsers !== null ? { licensedUsers: reading.licensedUsers } : {}),
    };
    if (Object.keys(seats).length > 0) await updateAccount(tx, workspaceId, reading.accountId, seats, actor);
  });
}
