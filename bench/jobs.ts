// SLA watcher cost: one pass over a workspace with `open` unanswered tickets
// (half linked to a channel), first when every alert is due (claims and posts),
// then in the steady state every five-minute tick sees (everything already
// alerted). PGlite, and PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL is set.
import { randomBytes } from 'node:crypto';
import { contextFor } from '../commands/context.js';
import type { Database } from '../db/client.js';
import { accountChannels, accounts, sequences, tickets } from '../db/schema.js';
import { DEFAULT_BUSINESS_HOURS, slaDueAt, type Severity } from '../src/core/sla.js';
import { runSlaWatch } from '../src/jobs/sla-watch.js';
import { onEachBenchDatabase } from './engines.js';
import { summarize } from './stats.js';

const quiet = { info: () => undefined, warn: () => undefined, error: (d: Record<string, unknown>, m: string) => console.error(m, d) };

async function run(label: string, database: Database, open: number, passes: number): Promise<void> {
  const now = new Date('2026-11-25T12:00:00Z');
  const ctx = await contextFor(
    database.db,
    { platform: 'console', workspaceExternalId: `bench-${randomBytes(3).toString('hex')}`, workspaceName: 'Bench', defaultTimezone: 'UTC', userId: 'ana', userName: 'ana', channelId: 'general' },
    now,
  );
  const workspaceId = ctx.workspace.id;
  const accountRows = await database.db
    .insert(accounts)
    .values(Array.from({ length: 100 }, (_, i) => ({ workspaceId, name: `Bench Account ${i}`, ownerUserId: ctx.user.id })))
    .returning({ id: accounts.id });
  await database.db.insert(accountChannels).values(accountRows.slice(0, 50).map((a, i) => ({ workspaceId, accountId: a.id, channelId: `bench-${i}` })));
  const severities: Severity[] = ['critical', 'major', 'minor', 'cosmetic'];
  const hours = { ...DEFAULT_BUSINESS_HOURS, timezone: 'UTC' };
  for (let i = 0; i < open; i += 500) {
    const rows = Array.from({ length: Math.min(500, open - i) }, (_, j) => {
      const n = i + j;
      // Opened over the last three days: most are past their deadline, some at 80%, some still early.
      const openedAt = new Date(now.getTime() - ((n * 7919) % (3 * 24 * 60)) * 60_000);
      const severity = severities[n % 4]!;
      return { workspaceId, number: n + 1, accountId: accountRows[n % accountRows.length]!.id, severity, title: `Bench ticket ${n}`, openedAt, slaDueAt: slaDueAt(openedAt, severity, hours) };
    });
    await database.db.insert(tickets).values(rows);
  }
  await database.db.insert(sequences).values({ workspaceId, name: 'ticket', value: open });

  let posted = 0;
  const deps = { db: database.db, deliveries: { console: { post: async () => void posted++ } }, logger: quiet };
  // Catch-up: a pass handles at most 1,000 tickets per workspace, so a backlog takes a few passes.
  const first = performance.now();
  const result = { passes: 0, warnings: 0, breaches: 0, skipped: 0 };
  for (;;) {
    const pass = await runSlaWatch(deps, now);
    result.passes++;
    result.warnings += pass.warnings;
    result.breaches += pass.breaches;
    result.skipped += pass.skipped;
    if (pass.warnings + pass.breaches + pass.skipped === 0) break;
  }
  const firstMs = performance.now() - first;
  const samples: number[] = [];
  for (let i = 0; i < passes; i++) {
    const began = performance.now();
    await runSlaWatch(deps, now);
    samples.push(performance.now() - began);
  }
  console.log(
    `${label}: ${open} unanswered tickets — catching up took ${result.passes} passes, ${Math.round(firstMs)} ms (${result.warnings} warnings, ${result.breaches} breaches posted, ${result.skipped} skipped: no channel)`,
  );
  console.log(`  steady-state pass (all alerted), ms`, summarize(samples), `posts after the first pass: ${posted - result.warnings - result.breaches}`);
}

export async function benchJobs(open = 2000, passes = 20): Promise<void> {
  await onEachBenchDatabase((label, database) => run(label, database, open, passes));
}
