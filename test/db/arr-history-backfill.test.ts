// Migration 0008's backfill, on every engine: a database written before the ARR
// history existed gets the history its accounts and renewal outcomes imply, and a
// churned account gets back the ARR that recording its churn had set to 0.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, type Database } from '../../db/client.js';
import { accounts, arrHistory, renewalOutcomes } from '../../db/schema.js';
import { ensureWorkspace } from '../../src/core/workspaces.js';
import { ENGINES, onDatabase } from '../helpers/engines.js';

/** The statements after the table and column are created: the backfill. */
const BACKFILL = readFileSync(join(MIGRATIONS_DIR, '0008_arr_history.sql'), 'utf8')
  .split('--> statement-breakpoint')
  .map((s) => s.trim())
  .filter((s) => /^(--[^\n]*\n)*\s*(UPDATE|INSERT)/.test(s));

describe.each(ENGINES)('the ARR history backfill on $name', (engine) => {
  let database: Database;
  onDatabase(engine, (opened) => (database = opened));

  it('restores a churned account’s ARR and writes the history the outcomes imply', async () => {
    expect(BACKFILL).toHaveLength(3);
    const db = database.db;
    const ws = await ensureWorkspace(db, { platform: 'slack', externalId: 'T-backfill', name: 'backfill', timezone: 'UTC' });
    const created = new Date('2025-01-10T10:00:00Z');
    const row = (name: string, values: Partial<typeof accounts.$inferInsert>) =>
      db.insert(accounts).values({ workspaceId: ws.id, name, createdAt: created, updatedAt: created, ...values }).returning().then(([a]) => a!);
    // As the old code left them: a churn set the ARR to 0 and recorded no day.
    const gone = await row('Gone', { arrCents: 0, stage: 'churned', contractStart: '2024-03-01' });
    const grown = await row('Grown', { arrCents: 13_000_000, contractStart: '2024-01-01' });
    const plain = await row('Plain', { arrCents: 5_000_000 });
    const unknown = await row('Unknown', { arrCents: null });
    await db.insert(renewalOutcomes).values([
      { workspaceId: ws.id, accountId: gone.id, renewalDate: '2026-03-01', outcome: 'churned', arrBeforeCents: 4_500_000, arrAfterCents: 0, recordedAt: new Date('2026-03-05T09:00:00Z') },
      { workspaceId: ws.id, accountId: grown.id, renewalDate: '2026-01-01', outcome: 'expanded', arrBeforeCents: 10_000_000, arrAfterCents: 13_000_000, recordedAt: new Date('2026-01-04T09:00:00Z') },
    ]);

    for (const statement of BACKFILL) await db.execute(sql.raw(statement));

    const [after] = await db.select().from(accounts).where(eq(accounts.id, gone.id));
    expect([after!.arrCents, after!.churnedOn]).toEqual([4_500_000, '2026-03-01']);
    const history = await db
      .select({ accountId: arrHistory.accountId, effectiveOn: arrHistory.effectiveOn, arrCents: arrHistory.arrCents })
      .from(arrHistory)
      .orderBy(asc(arrHistory.effectiveOn));
    const of = (id: string) => history.filter((h) => h.accountId === id).map((h) => [h.effectiveOn, h.arrCents]);
    expect(of(gone.id)).toEqual([['2024-03-01', 4_500_000]]);
    expect(of(grown.id)).toEqual([['2024-01-01', 10_000_000], ['2026-01-01', 13_000_000]]);
    expect(of(plain.id)).toEqual([['2025-01-10', 5_000_000]]);
    expect(of(unknown.id)).toEqual([]);
  });
});
