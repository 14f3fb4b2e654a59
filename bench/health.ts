// Portfolio health at scale: 10,000 accounts, 1,000,000 check-ins, 100,000 tickets,
// 200,000 survey responses (plus 30,000 spend readings), seeded set-based with
// generate_series (bench/seed.ts). Times every account's health (the three set-based
// statements of src/core/health-inputs.ts, which read the last touch and spend roll-ups
// kept on the account and the survey answer roll-up, plus scoring in JS) beside the floor:
// one hand-written aggregate that reads the same tables once. `npm run bench health`;
// BENCH_HEALTH_ACCOUNTS scales it down for a quick look.
import { sql } from 'drizzle-orm';
import { queryRows } from '../db/client.js';
import { portfolioHealth } from '../src/core/health-inputs.js';
import { onEachBenchDatabase } from './engines.js';
import { seedPortfolio } from './seed.js';
import { summarize } from './stats.js';

const ACCOUNTS = Number(process.env.BENCH_HEALTH_ACCOUNTS ?? 10_000);
const PASSES = 9;

/** The floor: one aggregate over the same rows the health query reads, nothing per account. */
function floorQuery(ws: string, now: Date) {
  const nowIso = now.toISOString();
  return sql`select
      (select count(*) from checkins where workspace_id = ${ws} and occurred_at <= ${nowIso}::timestamptz) as checkins,
      (select count(*) from tickets where workspace_id = ${ws}) as tickets,
      (select count(*) from survey_responses where workspace_id = ${ws} and score is not null) as responses,
      (select count(*) from usage_readings where workspace_id = ${ws}) as readings,
      (select count(*) from accounts where workspace_id = ${ws}) as accounts`;
}

/** V8's collector, when node runs with --expose-gc (`npm run bench` does). */
const collect = (globalThis as { gc?: () => void }).gc;

/**
 * Times both in alternation (health, floor, health, floor, …) after a warm-up of each,
 * so a checkpoint or autovacuum after the bulk seed weighs on both alike. Each timing
 * ends with a full garbage collection: every pass pays for the garbage it made, instead
 * of the next pass paying for it (without this, the floor — one row out — was timed at
 * twice its cost, collecting the 10,000 results health had just dropped).
 */
async function timeBoth(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number[], number[]]> {
  await a();
  await b();
  collect?.();
  const samples: [number[], number[]] = [[], []];
  for (let i = 0; i < PASSES; i++) {
    for (const [k, fn] of [a, b].entries()) {
      const began = performance.now();
      await fn();
      collect?.();
      samples[k]!.push(performance.now() - began);
    }
  }
  return samples;
}

export async function benchHealth(): Promise<void> {
  console.log(`\nPortfolio health: ${ACCOUNTS} accounts, ${ACCOUNTS * 100} check-ins, ${ACCOUNTS * 10} tickets, ${ACCOUNTS * 20} survey responses (median of ${PASSES} alternating passes, each including a full GC of its own garbage${collect ? "" : " — run with --expose-gc for that"})`);
  const now = new Date('2026-11-23T10:00:00Z');
  await onEachBenchDatabase(async (label, database) => {
    const seeding = performance.now();
    const ws = (await seedPortfolio(database.db, { accounts: ACCOUNTS, now })).workspaceId;
    const seeded = Math.round(performance.now() - seeding);
    let count = 0;
    const [healthSamples, floorSamples] = await timeBoth(
      async () => (count = (await portfolioHealth(database.db, ws, { now, timezone: 'UTC' })).length),
      () => queryRows(database.db, floorQuery(ws, now)),
    );
    const health = summarize(healthSamples);
    const floor = summarize(floorSamples);
    console.log(
      `${label}: every account's health ${health.p50.toFixed(0)} ms (p95 ${health.p95.toFixed(0)}) for ${count} accounts · floor (one aggregate over the same tables) ${floor.p50.toFixed(0)} ms · ratio ${(health.p50 / floor.p50).toFixed(2)}× · seeding ${seeded} ms`,
    );
  });
}
