// Command latency through the registry (parse → core → database → message) on
// PGlite and, when BENCH_DATABASE_URL or TEST_DATABASE_URL is set, PostgreSQL,
// with the demo portfolio plus `extra` generated accounts.
import { randomBytes } from 'node:crypto';
import { contextFor } from '../commands/context.js';
import { createRegistry } from '../commands/registry.js';
import type { Database } from '../db/client.js';
import { accounts } from '../db/schema.js';
import { seedDemoWorkspace } from '../src/demo/seed.js';
import { onEachBenchDatabase } from './engines.js';
import { summarize } from './stats.js';

async function run(label: string, database: Database, extra: number, iterations: number): Promise<void> {
  const now = new Date();
  const registry = createRegistry({ error: (d, m) => console.error(m, d) });
  const ctx = await contextFor(
    database.db,
    { platform: 'console', workspaceExternalId: `bench-${randomBytes(3).toString('hex')}`, workspaceName: 'Bench', defaultTimezone: 'UTC', userId: 'ana', userName: 'ana', channelId: 'general' },
    now,
  );
  await seedDemoWorkspace(database.db, ctx.workspace.id, now);
  for (let i = 0; i < extra; i += 500) {
    const rows = Array.from({ length: Math.min(500, extra - i) }, (_, j) => ({
      workspaceId: ctx.workspace.id,
      name: `Generated Account ${i + j}`,
      arrCents: 1_000_000 + (i + j) * 100,
      licensedUsers: 100,
      activeUsers: 50 + ((i + j) % 50),
      stage: 'adopt' as const,
    }));
    await database.db.insert(accounts).values(rows);
  }
  const commands = [
    '/account "Acme Corp"',
    '/account list renew',
    '/checkin "Acme Corp" call Benchmark touch sentiment=positive',
    '/account Acme Crop',
    '/ticket "Acme Corp" minor Benchmark ticket',
    '/ticket list',
    '/ticket list all',
    '/ticket 1',
    '/ticket stats',
    '/ticket stats days=365',
  ];
  console.log(`${label} (${12 + extra} accounts, ${iterations} runs each), ms`);
  for (const text of commands) {
    const samples: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const began = performance.now();
      const reply = await registry.run({ ...ctx, now: new Date() }, text);
      samples.push(performance.now() - began);
      if (reply.messages.length === 0 && !reply.form) throw new Error(`no answer to ${text}`);
    }
    console.log(`  ${text.padEnd(62)}`, summarize(samples));
  }
}

export async function benchCommands(extra = 1000, iterations = 300): Promise<void> {
  await onEachBenchDatabase((label, database) => run(label, database, extra, iterations));
}
