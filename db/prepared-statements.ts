// Drizzle hands postgres.js every query with `prepare: false` unless the query was
// built with `.prepare(name)`. For a parameterized query postgres.js then has to
// ask the server for the parameter types first (Parse + Describe, wait, then Bind +
// Execute): two round trips and a fresh parse and plan every time. Our statements
// are a fixed set of shapes, so we let postgres.js prepare them by name once per
// connection (it keys them by text and parameter types) and run them in one round
// trip from then on.
//
// Left unprepared: statements with many parameters (bulk inserts of N rows are a
// new text for every N, and are rare) — each prepared statement is kept for the
// life of its connection, which postgres.js recycles after 30-60 minutes.
//
// Drizzle offers no setting for this, so it rests on how drizzle-orm 0.45.4's
// postgres-js driver talks to postgres.js: every query through `client.unsafe(text,
// params, { prepare })`, transactions through `client.begin` and nested ones through
// `savepoint`, each handing its callback the transaction's own client. If an upgrade
// changes that, queries still run but unprepared: test/db/prepared-statements.test.ts
// reads the server's pg_prepared_statements and fails.
import type postgres from 'postgres';

/** Bulk writes above this many parameters are sent unprepared (see above). */
export const MAX_PREPARED_PARAMETERS = 64;

type Sql = postgres.Sql | postgres.TransactionSql;
type Unsafe = (query: string, params?: unknown[], options?: { prepare?: boolean }) => unknown;

/**
 * The same client, but `unsafe()` (what Drizzle calls) prepares statements, inside
 * transactions and savepoints too.
 */
export function preparingStatements<T extends Sql>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'unsafe') {
        const unsafe = value as Unsafe;
        return (query: string, params: unknown[] = [], options: { prepare?: boolean } = {}) =>
          unsafe(query, params, { ...options, prepare: params.length > 0 && params.length <= MAX_PREPARED_PARAMETERS });
      }
      if (property === 'begin' || property === 'savepoint') {
        // The callback receives the transaction's own client: wrap that one as well.
        return (...args: unknown[]) => {
          const callback = args.pop() as (tx: postgres.TransactionSql) => unknown;
          return (value as (...a: unknown[]) => unknown)(...args, (tx: postgres.TransactionSql) => callback(preparingStatements(tx)));
        };
      }
      return value;
    },
  });
}
