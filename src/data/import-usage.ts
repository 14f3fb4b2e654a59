// Reads usage / spend rows (from a CSV file or the ingest API) into readings and
// hands them to core's one usage recording (src/core/usage.ts), which writes them
// in batches and audits once per account per import. A reading is one per account
// and instant: one already stored (or earlier in the same file) is skipped, so
// re-importing a file adds nothing.
import type { Db } from '../../db/client.js';
import { archivedAccountError, type Actor } from '../core/accounts.js';
import { readDate, type DateReadingOptions } from '../core/date-reading.js';
import { isIsoDate } from '../core/time.js';
import { UsageRecording, type UsageReading } from '../core/usage.js';
import type { Cells } from './columns.js';
import { parseCountCell, parseMoneyCell, RowError, type AccountIndex, type RowOutcome } from './import-accounts.js';

const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * An ISO date-time with an offset, or a date as people write it (2026-11-01, 1 Nov
 * 2026, 01/11/2026 in the workspace's date order, yesterday), taken at midnight UTC
 * as an ISO date always was. A reading has happened: `fri` is the Friday past.
 */
export function parseInstant(v: string, reading: Omit<DateReadingOptions, 'direction'>): Date {
  if (DATETIME.test(v)) {
    const d = new Date(v.replace(' ', 'T'));
    if (!Number.isNaN(d.getTime())) return d;
  }
  const read = isIsoDate(v) ? { ok: true as const, date: v } : readDate(v, { ...reading, direction: 'past' });
  if (read.ok) return new Date(`${read.date}T00:00:00Z`);
  throw new RowError(read.ambiguous ? `date ${read.problem}` : `date "${v}" is not a date; write it as YYYY-MM-DD, 1 Nov 2026 or 2026-11-01T09:00:00Z`);
}

export class UsageWriter {
  private readonly recording: UsageRecording;

  constructor(
    db: Db,
    workspaceId: string,
    private readonly index: AccountIndex,
    private readonly actor: Actor,
    source: string,
    /** The undoable chat import the readings belong to (usage_readings.import_id). */
    importId?: string,
  ) {
    this.recording = new UsageRecording(db, workspaceId, actor, { source, skipRepeats: true, ...(importId ? { importId } : {}) });
  }

  /** Validates the row now; the write happens with its batch. */
  async add(cells: Cells): Promise<RowOutcome> {
    if (!cells.name && !cells.externalId) throw new RowError('the account name is missing');
    const account = this.index.find(cells);
    if (!account) throw new RowError(`no account ${cells.externalId ? `with id "${cells.externalId}"` : `named "${cells.name}"`}`);
    // A reading is new work: an archived account takes none (core/accounts.ts requireLiveAccount).
    if (account.archivedAt) throw new RowError(archivedAccountError(account).message);
    if (!cells.recordedAt) throw new RowError('the date is missing');
    const reading: UsageReading = {
      accountId: account.id,
      recordedAt: parseInstant(cells.recordedAt, { now: this.actor.now, timeZone: this.index.timezone, order: this.index.dateOrder }),
      activeUsers: cells.active !== undefined ? parseCountCell('active users', cells.active) : null,
      licensedUsers: cells.licensed !== undefined ? parseCountCell('licensed users', cells.licensed) : null,
      spendCents: cells.spend !== undefined ? parseMoneyCell('spend', cells.spend, this.index.currency) : null,
      forecastCents: cells.forecast !== undefined ? parseMoneyCell('forecast', cells.forecast, this.index.currency) : null,
    };
    if (reading.activeUsers === null && reading.licensedUsers === null && reading.spendCents === null && reading.forecastCents === null) {
      throw new RowError('the row has no active users, licensed users, spend or forecast');
    }
    // Counted as created now; alreadyStored corrects for readings stored before this import.
    return (await this.recording.add(reading)) ? 'created' : 'unchanged';
  }

  /** How many of the rows reported 'created' turned out to be stored already. */
  get alreadyStored(): number {
    return this.recording.alreadyStored;
  }

  /** Writes the last batch and one audit entry per account that got readings. */
  finish(): Promise<void> {
    return this.recording.finish();
  }
}
