// The databases a benchmark runs on: an in-memory PGlite always, and a scratch
// PostgreSQL database when BENCH_DATABASE_URL or TEST_DATABASE_URL is set.
import { openDatabase, type Database } from '../db/client.js';
import { createScratchDatabase } from '../test/helpers/engines.js';

export async function onEachBenchDatabase(run: (label: string, database: Database) => Promise<void>): Promise<void> {
  const pglite = await openDatabase({ kind: 'pglite-memory' });
  try {
    await run('PGlite', pglite);
  } finally {
    await pglite.close();
  }
  const url = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (!url) {
    console.log('PostgreSQL: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL)');
    return;
  }
  const scratch = await createScratchDatabase(url);
  const pg = await openDatabase({ kind: 'postgres', url: scratch.url });
  try {
    await run('PostgreSQL', pg);
  } finally {
    await pg.close();
    await scratch.drop();
  }
}
