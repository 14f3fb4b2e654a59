// db/statements.ts builds hand-written SQL once through Drizzle internals that its
// documentation does not promise: `db._.session`, the session's `prepareQuery` and
// `PgDialect.sqlToQuery` (drizzle-orm 0.45.4). Each is checked here on every engine,
// so a Drizzle upgrade that changes one fails here, naming it, instead of in a command.
// Also the cache's own promises: statements per database and per transaction (a
// transaction's run on its connection), and after a PostgreSQL pool renewal none left
// bound to the pool that was closed.
import { eq, Placeholder, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Db } from '../../db/client.js';
import { workspaces } from '../../db/schema.js';
import { preparedQuery, preparedSql } from '../../db/statements.js';
import { ENGINES } from '../helpers/engines.js';

const USED_BY = '(a Drizzle internal db/statements.ts relies on)';

/** The rows of a prepared statement's result: postgres.js gives an array, PGlite `{ rows }`. */
const rowsOf = (result: unknown): unknown[] => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows);

const workspaceCount = preparedSql<{ count: number }>(
  'internals-workspace-count',
  () => sql`select count(*)::int as count from workspaces where external_id = ${sql.placeholder('externalId')}`,
);
const workspaceByExternalId = preparedQuery('internals-workspace-by-external-id', (db) =>
  db
    .select({ name: workspaces.name })
    .from(workspaces)
    .where(eq(workspaces.externalId, sql.placeholder('externalId')))
    .prepare('internals-workspace-by-external-id'),
);

class RolledBack extends Error {}

describe.each(ENGINES)('the Drizzle internals behind db/statements.ts, on $name', (engine) => {
  let opened: Awaited<ReturnType<typeof engine.open>>;
  let database: Database;
  const db = (): Db => database.db;

  beforeAll(async () => {
    opened = await engine.open();
    database = opened.database;
  });
  afterAll(async () => {
    await opened?.release();
  });

  it('db._.session has prepareQuery, for the database and for each transaction', async () => {
    expect(typeof db()._?.session?.prepareQuery, `db._.session.prepareQuery ${USED_BY}`).toBe('function');
    await db().transaction(async (tx) => {
      expect(typeof tx._?.session?.prepareQuery, `a transaction's tx._.session.prepareQuery ${USED_BY}`).toBe('function');
      expect(tx._.session, "a transaction's own session").not.toBe(db()._.session);
    });
  });

  it('PgDialect.sqlToQuery numbers the placeholders and keeps them for execute', () => {
    const query = new PgDialect().sqlToQuery(sql`select ${sql.placeholder('a')}::int + ${sql.placeholder('b')}::int as total, ${sql.placeholder('a')}::int as a`);
    expect(query.sql, `PgDialect.sqlToQuery's text ${USED_BY}`).toBe('select $1::int + $2::int as total, $3::int as a');
    expect(
      query.params.map((p) => (p instanceof Placeholder ? p.name : p)),
      `PgDialect.sqlToQuery's params ${USED_BY}`,
    ).toEqual(['a', 'b', 'a']);
  });

  it("the session's prepareQuery runs hand-written SQL again and again with new placeholder values", async () => {
    const query = new PgDialect().sqlToQuery(sql`select ${sql.placeholder('n')}::int * 2 as doubled`);
    const prepared = db()._.session.prepareQuery(query, undefined, 'internals-doubled', false);
    const results = [await prepared.execute({ n: 2 }), await prepared.execute({ n: 21 })];
    expect(results.map(rowsOf), `session.prepareQuery(query, undefined, name, false).execute(values) ${USED_BY}`).toEqual([[{ doubled: 4 }], [{ doubled: 42 }]]);
    // preparedSql reads both result shapes; a third would read as no rows.
    for (const result of results) {
      expect(engine.name === 'postgres' ? Array.isArray(result) : Array.isArray((result as { rows?: unknown }).rows), `the result's shape on ${engine.name}`).toBe(true);
    }
  });

  it("builds each statement once per database and once per transaction; a transaction's run on its connection", async () => {
    const externalId = 'internals-in-a-transaction';
    expect(workspaceCount(db())).toBe(workspaceCount(db()));
    expect(workspaceByExternalId(db())).toBe(workspaceByExternalId(db()));
    await expect(
      db().transaction(async (tx) => {
        expect(workspaceCount(tx)).toBe(workspaceCount(tx));
        expect(workspaceCount(tx)).not.toBe(workspaceCount(db()));
        expect(workspaceByExternalId(tx)).not.toBe(workspaceByExternalId(db()));
        await tx.insert(workspaces).values({ platform: 'console', externalId, name: 'Only in the transaction', timezone: 'UTC' });
        // Uncommitted: only the transaction's own connection sees the row.
        expect(await workspaceCount(tx).execute({ externalId })).toEqual([{ count: 1 }]);
        expect(await workspaceByExternalId(tx).execute({ externalId })).toEqual([{ name: 'Only in the transaction' }]);
        throw new RolledBack('rolled back');
      }),
    ).rejects.toThrow(RolledBack);
    expect(await workspaceCount(db()).execute({ externalId })).toEqual([{ count: 0 }]);
    expect(await workspaceByExternalId(db()).execute({ externalId })).toEqual([]);
  });

  it.runIf(engine.name === 'postgres')('builds the statements again after the pool is renewed, on the new pool', async () => {
    const externalId = 'internals-after-renewal';
    await db().insert(workspaces).values({ platform: 'console', externalId, name: 'Renewed', timezone: 'UTC' });
    const oldQuery = workspaceByExternalId(db());
    const oldSql = workspaceCount(db());
    expect(await oldQuery.execute({ externalId })).toEqual([{ name: 'Renewed' }]);
    await database.renew!();
    expect(workspaceByExternalId(db())).not.toBe(oldQuery);
    expect(workspaceCount(db())).not.toBe(oldSql);
    expect(await workspaceByExternalId(db()).execute({ externalId })).toEqual([{ name: 'Renewed' }]);
    expect(await workspaceCount(db()).execute({ externalId })).toEqual([{ count: 1 }]);
    // What the renewal spares the commands: a statement kept from before runs on the closed pool.
    await expect(oldQuery.execute({ externalId })).rejects.toThrow();
  });
});
