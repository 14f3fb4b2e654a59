// accounts.last_touch_at is kept by statement-level triggers on checkins (migration
// 0002): inserts (one or many at once, backdated or not), edits and deletions, on every
// engine; and the health inputs as of an earlier moment still find the touch before it.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, checkins } from '../../db/schema.js';
import { portfolioHealth } from '../../src/core/health-inputs.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const day = (d: string) => new Date(`${d}T12:00:00Z`);

describe.each(ENGINES)('last touch on the account, on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  it('follows inserts, backdated inserts, bulk inserts, edits and deletions', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await t.registry.run(ctx, '/account add Acme');
    await t.registry.run(ctx, '/account add Globex');
    const ids = Object.fromEntries((await db().select().from(accounts).where(eq(accounts.workspaceId, ctx.workspace.id))).map((a) => [a.name, a.id]));
    const lastTouch = async (name: string) => (await db().select({ at: accounts.lastTouchAt }).from(accounts).where(eq(accounts.id, ids[name]!)))[0]!.at?.toISOString() ?? null;
    const touch = (name: string, d: string) => ({ workspaceId: ctx.workspace.id, accountId: ids[name]!, type: 'call' as const, occurredAt: day(d), notes: 'n' });

    expect(await lastTouch('Acme')).toBeNull();
    await t.registry.run(ctx, '/checkin Acme call kickoff prep date=2026-11-10');
    expect((await lastTouch('Acme'))!.slice(0, 10)).toBe('2026-11-10');
    // A backdated touch does not move it back.
    await db().insert(checkins).values(touch('Acme', '2026-09-01'));
    expect((await lastTouch('Acme'))!.slice(0, 10)).toBe('2026-11-10');
    // Many rows for two accounts in one statement.
    await db().insert(checkins).values([touch('Acme', '2026-11-15'), touch('Globex', '2026-10-01'), touch('Globex', '2026-10-20'), touch('Acme', '2026-11-12')]);
    expect((await lastTouch('Acme'))!.slice(0, 10)).toBe('2026-11-15');
    expect((await lastTouch('Globex'))!.slice(0, 10)).toBe('2026-10-20');
    // Deleting the latest falls back to the one before; editing a date recomputes.
    await db().delete(checkins).where(eq(checkins.occurredAt, day('2026-11-15')));
    expect((await lastTouch('Acme'))!.slice(0, 10)).toBe('2026-11-12');
    await db().update(checkins).set({ occurredAt: day('2026-10-05') }).where(eq(checkins.occurredAt, day('2026-10-20')));
    expect((await lastTouch('Globex'))!.slice(0, 10)).toBe('2026-10-05');
    // Moving a check-in to another account updates both.
    await db().update(checkins).set({ accountId: ids.Globex! }).where(eq(checkins.occurredAt, day('2026-11-12')));
    expect((await lastTouch('Globex'))!.slice(0, 10)).toBe('2026-11-12');
    expect((await lastTouch('Acme'))!.slice(0, 10)).toBe('2026-11-10');
    await db().delete(checkins).where(eq(checkins.accountId, ids.Acme!));
    expect(await lastTouch('Acme')).toBeNull();

    // The inputs as of 2026-11-01 see Globex's touch of 2026-10-05, not the later one.
    const earlier = await portfolioHealth(db(), ctx.workspace.id, { now: day('2026-11-01'), timezone: 'UTC' });
    expect(earlier.find((a) => a.name === 'Globex')!.inputs.lastTouchDay).toBe('2026-10-05');
    const current = await portfolioHealth(db(), ctx.workspace.id, { now: NOW, timezone: 'UTC' });
    expect(current.find((a) => a.name === 'Globex')!.inputs.lastTouchDay).toBe('2026-11-12');
    expect(current.find((a) => a.name === 'Acme')!.inputs.lastTouchDay).toBeNull();
  });
});
