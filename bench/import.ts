// CSV import benchmark: a 100,000-row usage file (200 accounts × 500 days) through
// the same importer `npm run import` uses, on PGlite (on disk, as `npm start` uses it)
// and on PostgreSQL when BENCH_DATABASE_URL / TEST_DATABASE_URL is set. Reports wall
// time, rows/s and memory: RSS and heap sampled every 20 ms, as growth over the
// baseline, so a streamed import shows flat memory while a loaded-whole one would not.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Database } from '../db/client.js';
import { ensureWorkspace } from '../src/core/workspaces.js';
import { importCsv } from '../src/data/import.js';
import { onEachBenchDatabase } from './engines.js';

const ACCOUNTS = 200;
const DAYS = 500;
const MB = (n: number) => Math.round(n / 1_048_576);

async function writeFiles(dir: string): Promise<{ accounts: string; usage: string }> {
  const accounts = path.join(dir, 'accounts.csv');
  const lines = ['Company Name,Customer ID,Licensed Users'];
  for (let a = 0; a < ACCOUNTS; a++) lines.push(`"Customer ${a}, Ltd",C-${a},${100 + a}`);
  const accountsOut = createWriteStream(accounts);
  accountsOut.end(`${lines.join('\r\n')}\r\n`);
  await once(accountsOut, 'finish');
  const usage = path.join(dir, 'usage.csv');
  const out = createWriteStream(usage);
  out.write('Customer ID,Date,Active Users,Licensed Users,Spend,Forecast\r\n');
  const start = Date.UTC(2025, 0, 1);
  for (let d = 0; d < DAYS; d++) {
    const day = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
    for (let a = 0; a < ACCOUNTS; a++) {
      if (!out.write(`C-${a},${day},${(a + d) % 100},${100 + a},$${1000 + ((a * d) % 500)}.25,1200\r\n`)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
  return { accounts, usage };
}

async function run(label: string, database: Database, files: { accounts: string; usage: string }): Promise<void> {
  const ws = await ensureWorkspace(database.db, { platform: 'console', externalId: 'bench', name: 'Bench', timezone: 'UTC' });
  const actor = { userId: null, now: new Date(), label: 'bench' };
  await importCsv(database.db, ws.id, createReadStream(files.accounts), { actor });
  globalThis.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const began = performance.now();
  const report = await importCsv(database.db, ws.id, createReadStream(files.usage), { actor, source: 'csv' });
  const ms = performance.now() - began;
  clearInterval(sampler);
  console.log(
    `${label}: ${report.rows} rows (${report.created} created, ${report.errorCount} errors) in ${(ms / 1000).toFixed(1)} s ` +
      `(${Math.round(report.rows / (ms / 1000))} rows/s); RSS ${MB(base.rss)} → peak ${MB(peakRss)} MB (+${MB(peakRss - base.rss)}), ` +
      `heap ${MB(base.heapUsed)} → peak ${MB(peakHeap)} MB; process max RSS ${MB(process.resourceUsage().maxRSS * 1024)} MB`,
  );
}

export async function benchImport(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tenure-bench-import-'));
  try {
    const files = await writeFiles(dir);
    console.log(`\nCSV import: ${ACCOUNTS * DAYS} usage rows, ${MB(statSync(files.usage).size)} MB file`);
    await onEachBenchDatabase((label, database) => run(label, database, files), { pglite: { kind: 'pglite', dataDir: path.join(dir, 'data') }, pgliteLabel: 'PGlite (on disk)' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
