// Applies usage / spend readings (from a CSV file or the ingest API) in batches:
// a 100,000-row file is a few hundred queries, not 100,000. A reading is one per
// account and instant; one already stored (or earlier in the same file) is
// skipped, so re-importing a file adds nothing. Each touched account gets one
// audit entry per import, not one per reading.
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { usageReadings } from '../../db/schema.js';
import type { Actor } from '../core/accounts.js';
import { recordAudit } from '../core/audit.js';
import { isIsoDate } from '../core/time.js';
import type { Cells } from './columns.js';
import { parseCountCell, parseMoneyCell, RowError, type AccountIndex, type RowOutcome } from './import-accounts.js';

type Reading = typeof usageReadings.$inferInsert;

const BATCH = 1_000;
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** `2026-11-01` (midnight UTC) or an ISO date-time with an offset. */
export function parseInstant(v: string): Date {
  if (isIsoDate(v)) return new Date(`${v}T00:00:00Z`);
  if (DATETIME.test(v)) {
    const d = new Date(v.replace(' ', 'T'));
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new RowError(`date "${v}" is not a date; write it as YYYY-MM-DD or 2026-11-01T09:00:00Z`);
}

export class UsageWriter {
  private pending: Reading[] = [];
  private seen = new Set<string>();
  private perAccount = new Map<string, number>();
  private counts = { unchanged: 0 };

  constructor(
    private readonly db: Db,
    private readonly workspaceId: string,
    private readonly index: AccountIndex,
    private readonly actor: Actor,
    private readonly source: string,
  ) {}

  /** Validates the row now; the write happens with its batch. */
  async add(cells: Cells): Promise<RowOutcome> {
    if (!cells.name && !cells.externalId) throw new RowError('the account name is missing');
    const account = this.index.find(cells);
    if (!account) throw new RowError(`no account ${cells.externalId ? `with id "${cells.externalId}"` : `named "${cells.name}"`}`);
    if (!cells.recordedAt) throw new RowError('the date is missing');
    const recordedAt = parseInstant(cells.recordedAt);
    const reading: Reading = {
      workspaceId: this.workspaceId,
      accountId: account.id,
      recordedAt,
      activeUsers: cells.active !== undefined ? parseCountCell('active users', cells.active) : null,
      licensedUsers: cells.licensed !== undefined ? parseCountCell('licensed users', cells.licensed) : null,
      spendCents: cells.spend !== undefined ? parseMoneyCell('spend', cells.spend) : null,
      forecastCents: cells.forecast !== undefined ? parseMoneyCell('forecast', cells.forecast) : null,
      source: this.source,
    };
    if (reading.activeUsers === null && reading.licensedUsers === null && reading.spendCents === null && reading.forecastCents === null) {
      throw new RowError('the row has no active users, licensed users, spend or forecast');
    }
    const key = `${account.id}|${recordedAt.getTime()}`;
    if (this.seen.has(key)) return 'unchanged';
    this.seen.add(key);
    this.pending.push(reading);
    if (this.pending.length >= BATCH) await this.flush();
    // Counted as created now; flush() corrects for readings already stored.
    return 'created';
  }

  /** How many of the rows reported 'created' turned out to be stored already. */
  get alreadyStored(): number {
    return this.counts.unchanged;
  }

  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const accountIds = [...new Set(batch.map((r) => r.accountId))];
    const times = [...new Set(batch.map((r) => (r.recordedAt as Date).toISOString()))].map((t) => new Date(t));
    const stored = await this.db
      .select({ accountId: usageReadings.accountId, recordedAt: usageReadings.recordedAt })
      .from(usageReadings)
      .where(
        and(
          eq(usageReadings.workspaceId, this.workspaceId),
          inArray(usageReadings.accountId, accountIds),
          inArray(usageReadings.recordedAt, times),
        ),
      );
    const storedKeys = new Set(stored.map((s) => `${s.accountId}|${s.recordedAt.getTime()}`));
    const fresh = batch.filter((r) => !storedKeys.has(`${r.accountId}|${(r.recordedAt as Date).getTime()}`));
    this.counts.unchanged += batch.length - fresh.length;
    if (fresh.length > 0) await this.db.insert(usageReadings).values(fresh);
    for (const r of fresh) this.perAccount.set(r.accountId, (this.perAccount.get(r.accountId) ?? 0) + 1);
  }

  /** Flushes the last batch and writes one audit entry per account that got readings. */
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
        after: { readings, source: this.source },
      });
    }
  }
}
