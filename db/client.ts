// Opens the database: PostgreSQL through postgres.js when a URL is given, else the
// embedded PGlite in a data directory. Both get the same Drizzle API (`Db`), the
// same migrations, and a `close()` that must run on shutdown.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type postgres from 'postgres';
import { EMBEDDED_DATABASE_V8_FLAGS } from './embedded-memory.js';
import { acquireDataDirLock, type DataDirLock } from './lock.js';
import { postgresPool } from './postgres-pool.js';
import * as schema from './schema.js';
import { forgetStatements } from './statements.js';

/** The database or an open transaction: data functions take either. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseTarget =
  /** `poolSize`: connections per process (default DEFAULT_POOL_SIZE in postgres-pool.ts). */
  | { kind: 'postgres'; url: string; poolSize?: number }
  | { kind: 'pglite'; dataDir: string }
  /** In memory; `from` is a data directory dump (PGlite's dumpDataDir) to start from instead of a fresh initdb. */
  | { kind: 'pglite-memory'; from?: Blob };

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Answers when the server (or PGlite) can run a query: used by /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * PostgreSQL only: replaces the connection pool (after the driver lost a
   * connection it can no longer use; see postgres-pool.ts). The same `db` stays valid.
   */
  renew?(): Promise<void>;
  /** PGlite only: the whole data directory as a tarball (to start other instances from). */
  dump?(): Promise<Blob>;
  /** PGlite only: true when this open created the data directory (initdb, in a child process). */
  createdDataDir?: boolean;
}

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

// Any constant works as long as every replica uses the same one.
const MIGRATION_LOCK_KEY = 7_314_159_265;

/**
 * Rows of a raw query. Drizzle's execute() returns an array on postgres.js and
 * `{ rows }` on PGlite; this is the one place that knows.
 */
export async function queryRows<T extends Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export interface OpenOptions {
  /** Run migrations before returning (default true). */
  migrate?: boolean;
  /** Called with PostgreSQL NOTICE messages; by default they are dropped. */
  onNotice?: (message: string) => void;
}

export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<Database> {
  const database = target.kind === 'postgres' ? await openPostgres(target.url, { ...options, ...(target.poolSize ? { poolSize: target.poolSize } : {}) }) : await openPglite(target);
  if (options.migrate !== false) {
    try {
      await runMigrations(database);
    } catch (err) {
      await database.close();
      throw err;
    }
  }
  return database;
}

async function openPostgres(url: string, options: OpenOptions & { poolSize?: number }): Promise<Database & { client(): postgres.Sql }> {
  const pool = postgresPool(url, options);
  return {
    db: pool.db,
    kind: 'postgres',
    client: pool.client,
    // The pool's `db` stays the same object across a renewal; statements built on it
    // run on the pool they were built on, so they are dropped first (db/statements.ts).
    renew() {
      forgetStatements(pool.db);
      return pool.renew();
    },
    async ping() {
      await pool.client()`select 1`;
    },
    close: pool.end,
  };
}

/**
 * PGlite's own start parameters, with 32 MB of shared buffers instead of PostgreSQL's
 * 128 MB. PGlite touches all of its shared buffers when it starts, inside the Node
 * process: 128 MB is resident from the first second whatever the data. The data
 * directory's pages are files that the operating system caches anyway, so fewer
 * buffers cost no throughput on the load benchmark and leave the memory to the process.
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'];

/**
 * A new data directory is created by db/pglite-initdb.mjs in a process of its own (why:
 * see that file): the server then opens it as it opens an existing one. The child gets
 * the embedded database's V8 settings on its command line.
 */
function initdbInChildProcess(pgdata: string): Promise<void> {
  const script = fileURLToPath(new URL('./pglite-initdb.mjs', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...EMBEDDED_DATABASE_V8_FLAGS, script, pgdata, JSON.stringify(PGLITE_START_PARAMS)],
      { timeout: 120_000, maxBuffer: 1024 * 1024 },
      (err, _stdout, stderr) => {
        if (err) reject(new Error(`could not create the PGlite data directory ${pgdata}: ${stderr.trim() || err.message}`));
        else resolve();
      },
    );
  });
}

async function openPglite(target: { kind: 'pglite'; dataDir: string } | { kind: 'pglite-memory'; from?: Blob }): Promise<Database> {
  let lock: DataDirLock | undefined;
  let client: PGlite;
  let createdDataDir = false;
  if (target.kind === 'pglite') {
    const dataDir = path.resolve(target.dataDir);
    mkdirSync(dataDir, { recursive: true });
    // PGlite has no lock of its own: two processes on one directory corrupt it.
    lock = acquireDataDirLock(dataDir);
    try {
      const pgdata = path.join(dataDir, 'pgdata');
      if (!existsSync(path.join(pgdata, 'PG_VERSION'))) {
        await initdbInChildProcess(pgdata);
        createdDataDir = true;
      }
      client = await PGlite.create({ dataDir: pgdata, startParams: PGLITE_START_PARAMS });
    } catch (err) {
      lock.release();
      throw err;
    }
  } else {
    client = await PGlite.create({ ...(target.from ? { loadDataDir: target.from } : {}), startParams: PGLITE_START_PARAMS });
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  let closed = false;
  return {
    db,
    kind: 'pglite',
    createdDataDir,
    async ping() {
      if (closed) throw new Error('database is closed');
      await client.query('select 1');
    },
    dump: () => client.dumpDataDir('none'),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/**
 * Applies db/migrations. On PostgreSQL the Drizzle migrator takes no lock, so
 * replicas starting together serialize on a session-level advisory lock held on
 * one reserved connection for the whole run.
 */
export async function runMigrations(database: Database): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_DIR };
  if (database.kind === 'pglite') {
    await migratePglite(database.db as never, config);
    return;
  }
  const client = (database as Database & { client(): postgres.Sql }).client();
  const reserved = await client.reserve();
  try {
    await reserved`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migratePostgres(database.db as never, config);
    } finally {
      await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    reserved.release();
  }
}
