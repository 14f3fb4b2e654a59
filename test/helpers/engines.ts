// The database engines every database test runs on: PGlite always, and a real
// PostgreSQL when TEST_DATABASE_URL is set. Each test file gets its own fresh
// PostgreSQL database (created here, dropped after), so files can run in parallel.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import postgres from 'postgres';
import { afterAll, beforeAll, inject } from 'vitest';
import { openDatabase, type Database } from '../../db/client.js';

export interface Engine {
  name: 'pglite' | 'postgres';
  /** Opens a fresh, migrated database; `release` closes it (and drops it on PostgreSQL). */
  open(): Promise<{ database: Database; url?: string; release(): Promise<void> }>;
}

/** The migrated PGlite dump made by test/global-setup.ts, when this run has one. */
async function pgliteTemplate(): Promise<{ from?: Blob }> {
  const file = inject('pgliteTemplate');
  if (!file || !existsSync(file)) return {};
  return { from: new Blob([await readFile(file)]) };
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

/** Creates a throwaway database on the test server and returns its URL. */
export async function createScratchDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `tenure_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = postgres(baseUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export const ENGINES: Engine[] = [
  {
    name: 'pglite',
    async open() {
      const database = await openDatabase({ kind: 'pglite-memory', ...(await pgliteTemplate()) });
      return { database, release: () => database.close() };
    },
  },
  ...(TEST_DATABASE_URL
    ? [
        {
          name: 'postgres' as const,
          async open() {
            const scratch = await createScratchDatabase(TEST_DATABASE_URL);
            const database = await openDatabase({ kind: 'postgres', url: scratch.url });
            return {
              database,
              url: scratch.url,
              async release() {
                await database.close();
                await scratch.drop();
              },
            };
          },
        },
      ]
    : []),
];

/**
 * A fresh database for the tests of the enclosing describe block: opened before
 * them and handed to `use`, closed (and dropped on PostgreSQL) after them.
 */
export function onDatabase(engine: Engine, use: (database: Database) => void): void {
  let release: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    const opened = await engine.open();
    release = opened.release;
    use(opened.database);
  });
  afterAll(() => release());
}
