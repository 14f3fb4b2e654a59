// logCheckin on every engine: the touch and its audit row are one statement (both or
// neither), the previous touch is the latest strictly before this one, and the
// account's last touch (kept by the checkins trigger) follows.
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { accountChannels, accounts, auditLog, checkins } from '../../db/schema.js';
import { logCheckin, logCheckinByReading, type CheckinInput, type CheckinReading } from '../../src/core/checkins.js';
import { ENGINES, onDatabase } from '../helpers/engines.js';
import { newContext } from '../helpers/context.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const DAY = 86_400_000;

describe.each(ENGINES)('logCheckin on $name', (engine) => {
  let database: Database;
  onDatabase(engine, (opened) => (database = opened));

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

  it('by reading: finds the account in the same statement, in any case; no such account writes nothing', async () => {
    const { ctx, account, input, count } = await setUp();
    const { accountId: _, type, notes, ...touch } = input(NOW);
    const named = (name: string, n: string | null = notes): CheckinReading => ({ account: { name }, type, notes: n });
    const other = await newContext(database.db, { now: NOW });
    await database.db.insert(accounts).values({ workspaceId: other.workspace.id, name: 'Globex' });
    expect(await logCheckinByReading(database.db, ctx.workspace.id, [named('Globex')], touch, NOW)).toBeUndefined();
    // Neither is the whole name, nor the start of a word of it ("acme" would be: core/account-lookup.ts).
    expect(await logCheckinByReading(database.db, ctx.workspace.id, [named('Acme Corporation'), named('Acmex')], touch, NOW)).toBeUndefined();
    expect([await count(checkins), await count(auditLog)]).toEqual([0, 0]);
    const first = await logCheckinByReading(database.db, ctx.workspace.id, [named('\u200b acme CORP ')], { ...touch, occurredAt: new Date(NOW.getTime() - DAY), nextStepDate: '2026-12-01' }, NOW);
    expect(first).toMatchObject({ account: { id: account.id, name: 'Acme Corp' }, previous: undefined });
    expect(first!.checkin).toMatchObject({ accountId: account.id, userId: ctx.user.id, type: 'call', notes: 'Walked through the runbook', nextStepDate: '2026-12-01', channelId: 'general' });
    const second = await logCheckinByReading(database.db, ctx.workspace.id, [named('Acme'), { ...named('Acme Corp'), type: 'qbr', notes: 'QBR' }], touch, NOW);
    // The rows read back as a Drizzle select reads them.
    const [stored] = await database.db.select().from(checkins).where(eq(checkins.id, second!.checkin.id));
    expect(second!.checkin).toEqual(stored);
    expect(second!.checkin).toMatchObject({ type: 'qbr', notes: 'QBR' });
    expect(second!.previous).toEqual(first!.checkin);
    expect(second!.checkin.occurredAt).toEqual(NOW);
    const audit = await database.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, ctx.workspace.id), eq(auditLog.entityId, second!.checkin.id)));
    expect(audit).toMatchObject([{ actorUserId: ctx.user.id, at: NOW, entityType: 'checkin', action: 'create', before: null, after: { accountId: account.id, type: 'qbr', occurredAt: NOW.toISOString(), sentiment: 'positive' } }]);
    expect([await count(checkins), await count(auditLog)]).toEqual([2, 2]);
  });

  it('by reading: the first reading that names an account decides, and one without a note writes nothing', async () => {
    const { ctx, account, input, count } = await setUp();
    const { accountId: _, type, notes, ...touch } = input(NOW);
    await database.db.insert(accounts).values({ workspaceId: ctx.workspace.id, name: 'Acme Corp call' });
    // "Acme Corp" comes first and has no note: the later reading naming another account is not written either.
    const noNote: CheckinReading[] = [{ account: { name: 'Acme Corp' }, type, notes: null }, { account: { name: 'Acme Corp call' }, type, notes }];
    expect(await logCheckinByReading(database.db, ctx.workspace.id, noNote, touch, NOW)).toBeUndefined();
    expect([await count(checkins), await count(auditLog)]).toEqual([0, 0]);

    // The channel's linked account, unless an account has the name the type word would be.
    await database.db.insert(accountChannels).values({ workspaceId: ctx.workspace.id, channelId: 'acme', accountId: account.id, linkedAt: NOW });
    const linked = (unlessNamed: string): CheckinReading[] => [{ account: { linkedTo: 'acme', unlessNamed }, type, notes }];
    expect(await logCheckinByReading(database.db, ctx.workspace.id, [{ account: { linkedTo: 'elsewhere', unlessNamed: 'call' }, type, notes }], touch, NOW)).toBeUndefined();
    expect(await logCheckinByReading(database.db, ctx.workspace.id, linked('Acme Corp call'), touch, NOW)).toBeUndefined();
    const viaChannel = await logCheckinByReading(database.db, ctx.workspace.id, linked('call'), touch, NOW);
    expect(viaChannel).toMatchObject({ account: { id: account.id, name: 'Acme Corp' }, checkin: { accountId: account.id, notes } });
    expect([await count(checkins), await count(auditLog)]).toEqual([1, 1]);
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
