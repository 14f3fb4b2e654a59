// `npm run import` killed with SIGKILL while its one transaction is writing, then
// run again: nothing of the killed run is left (no accounts, no audit entries),
// and the second run imports every row. On PostgreSQL (the kill comes once the
// transaction's uncommitted rows are visibly in the table's file) and on PGlite,
// the embedded default, whose data directory must come back from the kill.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, queryRows } from '../../db/client.js';
import { afterAll, describe, expect, it } from 'vitest';
import { killAll, launchTenure, sleep, until, type RunningTenure } from '../helpers/processes.js';
import { NO_POSTGRES_REASON, reportWhenNoPostgres, POSTGRES_SOURCE, scratchPostgres } from '../helpers/throwaway-postgres.js';

const dirs: string[] = [];
const apps: RunningTenure[] = [];
afterAll(() => {
  killAll(apps);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A CSV of `rows` accounts. */
function accountsCsv(rows: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tenure-import-'));
  dirs.push(dir);
  const file = path.join(dir, 'accounts.csv');
  const lines = ['name,external id,arr,renewal,licensed,active'];
  for (let i = 0; i < rows; i++) lines.push(`Customer ${String(i).padStart(5, '0')},CRM-${i},${(i % 400) * 1000 + 5000},2027-${String((i % 12) + 1).padStart(2, '0')}-15,${(i % 90) + 10},${i % 10}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const runImport = async (env: Record<string, string>, file: string) => {
  const run = await launchTenure(env, { script: 'scripts/import.ts', args: [file] });
  apps.push(run);
  return run;
};

reportWhenNoPostgres('CSV import killed mid-transaction on PostgreSQL');

describe.skipIf(NO_POSTGRES_REASON !== null)(`CSV import killed mid-transaction (PostgreSQL from ${POSTGRES_SOURCE})`, () => {
  it('leaves nothing half-written; the re-run imports every row', { timeout: 120_000 }, async () => {
    const rows = 4_000;
    const file = accountsCsv(rows);
    const scratch = await scratchPostgres();
    const sql = postgres(scratch.url, { max: 1, onnotice: () => undefined });
    try {
      const env = { DATABASE_URL: scratch.url };
      const killed = await runImport(env, file);
      await until('the import to start', () => killed.output().includes('Importing'), 60_000);
      const empty = Number((await sql<{ size: string }[]>`select pg_relation_size('accounts') as size`)[0]!.size);
      // Uncommitted rows already take room in the table's file: the transaction is well under way.
      await until('the import transaction to have written rows', async () => Number((await sql<{ size: string }[]>`select pg_relation_size('accounts') as size`)[0]!.size) >= empty + 64 * 1024, 60_000, 20);
      expect(killed.alive()).toBe(true);
      killed.child.kill('SIGKILL');
      expect((await killed.exited).signal).toBe('SIGKILL');

      const count = async () => (await sql<{ accounts: number; audit: number }[]>`select (select count(*)::int from accounts) as accounts, (select count(*)::int from audit_log) as audit`)[0]!;
      // The server notices the dead client and rolls its transaction back.
      await until('the killed session to end', async () => (await sql`select 1 from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`).length === 0);
      expect(await count()).toEqual({ accounts: 0, audit: 0 });

      const again = await runImport(env, file);
      expect((await again.exited).code).toBe(0);
      expect(again.output()).toContain(`${rows} rows read: ${rows} accounts were created, 0 were updated, 0 unchanged, 0 rows with errors.`);
      const after = await count();
      expect(after.accounts).toBe(rows);
      expect(after.audit).toBeGreaterThanOrEqual(rows);
    } finally {
      await sql.end();
      await scratch.drop();
    }
  });
});

describe('CSV import killed mid-transaction (PGlite data directory)', () => {
  it('comes back from the kill with nothing half-written; the re-run imports every row', { timeout: 120_000 }, async () => {
    const rows = 1_000;
    const file = accountsCsv(rows);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tenure-import-pglite-'));
    dirs.push(dataDir);
    const env = { TENURE_DATA_DIR: dataDir };
    const killed = await runImport(env, file);
    await until('the import to start', () => killed.output().includes('Importing'), 60_000);
    // PGlite cannot be read from outside while the importer holds it: kill a while into the transaction
    // (a full run of these rows takes several times as long).
    await sleep(1_200);
    expect(killed.alive()).toBe(true);
    killed.child.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');

    const again = await runImport(env, file);
    expect((await again.exited).code).toBe(0);
    // Every row is created by the re-run: none survived from the killed one.
    expect(again.output()).toContain(`${rows} rows read: ${rows} accounts were created, 0 were updated, 0 unchanged, 0 rows with errors.`);
    // And the data directory holds exactly that: every account once, each with its audit entry.
    const database = await openDatabase({ kind: 'pglite', dataDir });
    try {
      const [counted] = await queryRows<{ accounts: number; names: number; audit: number }>(
        database.db,
        sql`select (select count(*)::int from accounts) as accounts, (select count(distinct name)::int from accounts) as names, (select count(*)::int from audit_log) as audit`,
      );
      expect(counted).toMatchObject({ accounts: rows, names: rows });
      expect(counted!.audit).toBeGreaterThanOrEqual(rows);
    } finally {
      await database.close();
    }
  });
});
