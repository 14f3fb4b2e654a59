// Migration 0011, on every engine: check-ins get short ids (#12) per workspace, from the
// workspace's counter, whoever writes them; those written before the migration are
// numbered in the order they were written and the counter goes on after them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, type Database } from '../../db/client.js';
import { accounts, checkins } from '../../db/schema.js';
import { ensureWorkspace } from '../../src/core/workspaces.js';
import { ENGINES, onDatabase } from '../helpers/engines.js';

/** The migration's backfill: numbering the rows there are, and starting the counters after them. */
const BACKFILL = readFileSync(join(MIGRATIONS_DIR, '0011_undo_archive.sql'), 'utf8')
  .split('--> statement-breakpoint')
  .map((s) => s.trim())
  .filter((s) => /^(--[^\n]*\n)*\s*(UPDATE|INSERT)/.test(s));

describe.each(ENGINES)('check-in short ids on $name', (engine) => {
  let database: Database;
  onDatabase(engine, (opened) => (database = opened));

  const setUp = async (externalId: string) => {
    const db = database.db;
    const ws = await ensureWorkspace(db, { platform: 'slack', externalId, name: externalId, timezone: 'UTC' });
    const [account] = await db.insert(accounts).values({ workspaceId: ws.id, name: 'Acme' }).returning();
    const touch = (day: string) => ({ workspaceId: ws.id, accountId: account!.id, type: 'call' as const, occurredAt: new Date(`${day}T10:00:00Z`), notes: day, createdAt: new Date(`${day}T10:00:00Z`) });
    const numbers = async () => (await db.select({ notes: checkins.notes, number: checkins.number }).from(checkins).where(eq(checkins.workspaceId, ws.id)).orderBy(asc(checkins.number))).map((r) => [r.notes, r.number]);
    return { db, ws, touch, numbers };
  };

  it('numbers every inserted check-in from its own workspace’s counter', async () => {
    const a = await setUp('T-numbers-a');
    const b = await setUp('T-numbers-b');
    await a.db.insert(checkins).values([a.touch('2026-11-01'), a.touch('2026-11-02')]);
    await b.db.insert(checkins).values(b.touch('2026-11-03'));
    await a.db.insert(checkins).values(a.touch('2026-11-04'));
    expect(await a.numbers()).toEqual([['2026-11-01', 1], ['2026-11-02', 2], ['2026-11-04', 3]]);
    expect(await b.numbers()).toEqual([['2026-11-03', 1]]);
  });

  it('numbers check-ins written before the migration in the order they were written, and counts on after them', async () => {
    expect(BACKFILL).toHaveLength(2);
    const c = await setUp('T-numbers-c');
    // As a database before 0011 held them: no numbers, and no counter.
    await c.db.execute(sql.raw('ALTER TABLE "checkins" DISABLE TRIGGER "tenure_checkins_number"'));
    await c.db.execute(sql.raw('ALTER TABLE "checkins" ALTER COLUMN "number" DROP NOT NULL'));
    await c.db.execute(sql`insert into checkins (workspace_id, account_id, type, occurred_at, notes, created_at) values
      (${c.ws.id}, (select id from accounts where workspace_id = ${c.ws.id}), 'call', '2026-10-02T10:00:00Z', 'second', '2026-10-02T10:00:00Z'),
      (${c.ws.id}, (select id from accounts where workspace_id = ${c.ws.id}), 'call', '2026-10-01T10:00:00Z', 'first', '2026-10-01T10:00:00Z')`);
    for (const statement of BACKFILL) await c.db.execute(sql.raw(statement));
    await c.db.execute(sql.raw('ALTER TABLE "checkins" ALTER COLUMN "number" SET NOT NULL'));
    await c.db.execute(sql.raw('ALTER TABLE "checkins" ENABLE TRIGGER "tenure_checkins_number"'));
    await c.db.insert(checkins).values(c.touch('2026-11-05'));
    expect(await c.numbers()).toEqual([['first', 1], ['second', 2], ['2026-11-05', 3]]);
  });
});
