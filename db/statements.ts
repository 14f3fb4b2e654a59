// Statements built once and run many times: the commands' hot path (who is asking,
// the account by name, the check-in write, one account's health inputs) runs a few
// fixed shapes, and Drizzle spends more time building a query's SQL text from its
// builder than postgres.js spends sending it (a third of the server's CPU under the
// load benchmark, most of it Drizzle's `is()` entity checks). A statement here is
// written with `sql.placeholder(…)` for its values, built on first use, and kept per
// Drizzle session, so:
// - the database and each open transaction get their own (a transaction's session
//   runs on its own connection; the cache for it goes with it, held weakly);
// - a renewed PostgreSQL pool (db/postgres-pool.ts) has a new session, so nothing
//   keeps running on the pool that was closed.
// On PostgreSQL each statement is also prepared by the server once per connection
// (db/prepared-statements.ts); on PGlite it is the same Drizzle object without that.
import { getTableColumns, type SQL } from 'drizzle-orm';
import { PgDialect, type PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './client.js';

type Session = Db['_']['session'];

/** A session's statements by name. */
const built = new WeakMap<Session, Map<string, unknown>>();

function cached<T>(db: Db, name: string, build: () => T): T {
  const session = db._.session;
  let statements = built.get(session);
  if (!statements) {
    statements = new Map();
    built.set(session, statements);
  }
  let statement = statements.get(name) as T | undefined;
  if (statement === undefined) {
    statement = build();
    statements.set(name, statement);
  }
  return statement;
}

/**
 * A Drizzle query built once per session: `build` returns the query with
 * placeholders, ended by `.prepare(name)`; the result runs it with `execute({…})`.
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
 * session, the way `preparedQuery` builds a query builder's: `db.execute()` has no
 * `.prepare()` of its own.
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
