// The benchmarks' large portfolio, seeded set-based with generate_series so even the
// full size (10,000 accounts, 1,000,000 check-ins, 100,000 tickets, 200,000 survey
// responses, 30,000 spend readings) takes seconds, not minutes. Shared by the health
// query benchmark (bench/health.ts) and the HTTP load benchmark (bench/http-load.ts).
// Accounts are named "Account 1" … "Account N", owned by the seeding user.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { contextFor, type PlatformIdentity } from '../commands/context.js';
import type { Db } from '../db/client.js';

export interface PortfolioSeed {
  /** How many accounts; every other table scales with it. */
  accounts: number;
  now: Date;
  /** Whose workspace (and which user owns the accounts); a fresh console workspace by default. */
  identity?: PlatformIdentity;
}

export interface SeededPortfolio {
  workspaceId: string;
  userId: string;
}

export async function seedPortfolio(db: Db, seed: PortfolioSeed): Promise<SeededPortfolio> {
  const { now } = seed;
  const identity: PlatformIdentity = seed.identity ?? {
    platform: 'console',
    workspaceExternalId: `bench-${randomBytes(3).toString('hex')}`,
    workspaceName: 'Bench',
    defaultTimezone: 'UTC',
    userId: 'ana',
    userName: 'ana',
    channelId: 'general',
  };
  const ctx = await contextFor(db, identity, now);
  const ws = ctx.workspace.id;
  const nowIso = now.toISOString();
  await db.execute(sql`insert into accounts (workspace_id, name, arr_cents, renewal_date, licensed_users, active_users, stage, owner_user_id, created_at, updated_at)
    select ${ws}, 'Account ' || g, (g % 200 + 10) * 100000, (${nowIso}::date + (g % 400))::date, 100, g % 100, 'adopt', ${ctx.user.id}, ${nowIso}::timestamptz - interval '400 days', ${nowIso}::timestamptz
    from generate_series(1, ${seed.accounts}) g`);
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
  // The steady state autovacuum reaches within minutes of a bulk load: statistics for
  // the planner and the visibility map that lets index-only scans skip the heap.
  await db.execute(sql`vacuum analyze`);
  // And the bulk load's dirty pages written out now, not by the checkpointer during the
  // measurement, where it slowed whatever read the big tables (the floor scans every
  // check-in; health reads roll-ups) and made the same-run ratio flatter than it is.
  await db.execute(sql`checkpoint`);
  return { workspaceId: ws, userId: ctx.user.id };
}
