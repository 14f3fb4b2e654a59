// Portfolio health at scale: 10,000 accounts, 1,000,000 check-ins, 100,000 tickets,
// 200,000 survey responses (plus 30,000 spend readings), seeded set-based with
// generate_series. Times every account's health (the one set-based query of
// src/core/health-inputs.ts plus scoring in JS) beside the floor: one hand-written
// aggregate that reads the same tables once. `npm run bench health`;
// BENCH_HEALTH_ACCOUNTS scales it down for a quick look.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { contextFor } from '../commands/context.js';
import { queryRows, type Database } from '../db/client.js';
import { portfolioHealth } from '../src/core/health-inputs.js';
import { onEachBenchDatabase } from './engines.js';
import { summarize } from './stats.js';

const ACCOUNTS = Number(process.env.BENCH_HEALTH_ACCOUNTS ?? 10_000);
const PASSES = 5;

async function seed(database: Database, now: Date): Promise<string> {
  const ctx = await contextFor(
    database.db,
    { platform: 'console', workspaceExternalId: `bench-${randomBytes(3).toString('hex')}`, workspaceName: 'Bench', defaultTimezone: 'UTC', userId: 'ana', userName: 'ana', channelId: 'general' },
    now,
  );
  const ws = ctx.workspace.id;
  const nowIso = now.toISOString();
  const db = database.db;
  await db.execute(sql`insert into accounts (workspace_id, name, arr_cents, renewal_date, licensed_users, active_users, stage, owner_user_id, created_at, updated_at)
    select ${ws}, 'Account ' || g, (g % 200 + 10) * 100000, (${nowIso}::date + (g % 400))::date, 100, g % 100, 'adopt', ${ctx.user.id}, ${nowIso}::timestamptz - interval '400 days', ${nowIso}::timestamptz
    from generate_series(1, ${ACCOUNTS}) g`);
  // 100 check-ins per account over the last two years.
  await db.execute(sql`insert into checkins (workspace_id, account_id, type, occurred_at, notes)
    select ${ws}, a.id, 'call', ${nowIso}::timestamptz - ((g * 7 + length(a.name)) % 730) * interval '1 day', 'bench'
    from accounts a cross join generate_series(1, 100) g where a.workspace_id = ${ws}`);
  // 10 tickets per account: a quarter still open, some answered late.
  await db.execute(sql`insert into tickets (workspace_id, number, account_id, severity, title, status, opened_at, sla_due_at, first_response_at)
    select ${ws}, row_number() over (), a.id, (array['critical','major','minor','cosmetic'])[g % 4 + 1], 'bench',
      case when g % 4 = 0 then 'open' else 'resolved' end,
      ${nowIso}::timestamptz - (g * 17) * interval '1 day', ${nowIso}::timestamptz - (g * 17) * interval '1 day' + interval '4 hours',
      case when g % 3 = 0 then null else ${nowIso}::timestamptz - (g * 17) * interval '1 day' + (g % 6) * interval '1 hour' end
    from accounts a cross join generate_series(1, 10) g where a.workspace_id = ${ws}`);
  // One NPS and one CSAT survey per account, 10 answers each: 200,000 responses.
  await db.execute(sql`insert into surveys (workspace_id, number, account_id, kind, opened_at, closes_at, status)
    select ${ws}, row_number() over (), a.id, k.kind, ${nowIso}::timestamptz - interval '30 days', ${nowIso}::timestamptz - interval '23 days', 'closed'
    from accounts a cross join (values ('nps'), ('csat')) k(kind) where a.workspace_id = ${ws}`);
  await db.execute(sql`insert into survey_responses (workspace_id, survey_id, respondent_key, question, score, answered_at)
    select ${ws}, s.id, 'user:' || g, case when s.kind = 'nps' then 'nps' else 'q' || (g % 3 + 1) end,
      case when s.kind = 'nps' then (g * 3 + length(s.id::text)) % 11 else g % 5 + 1 end, ${nowIso}::timestamptz - interval '25 days'
    from surveys s cross join generate_series(1, 10) g where s.workspace_id = ${ws}`);
  await db.execute(sql`insert into usage_readings (workspace_id, account_id, recorded_at, spend_cents, forecast_cents)
    select ${ws}, a.id, ${nowIso}::timestamptz - g * interval '30 days', 1000000 - g * 10000, 1000000
    from accounts a cross join generate_series(1, 3) g where a.workspace_id = ${ws}`);
  await db.execute(sql`analyze`);
  return ws;
}

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

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < PASSES; i++) {
    const began = performance.now();
    await fn();
    samples.push(performance.now() - began);
  }
  return samples;
}

export async function benchHealth(): Promise<void> {
  console.log(`\nPortfolio health: ${ACCOUNTS} accounts, ${ACCOUNTS * 100} check-ins, ${ACCOUNTS * 10} tickets, ${ACCOUNTS * 20} survey responses (median of ${PASSES} passes)`);
  const now = new Date('2026-11-23T10:00:00Z');
  await onEachBenchDatabase(async (label, database) => {
    const seeding = performance.now();
    const ws = await seed(database, now);
    const seeded = Math.round(performance.now() - seeding);
    let count = 0;
    const health = summarize(await time(async () => (count = (await portfolioHealth(database.db, ws, { now, timezone: 'UTC' })).length)));
    const floor = summarize(await time(() => queryRows(database.db, floorQuery(ws, now))));
    console.log(
      `${label}: every account's health ${health.p50.toFixed(0)} ms (p95 ${health.p95.toFixed(0)}) for ${count} accounts · floor (one aggregate over the same tables) ${floor.p50.toFixed(0)} ms · ratio ${(health.p50 / floor.p50).toFixed(2)}× · seeding ${seeded} ms`,
    );
  });
}
