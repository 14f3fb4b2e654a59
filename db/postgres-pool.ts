// The PostgreSQL connection pool (postgres.js) behind the Drizzle `Db`, made to
// come through a database outage without a restart:
// - reconnect attempts wait at most a second (postgres.js's default backoff grows
//   to 10-20 s, and queries queue behind it: during an outage commands hang instead
//   of answering "unavailable", and after it they keep hanging that long);
// - the pool can be replaced while the app runs (`renew`), behind a `db` that stays
//   the same object for everyone holding it. postgres.js 3.4.9 loses track of a
//   connection that dies during a transaction: its ROLLBACK is written to a socket
//   that is gone, which throws from a timer (porsager/postgres#1154, #1208) and
//   leaves that connection unable to send anything again. main.ts recognises that
//   exception (isLostWriteBug), keeps the process up and renews the pool.
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Db } from './client.js';
import { preparingStatements } from './prepared-statements.js';
import * as schema from './schema.js';

/**
 * Connections per process. A few, not postgres.js's ten: one Node process cannot keep
 * more than a few backends busy, and under load postgres.js pipelines queries on the
 * connections it has (several queries' Bind/Execute in one write, answered in one
 * read) instead of waking one more backend per query, which on a small machine shared
 * with PostgreSQL answers more commands, sooner, than ten (README, Performance, has the
 * load benchmark's figures for both). TENURE_DB_POOL raises it for a server with many
 * cores or for long-running work (each transaction holds a connection while it runs).
 */
export const DEFAULT_POOL_SIZE = 4;

/** Seconds before the n-th reconnect attempt: 0.1, 0.2, 0.4, 0.8, then 1. */
export function reconnectDelay(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 1);
}

/** The exception postgres.js 3.4.9 throws from a timer when it writes to a connection that has closed. */
export function isLostWriteBug(err: unknown): boolean {
  if (!(err instanceof TypeError)) return false;
  const stack = err.stack ?? '';
  return /reading 'write'|evaluating 'socket\.write'/.test(err.message) && stack.includes('nextWrite') && /postgres[\\/](?:cjs[\\/]|cf[\\/])?src[\\/]connection\.js/.test(stack);
}

export interface PostgresPool {
  /** The Drizzle database; always uses the current pool. */
  db: Db;
  /** The current postgres.js pool. */
  client(): postgres.Sql;
  /** Replaces the pool; queries under way on the old one get up to 5 s to finish. */
  renew(): Promise<void>;
  end(): Promise<void>;
}

export function postgresPool(url: string, options: { onNotice?: (message: string) => void; poolSize?: number } = {}): PostgresPool {
  const open = () => {
    const client = preparingStatements(postgres(url, {
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      // A host that does not answer at all fails a query in 10 s instead of 30.
      connect_timeout: 10,
      backoff: reconnectDelay,
      onnotice: (n) => options.onNotice?.(String(n.message)),
    }));
    return { client, db: drizzle(client, { schema }) as unknown as Db };
  };
  let current = open();
  let renewing: Promise<void> | undefined;

  // Method calls are bound to the pool current at the time of the call: a query
  // builder or transaction started before a renewal finishes on the old pool.
  const db = new Proxy({} as Db, {
    get(_target, property) {
      const value: unknown = Reflect.get(current.db, property, current.db);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current.db) : value;
    },
    has: (_target, property) => property in current.db,
  });

  return {
    db,
    client: () => current.client,
    renew() {
      return (renewing ??= (async () => {
        const old = current;
        current = open();
        try {
          await old.client.end({ timeout: 5 });
        } finally {
          renewing = undefined;
        }
      })());
    },
    async end() {
      await renewing;
      await current.client.end({ timeout: 5 });
    },
  };
}
