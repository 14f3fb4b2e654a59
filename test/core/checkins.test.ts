// logCheckin on every engine: the touch and its audit row are one statement (both or
// neither), the previous touch is the latest strictly before this one, and the
// account's last touch (kept by the checkins trigger) follows.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { accounts, auditLog, checkins } from '../../db/schema.js';
import { logCheckin, type CheckinInput } from '../../src/core/checkins.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext } from '../helpers/context.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const DAY = 86_400_000;

describe.each(ENGINES)('logCheckin on $name', (engine) => {
  let database: Database;
  let release: () => Promise<void>;
  beforeAll(async () => {
    ({ database, release } = await engine.open());
  });
  afterAll(() => release());

  async function setUp() {
    const ctx = await newContext(database.db, { now: NOW });
    const [account] = await database.db.insert(accounts).values({ workspaceId: ctx.workspace.id, name: 'Acme Corp' }).returning();
    const input = (occurredAt: Date, notes = 'Walked through the runbook'): CheckinInput => ({
      accountId: account!.id,
      userId: ctx.user.id,
      type: 'call',
      occurredAt,
      notes,
      sentiment: 'positive',
      nextStepDate: null,
      channelId: 'general',
    });
    const count = async (table: typeof checkins | typeof auditLog) =>
      (await database.db.select({ n: sql<number>`count(*)::int` }).from(table).where(eq(table.workspaceId, ctx.workspace.id)))[0]!.n;
    return { ctx, account: account!, input, count };
  }

  it('writes the touch with one audit row naming it, and reads the previous touch strictly before it', async () => {
    const { ctx, account, input, count } = await setUp();
    const first = await logCheckin(database.db, ctx.workspace.id, input(new Date(NOW.getTime() - 10 * DAY), 'first'), NOW);
    expect(first.previous).toBeUndefined();
    // A touch dated later than the next one logged: the next one's "previous" is the first, not this one.
    await logCheckin(database.db, ctx.workspace.id, input(new Date(NOW.getTime() + DAY), 'later'), NOW);
    const { checkin, previous } = await logCheckin(database.db, ctx.workspace.id, input(NOW), NOW);
    expect(previous?.notes).toBe('first');
    expect(checkin).toMatchObject({ workspaceId: ctx.workspace.id, accountId: account.id, type: 'call', notes: 'Walked through the runbook', sentiment: 'positive', nextStepDate: null });
    expect(checkin.occurredAt).toEqual(NOW);
    expect(checkin.createdAt).toEqual(NOW);
    const audit = await database.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, ctx.workspace.id), eq(auditLog.entityId, checkin.id)));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorUserId: ctx.user.id, entityType: 'checkin', action: 'create', after: { accountId: account.id, type: 'call', occurredAt: NOW.toISOString(), sentiment: 'positive' } });
    expect(await count(checkins)).toBe(3);
    expect(await count(auditLog)).toBe(3);
    const [after] = await database.db.select({ lastTouchAt: accounts.lastTouchAt }).from(accounts).where(eq(accounts.id, account.id));
    expect(after!.lastTouchAt).toEqual(new Date(NOW.getTime() + DAY));
  });

  it('writes neither the touch nor its audit row when the audit row cannot be written', async () => {
    const { ctx, input, count } = await setUp();
    await database.db.execute(sql.raw(`create function test_refuse_audit() returns trigger language plpgsql as $$ begin raise exception 'audit refused for the test'; end $$`));
    await database.db.execute(sql.raw('create trigger test_refuse_audit before insert on audit_log for each row execute function test_refuse_audit()'));
    try {
      const failure = await logCheckin(database.db, ctx.workspace.id, input(NOW), NOW).then(
        () => 'written',
        (err: Error & { cause?: Error }) => err.cause?.message ?? err.message,
      );
      expect(failure).toMatch(/audit refused/);
    } finally {
      await database.db.execute(sql.raw('drop trigger test_refuse_audit on audit_log'));
      await database.db.execute(sql.raw('drop function test_refuse_audit()'));
    }
    expect(await count(checkins)).toBe(0);
    expect(await count(auditLog)).toBe(0);
    await logCheckin(database.db, ctx.workspace.id, input(NOW), NOW);
    expect([await count(checkins), await count(auditLog)]).toEqual([1, 1]);
  });
});
