// The database layer on every engine: migrations, constraints the domain relies
// on, per-workspace counters, raw queries, and the demo seed.
import { and, count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, runMigrations, type Database } from '../../db/client.js';
import * as schema from '../../db/schema.js';
import { seedDemoWorkspace } from '../../src/demo/seed.js';
import { ensureWorkspace, nextNumber } from '../../src/core/workspaces.js';
import { ENGINES } from '../helpers/engines.js';

const TABLES = [
  'account_channels', 'accounts', 'api_tokens', 'arr_history', 'audit_log', 'channel_settings', 'checkins', 'contacts', 'conversation_refs', 'health_snapshots',
  'idempotency_keys', 'installations', 'job_runs', 'psa_companies', 'psa_connections', 'psa_tickets', 'renewal_outcomes', 'sequences', 'survey_answer_days', 'survey_responses', 'surveys', 'ticket_events',
  'tickets', 'usage_readings', 'users', 'workspaces',
];

describe.each(ENGINES)('database on $name', (engine) => {
  let database: Database;
  let release: () => Promise<void>;

  beforeAll(async () => {
    ({ database, release } = await engine.open());
  });
  afterAll(async () => release());

  const workspace = (id: string) => ensureWorkspace(database.db, { platform: 'slack', externalId: id, name: id, timezone: 'UTC' });

  it('creates every table of the domain, and migrating again changes nothing', async () => {
    const tables = async () =>
      (await queryRows<{ table_name: string }>(database.db, sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`)).map(
        (r) => r.table_name,
      );
    expect(await tables()).toEqual(TABLES);
    await runMigrations(database);
    expect(await tables()).toEqual(TABLES);
  });

  it('enforces one account name per workspace regardless of case, across workspaces independently', async () => {
    const a = await workspace('T-case-a');
    const b = await workspace('T-case-b');
    await database.db.insert(schema.accounts).values({ workspaceId: a.id, name: 'Acme Corp' });
    await expect(database.db.insert(schema.accounts).values({ workspaceId: a.id, name: 'ACME CORP' })).rejects.toThrow();
    await database.db.insert(schema.accounts).values({ workspaceId: b.id, name: 'ACME CORP' });
  });

  it('keeps one row per (job, period) in the ledger', async () => {
    const values = { jobName: 'digest', periodKey: 'C1:2026-W48', startedAt: new Date() };
    await database.db.insert(schema.jobRuns).values(values);
    const again = await database.db.insert(schema.jobRuns).values(values).onConflictDoNothing().returning();
    expect(again).toEqual([]);
  });

  it('hands out short ids 1…n per workspace without gaps or repeats under concurrency', async () => {
    const a = await workspace('T-seq-a');
    const b = await workspace('T-seq-b');
    const numbers = await Promise.all(Array.from({ length: 25 }, () => database.db.transaction((tx) => nextNumber(tx, a.id, 'ticket'))));
    expect([...numbers].sort((x, y) => x - y)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(await nextNumber(database.db, b.id, 'ticket')).toBe(1);
    expect(await nextNumber(database.db, a.id, 'survey')).toBe(1);
  });

  it('stores money as exact integer cents, far beyond 32 bits', async () => {
    const ws = await workspace('T-money');
    const [row] = await database.db.insert(schema.accounts).values({ workspaceId: ws.id, name: 'Big', arrCents: 9_007_199_254_740_991 }).returning();
    expect(row!.arrCents).toBe(9_007_199_254_740_991);
    const [read] = await database.db.select().from(schema.accounts).where(eq(schema.accounts.id, row!.id));
    expect(read!.arrCents).toBe(9_007_199_254_740_991);
  });

  it('reads raw query rows the same way on both drivers', async () => {
    const rows = await queryRows<{ n: number; s: string }>(database.db, sql`select 1::int as n, ${"it's"} as s`);
    expect(rows).toEqual([{ n: 1, s: "it's" }]);
  });

  it('rolls back a failed transaction completely', async () => {
    const ws = await workspace('T-tx');
    await expect(
      database.db.transaction(async (tx) => {
        await tx.insert(schema.accounts).values({ workspaceId: ws.id, name: 'Half' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const [n] = await database.db.select({ n: count() }).from(schema.accounts).where(eq(schema.accounts.workspaceId, ws.id));
    expect(n!.n).toBe(0);
  });

  it('seeds the demo workspace once, with six months of history in every table a feature reads', async () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const ws = await ensureWorkspace(database.db, { platform: 'console', externalId: 'demo-test', name: 'Demo', timezone: 'Europe/London' });
    const [first, second] = await Promise.all([seedDemoWorkspace(database.db, ws.id, now), seedDemoWorkspace(database.db, ws.id, now)]);
    const results = [first, second].filter(Boolean);
    expect(results).toHaveLength(1);
    expect(results[0]!.accounts).toBe(12);
    expect(await seedDemoWorkspace(database.db, ws.id, now)).toBeNull();

    const countOf = async (table: typeof schema.checkins | typeof schema.tickets | typeof schema.usageReadings | typeof schema.surveyResponses | typeof schema.contacts | typeof schema.accounts) => {
      const [row] = await database.db.select({ n: count() }).from(table).where(eq(table.workspaceId, ws.id));
      return row!.n;
    };
    expect(await countOf(schema.accounts)).toBe(12);
    expect(await countOf(schema.contacts)).toBe(36);
    expect(await countOf(schema.checkins)).toBeGreaterThan(60);
    expect(await countOf(schema.tickets)).toBeGreaterThan(40);
    expect(await countOf(schema.usageReadings)).toBe(72);
    expect(await countOf(schema.surveyResponses)).toBeGreaterThan(20);

    const stages = await database.db.selectDistinct({ stage: schema.accounts.stage }).from(schema.accounts).where(eq(schema.accounts.workspaceId, ws.id));
    expect(stages.map((s) => s.stage).sort()).toEqual(['adopt', 'churned', 'expand', 'land', 'onboard', 'renew']);

    const [oldest] = await database.db
      .select({ at: sql<string>`min(${schema.checkins.occurredAt})` })
      .from(schema.checkins)
      .where(eq(schema.checkins.workspaceId, ws.id));
    const days = (now.getTime() - new Date(oldest!.at).getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(150);
    expect(days).toBeLessThanOrEqual(181);

    // Counters continue after the seeded tickets: the next ticket is not #1.
    const [tickets] = await database.db.select({ n: count() }).from(schema.tickets).where(eq(schema.tickets.workspaceId, ws.id));
    expect(await nextNumber(database.db, ws.id, 'ticket')).toBe(tickets!.n + 1);
    const open = await database.db
      .select({ n: count() })
      .from(schema.tickets)
      .where(and(eq(schema.tickets.workspaceId, ws.id), eq(schema.tickets.status, 'open')));
    expect(open[0]!.n).toBeGreaterThan(3);
  });
});

describe('PGlite settings', () => {
  it('runs PGlite with 32 MB of shared buffers, not 128 MB resident from the start', async () => {
    const { database, release } = await ENGINES.find((e) => e.name === 'pglite')!.open();
    try {
      const [row] = await queryRows<{ shared_buffers: string }>(database.db, sql`show shared_buffers`);
      expect(row!.shared_buffers).toBe('32MB');
      // PGlite's own parameters still apply (search_path among them).
      const [path] = await queryRows<{ search_path: string }>(database.db, sql`show search_path`);
      expect(path!.search_path).toBe('public');
    } finally {
      await release();
    }
  });
});
