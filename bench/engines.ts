// The databases a benchmark runs on: a PGlite always (in memory unless told otherwise), and a scratch
// PostgreSQL database when BENCH_DATABASE_URL or TEST_DATABASE_URL is set.
import { openDatabase, type Database, type DatabaseTarget } from '../db/client.js';
import { createScratchDatabase } from '../test/helpers/engines.js';

export async function onEachBenchDatabase(
  run: (label: string, database: Database) => Promise<void>,
  options: { pglite?: DatabaseTarget; pgliteLabel?: string } = {},
): Promise<void> {
  const pglite = await openDatabase(options.pglite ?? { kind: 'pglite-memory' });
  try {
    await run(options.pgliteLabel ?? 'PGlite', pglite);
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
