// recordUsage on every engine: readings go in across batches with one audit entry
// per account per recording; dated readings are skipped when sent again; a reading
// taken now is always stored and its seat counts become the account's.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { accounts, auditLog, usageReadings } from '../../db/schema.js';
import { recordCurrentUsage, recordUsage, type UsageReading } from '../../src/core/usage.js';
import { ENGINES, onDatabase } from '../helpers/engines.js';
import { newContext } from '../helpers/context.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const HOUR = 3_600_000;
/** Rows of one statement or one instant come back in no set order, and jsonb keeps no key order. */
const canonical = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v));
const unordered = (rows: unknown[]) => rows.map(canonical).sort();

describe.each(ENGINES)('recordUsage on $name', (engine) => {
  let database: Database;
  onDatabase(engine, (opened) => (database = opened));

  async function setUp(names: string[]) {
    const ctx = await newContext(database.db, { now: NOW });
    const ids: string[] = [];
    for (const name of names) {
      const [row] = await database.db.insert(accounts).values({ workspaceId: ctx.workspace.id, name, licensedUsers: 100, activeUsers: 50 }).returning();
      ids.push(row!.id);
    }
    const audit = () => database.db.select().from(auditLog).where(eq(auditLog.workspaceId, ctx.workspace.id));
    const readings = () => database.db.select().from(usageReadings).where(eq(usageReadings.workspaceId, ctx.workspace.id));
    return { ctx, ids, audit, readings, actor: { userId: null, now: NOW, label: 'CSV import (test)' } };
  }

  it('writes readings past one batch, audits once per account, and skips dated readings sent again', async () => {
    const { ctx, ids, audit, readings, actor } = await setUp(['Acme', 'Globex']);
    // 2,400 readings: three batches, each account in every one of them.
    const batch: UsageReading[] = Array.from({ length: 2_400 }, (_, i) => ({
      accountId: ids[i % 2]!,
      recordedAt: new Date(NOW.getTime() - Math.floor(i / 2) * HOUR),
      activeUsers: i % 100,
      licensedUsers: null,
      spendCents: 1_000,
      forecastCents: null,
    }));
    // The same account and instant twice in one recording: the second is a repeat.
    const first = await recordUsage(database.db, ctx.workspace.id, [...batch, { ...batch[0]!, activeUsers: 99 }], actor, { source: 'csv', skipRepeats: true });
    expect(first).toEqual({ written: 2_400, alreadyStored: 0 });
    expect(await readings()).toHaveLength(2_400);
    const entries = await audit();
    expect(unordered(entries.map((a) => [a.entityType, a.entityId, a.action, a.actorLabel, a.after]))).toEqual(
      unordered([
        ['account', ids[0], 'import-usage', 'CSV import (test)', { readings: 1_200, source: 'csv' }],
        ['account', ids[1], 'import-usage', 'CSV import (test)', { readings: 1_200, source: 'csv' }],
      ]),
    );

    const again = await recordUsage(database.db, ctx.workspace.id, batch.slice(0, 10), actor, { source: 'csv', skipRepeats: true });
    expect(again).toEqual({ written: 0, alreadyStored: 10 });
    expect(await readings()).toHaveLength(2_400);
    expect(await audit()).toHaveLength(2);
    // The account's seat counts are left as they were: dated readings may be older than them.
    const [acme] = await database.db.select().from(accounts).where(eq(accounts.id, ids[0]!));
    expect(acme).toMatchObject({ licensedUsers: 100, activeUsers: 50 });
  });

  it('stores a reading taken now even at an instant already stored, and makes its seat counts the account’s', async () => {
    const { ctx, ids, audit, readings } = await setUp(['Initech']);
    const actor = { userId: ctx.user.id, now: NOW };
    await recordCurrentUsage(database.db, ctx.workspace.id, { accountId: ids[0]!, activeUsers: 72, licensedUsers: null, spendCents: 1_050_000, forecastCents: 1_000_000 }, actor, 'chat');
    await recordCurrentUsage(database.db, ctx.workspace.id, { accountId: ids[0]!, activeUsers: null, licensedUsers: 120, spendCents: null, forecastCents: null }, actor, 'chat');
    const stored = await readings();
    expect(unordered(stored.map((r) => [r.recordedAt, r.activeUsers, r.licensedUsers, r.spendCents, r.source]))).toEqual(
      unordered([
        [NOW, 72, null, 1_050_000, 'chat'],
        [NOW, null, 120, null, 'chat'],
      ]),
    );
    const [account] = await database.db.select().from(accounts).where(and(eq(accounts.workspaceId, ctx.workspace.id), eq(accounts.id, ids[0]!)));
    expect(account).toMatchObject({ activeUsers: 72, licensedUsers: 120 });
    expect(unordered((await audit()).map((a) => [a.entityType, a.entityId, a.action, a.actorUserId, a.before, a.after]))).toEqual(
      unordered([
        ['account', ids[0], 'import-usage', ctx.user.id, null, { readings: 1, source: 'chat' }],
        ['account', ids[0], 'update', ctx.user.id, { activeUsers: 50 }, { activeUsers: 72 }],
        ['account', ids[0], 'import-usage', ctx.user.id, null, { readings: 1, source: 'chat' }],
        ['account', ids[0], 'update', ctx.user.id, { licensedUsers: 100 }, { licensedUsers: 120 }],
      ]),
    );
  });
});
