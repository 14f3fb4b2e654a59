// PSA sync benchmark: the first import of 50,000 tickets (500 companies, ten of them
// unmatched) from a local ConnectWise PSA (test/psa/fake-connectwise.ts) — the dry-run
// preview, then the import page by page — and then a burst of 1,000 signed callbacks
// (half new tickets, half changes; 50 at a time) into the webhook route on a real HTTP
// server. On PGlite always and PostgreSQL when BENCH_DATABASE_URL / TEST_DATABASE_URL is
// set. PSA_BENCH_TICKETS makes the import smaller for a quick look.
import type { Server } from 'node:http';
import { ensureWorkspace, ensureUser } from '../src/core/workspaces.js';
import { createAccount } from '../src/core/accounts.js';
import { countSyncedTickets } from '../src/core/psa-sync.js';
import { createHttpApp } from '../src/http/server.js';
import { createLogger } from '../src/log.js';
import { confirmImport, previewAndSave } from '../src/psa/setup.js';
import { psaWebhookRouter } from '../src/psa/webhook-router.js';
import type { Database } from '../db/client.js';
import { closeNow } from '../test/helpers/loopback-server.js';
import { FakeConnectwise } from '../test/psa/fake-connectwise.js';
import type { FakePriority } from '../test/psa/fake-psa.js';
import { onEachBenchDatabase } from './engines.js';

const TICKETS = Number(process.env.PSA_BENCH_TICKETS ?? 50_000);
const COMPANIES = 500;
const UNMATCHED = 10;
const WEBHOOKS = 1_000;
const CONCURRENCY = 50;
const KEY = Buffer.alloc(32, 9);
const PRIORITIES: FakePriority[] = ['critical', 'major', 'minor', 'cosmetic'];
const MB = (n: number) => Math.round(n / 1_048_576);
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function seed(fake: FakeConnectwise): void {
  fake.setCompanies(Array.from({ length: COMPANIES }, (_, i) => ({ id: 1000 + i, name: `Customer ${i}` })));
  const start = Date.UTC(2026, 0, 5, 8);
  for (let i = 0; i < TICKETS; i++) {
    const opened = new Date(start + i * 7 * 60_000);
    const responded = i % 3 === 0 ? null : new Date(opened.getTime() + 40 * 60_000).toISOString();
    const resolved = i % 2 === 0 ? new Date(opened.getTime() + 5 * 3_600_000).toISOString() : null;
    fake.put({
      id: 100_000 + i,
      company: { id: 1000 + (i % COMPANIES), name: `Customer ${i % COMPANIES}` },
      priority: PRIORITIES[i % 4]!,
      openedAt: opened.toISOString(),
      respondedAt: responded,
      resolvedAt: resolved,
      updatedAt: resolved ?? responded ?? opened.toISOString(),
    });
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function run(label: string, database: Database, fake: FakeConnectwise): Promise<void> {
  const db = database.db;
  const ws = await ensureWorkspace(db, { platform: 'console', externalId: 'psa-bench', name: 'PSA bench', timezone: 'UTC' });
  const admin = await ensureUser(db, ws.id, { platformUserId: 'ana', displayName: 'ana' });
  for (let i = 0; i < COMPANIES - UNMATCHED; i++) await createAccount(db, ws.id, { name: `Customer ${i}` }, { userId: null, now: new Date(), label: 'bench' });
  const now = new Date('2026-12-01T10:00:00Z');
  globalThis.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);

  let began = performance.now();
  const { preview, connection } = await previewAndSave(db, ws.id, { connector: 'connectwise', credentials: fake.form(), key: KEY }, { userId: admin.id, now });
  const previewMs = performance.now() - began;
  began = performance.now();
  const imported = await confirmImport(db, connection, { actor: { userId: admin.id, now } });
  const importMs = performance.now() - began;
  clearInterval(sampler);
  const counts = await countSyncedTickets(db, ws.id, 'connectwise');
  console.log(
    `${label}: preview "${preview.tickets} tickets from ${preview.companies} companies; ${preview.unmatched.length} unmatched" in ${(previewMs / 1000).toFixed(1)} s; ` +
      `import of ${imported.pages} pages in ${(importMs / 1000).toFixed(1)} s (${Math.round(TICKETS / (importMs / 1000))} tickets/s): ` +
      `${counts.synced} synced, ${counts.aside} kept aside, ${counts.events} ticket events; RSS ${MB(base)} → peak ${MB(peak)} MB`,
  );

  // The burst: the route on a real server, callbacks signed as ConnectWise signs them.
  const clock = () => now;
  const server: Server = createHttpApp({ database, logger: createLogger('silent'), routers: [psaWebhookRouter({ db, key: KEY, logger: quiet, clock })] }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/psa/webhooks/${connection.id}`;
  const calls = Array.from({ length: WEBHOOKS }, (_, i) => {
    const id = i % 2 === 0 ? 900_000 + i : 100_000 + i;
    fake.put({ id, company: { id: 1000 + (i % COMPANIES), name: `Customer ${i % COMPANIES}` }, title: `Burst ${i}`, priority: PRIORITIES[i % 4]!, openedAt: '2026-12-01T09:00:00Z', updatedAt: '2026-12-01T09:59:00Z' });
    return fake.callback(id, { action: i % 2 === 0 ? 'added' : 'updated' });
  });
  const latencies: number[] = [];
  const outcomes = new Map<string, number>();
  began = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < calls.length) {
        const call = calls[next++]!;
        const t = performance.now();
        const response = await fetch(url, { method: 'POST', headers: call.headers, body: call.body });
        const outcome = response.ok ? String(((await response.json()) as { outcome: string }).outcome) : `HTTP ${response.status}`;
        latencies.push(performance.now() - t);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
    }),
  );
  const burstMs = performance.now() - began;
  await closeNow(server);
  latencies.sort((a, b) => a - b);
  console.log(
    `${label}: ${WEBHOOKS} callbacks (${CONCURRENCY} at a time) in ${(burstMs / 1000).toFixed(1)} s (${Math.round(WEBHOOKS / (burstMs / 1000))}/s), ` +
      `latency p50 ${Math.round(percentile(latencies, 50))} ms, p95 ${Math.round(percentile(latencies, 95))} ms, max ${Math.round(latencies.at(-1)!)} ms; ` +
      [...outcomes].map(([k, v]) => `${v} ${k}`).join(', '),
  );
}

export async function benchPsaSync(): Promise<void> {
  console.log(`\nPSA sync: first import of ${TICKETS.toLocaleString('en-US')} tickets from a local ConnectWise PSA, then a burst of ${WEBHOOKS} callbacks`);
  await onEachBenchDatabase(async (label, database) => {
    const fake = await new FakeConnectwise().start();
    try {
      seed(fake);
      await run(label, database, fake);
    } finally {
      await fake.stop();
    }
  });
}
