// Statements built once and run many times: the commands' hot path (who is asking,
// the account by name, the check-in write, one account's health inputs) runs a few
// fixed shapes, and Drizzle spends more time building a query's SQL text from its
// builder than the driver spends sending it (most of it Drizzle's `is()` entity
// checks). A statement here is written with `sql.placeholder(…)` for its values,
// built on first use, and kept per `Db` object, because a built statement is bound to
// the database or transaction it was built on:
// - each open transaction is a `Db` of its own and gets its own statements (they run
//   on its connection); they go with it, held weakly;
// - the PostgreSQL `Db` stays one object while its pool is replaced
//   (db/postgres-pool.ts): client.ts calls forgetStatements before a renewal, so
//   nothing keeps running on the pool that was closed.
// On PostgreSQL each statement is also prepared by the server once per connection
// (db/prepared-statements.ts); on PGlite it is the same Drizzle object without that.
//
// preparedQuery uses only Drizzle's public `.prepare(name)`. preparedSql cannot:
// drizzle-orm 0.45.4 has no prepared form of hand-written SQL (`db.execute()` builds
// the text on every call and takes no placeholder values), so it calls what Drizzle
// does not document: `db._.session`, the session's `prepareQuery(query, fields, name,
// isResponseInArrayMode)` and `PgDialect.sqlToQuery`. An upgrade may rename or
// reshape any of them (Drizzle's main branch moves pg sessions under pg-core/async):
// test/db/drizzle-internals.test.ts checks each on both engines and fails naming the
// one that changed.
import { getTableColumns, type SQL } from 'drizzle-orm';
import { PgDialect, type PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './client.js';

/** Each database's (or transaction's) statements by name. */
const built = new WeakMap<Db, Map<string, unknown>>();

function cached<T>(db: Db, name: string, build: () => T): T {
  let statements = built.get(db);
  if (!statements) {
    statements = new Map();
    built.set(db, statements);
  }
  let statement = statements.get(name) as T | undefined;
  if (statement === undefined) {
    statement = build();
    statements.set(name, statement);
  }
  return statement;
}

/**
 * Drops the statements built on `db`, so the next use builds them again on whatever
 * `db` runs on then (the PostgreSQL pool after a renewal).
 */
export function forgetStatements(db: Db): void {
  built.delete(db);
}

/**
 * A Drizzle query built once per database or transaction: `build` returns the query
 * with placeholders, ended by `.prepare(name)`; the result runs it with `execute({…})`.
 *
 *   const accountByName = preparedQuery('account-by-name', (db) =>
 *     db.select().from(accounts).where(eq(accounts.name, sql.placeholder('name'))).prepare('account-by-name'));
 *   const rows = await accountByName(db).execute({ name });
 */
export function preparedQuery<T>(name: string, build: (db: Db) => T): (db: Db) => T {
  return (db) => cached(db, name, () => build(db));
}

const dialect = new PgDialect();

export interface PreparedRows<Row> {
  /** The rows, the same shape on both engines (postgres.js gives an array, PGlite `{ rows }`). */
  execute(values: Record<string, unknown>): Promise<Row[]>;
}

/**
 * Hand-written SQL (`sql\`…\`` with `sql.placeholder(…)` for its values) built once per
 * database or transaction, the way `preparedQuery` builds a query builder's. Through
 * Drizzle's internals: see the top of this file.
 */
export function preparedSql<Row extends Record<string, unknown>>(name: string, build: () => SQL): (db: Db) => PreparedRows<Row> {
  return (db) =>
    cached(db, name, () => {
      const prepared = db._.session.prepareQuery(dialect.sqlToQuery(build()), undefined, name, false);
      return {
        async execute(values: Record<string, unknown>): Promise<Row[]> {
          const result = (await prepared.execute(values)) as unknown;
          if (Array.isArray(result)) return result as Row[];
          return ((result as { rows?: Row[] }).rows ?? []) as Row[];
        },
      };
    });
}

/**
 * A table's row from its JSON (`to_jsonb(t)` in a statement that returns rows of two
 * tables, or of one table twice): keys by column name, values as the columns map them
 * (timestamps to Dates), the same object a Drizzle select gives.
 */
export function rowFromJson<T extends PgTable>(table: T, json: unknown): T['$inferSelect'] {
  const stored = (typeof json === 'string' ? JSON.parse(json) : json) as Record<string, unknown>;
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const v = stored[column.name];
    row[key] = v === null || v === undefined ? null : column.mapFromDriverValue(v);
  }
  return row as T['$inferSelect'];
}
