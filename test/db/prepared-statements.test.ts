// Drizzle's queries reach PostgreSQL as named prepared statements (db/prepared-statements.ts):
// parsed once per connection and then run in one round trip, inside transactions too;
// bulk writes with many parameters stay unprepared. Checked on the server's own view
// of the session (pg_prepared_statements), read on the transaction's connection: this
// is also what fails when a Drizzle upgrade stops calling postgres.js the way
// db/prepared-statements.ts expects (queries would still run, unprepared).
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows, type Database } from '../../db/client.js';
import { MAX_PREPARED_PARAMETERS } from '../../db/prepared-statements.js';
import { accounts, workspaces } from '../../db/schema.js';
import { NO_POSTGRES_REASON, POSTGRES_SOURCE, reportWhenNoPostgres, scratchPostgres } from '../helpers/throwaway-postgres.js';

reportWhenNoPostgres('prepared statements on PostgreSQL');

describe.skipIf(NO_POSTGRES_REASON !== null)(`prepared statements on PostgreSQL (from ${POSTGRES_SOURCE})`, () => {
  let scratch: { url: string; drop(): Promise<void> };
  let database: Database;
  let workspaceId: string;

  beforeAll(async () => {
    scratch = await scratchPostgres();
    database = await openDatabase({ kind: 'postgres', url: scratch.url });
    const [ws] = await database.db.insert(workspaces).values({ platform: 'console', externalId: 'prep', name: 'Prep', timezone: 'UTC' }).returning();
    workspaceId = ws!.id;
  });
  afterAll(async () => {
    await database?.close();
    await scratch?.drop();
  });

  const preparedOnThisConnection = (db: Database['db']) =>
    queryRows<{ statement: string }>(db, sql`select statement from pg_prepared_statements`).then((rows) => rows.map((r) => r.statement));

  it('prepares parameterized statements once per connection, in transactions and savepoints as well, and leaves bulk writes unprepared', async () => {
    const names = Array.from({ length: MAX_PREPARED_PARAMETERS }, (_, i) => `Bulk ${i}`);
    const seen = await database.db.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) {
        const rows = await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.workspaceId, workspaceId));
        expect(rows).toHaveLength(0);
      }
      // A nested transaction (a savepoint) gets a client of its own from postgres.js.
      await tx.transaction(async (savepoint) => {
        expect(await savepoint.select({ name: accounts.name }).from(accounts).where(eq(accounts.workspaceId, workspaceId))).toHaveLength(0);
      });
      // Far more parameters than the limit: one row per name, several columns each.
      await tx.insert(accounts).values(names.map((name) => ({ workspaceId, name })));
      const counted = await queryRows<{ count: number }>(tx, sql`select count(*)::int as count from accounts where workspace_id = ${workspaceId}`);
      expect(counted[0]?.count).toBe(names.length);
      return preparedOnThisConnection(tx);
    });
    const selects = seen.filter((s) => s.startsWith('select "id" from "accounts"'));
    expect(selects).toHaveLength(1);
    expect(seen.some((s) => s.startsWith('select "name" from "accounts"'))).toBe(true);
    expect(seen.some((s) => s.startsWith('select count(*)::int as count from accounts'))).toBe(true);
    expect(seen.some((s) => s.startsWith('insert into "accounts"'))).toBe(false);
  });

  it('reads back, prepared, exactly what was written (timestamps, dates, nulls), on the generic plan too', async () => {
    const when = new Date('2026-11-23T10:15:00.123Z');
    const [made] = await database.db
      .insert(accounts)
      .values({ workspaceId, name: 'Acme Corp', arrCents: 12_000_000, renewalDate: '2027-03-31', createdAt: when })
      .returning();
    for (let i = 0; i < 7; i++) {
      // Past PostgreSQL's five custom plans, onto the generic plan: still the same row.
      const [row] = await database.db.select().from(accounts).where(eq(accounts.id, made!.id));
      expect(row).toEqual(made);
      expect(row!.createdAt.toISOString()).toBe(when.toISOString());
      expect(row!.renewalDate).toBe('2027-03-31');
      expect(row!.ownerUserId).toBeNull();
    }
  });
});
