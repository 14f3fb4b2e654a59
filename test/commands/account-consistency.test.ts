// An account never stores more active users than licensed seats, nor a renewal before
// its contract start, whichever door the values come through: /account add|set,
// /usage, the CSV import and the ingest API's rows (the same core path). A value given
// alone is checked against the other one on record.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, usageReadings } from '../../db/schema.js';
import { importCsv, importRows } from '../../src/data/import.js';
import { parseRows } from '../../src/http/api-rows.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');

describe.each(ENGINES)('account consistency on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  async function refused(ctx: Awaited<ReturnType<typeof newContext>>, input: string, expected: string) {
    const reply = await t.registry.run(ctx, input);
    expect(reply.messages[0]!.tone, input).toBe('error');
    expect(plain(reply), input).toContain(expected);
  }

  const stored = async (workspaceId: string, name: string) => {
    const [row] = await db().select().from(accounts).where(eq(accounts.workspaceId, workspaceId));
    expect(row?.name).toBe(name);
    return row!;
  };

  it('/account add and set refuse more active users than licensed seats, given together or one at a time', async () => {
    const ctx = await newContext(db());
    await refused(ctx, '/account add Acme active=55 licensed=40', 'active=55 is more than licensed=40: an account cannot have more active users than seats; check the numbers, or give the seats it has now, e.g. licensed=55 active=55.');
    expect(await db().select().from(accounts).where(eq(accounts.workspaceId, ctx.workspace.id))).toEqual([]);

    await t.registry.run(ctx, '/account add Acme licensed=40 active=30');
    await refused(ctx, '/account set Acme active=55', 'active=55 is more than licensed=40 (the seats on record): set licensed first or both at once, e.g. licensed=55 active=55, or check the number of active users.');
    await refused(ctx, '/account set Acme licensed=20', 'licensed=20 is less than active=30 (the active users on record): lower active first or both at once, e.g. licensed=20 active=20, or check the number of seats.');
    expect(await stored(ctx.workspace.id, 'Acme')).toMatchObject({ licensedUsers: 40, activeUsers: 30 });

    // What the messages say to type works; equal counts (100 % adoption) are fine.
    expect(plain(await t.registry.run(ctx, '/account set Acme licensed=55 active=55'))).not.toContain('⚠️');
    expect(await stored(ctx.workspace.id, 'Acme')).toMatchObject({ licensedUsers: 55, activeUsers: 55 });
    // Clearing one side leaves nothing to compare.
    expect(plain(await t.registry.run(ctx, '/account set Acme licensed=none'))).not.toContain('⚠️');
    expect(plain(await t.registry.run(ctx, '/account set Acme active=70'))).not.toContain('⚠️');
  });

  it('/usage checks a reading against the seats on record and stores nothing when refused', async () => {
    const ctx = await newContext(db());
    await t.registry.run(ctx, '/account add Globex licensed=40 active=10');
    await refused(ctx, '/usage Globex active=55', 'active=55 is more than licensed=40 (the seats on record): set licensed first or both at once, e.g. licensed=55 active=55');
    await refused(ctx, '/usage Globex active=55 licensed=40', 'active=55 is more than licensed=40: an account cannot have more active users than seats');
    expect(await db().select().from(usageReadings).where(eq(usageReadings.workspaceId, ctx.workspace.id))).toEqual([]);
    expect(await stored(ctx.workspace.id, 'Globex')).toMatchObject({ licensedUsers: 40, activeUsers: 10 });
    expect(plain(await t.registry.run(ctx, '/usage Globex licensed=55 active=55'))).toContain('55 of 55 licensed users active (100%)');
  });

  it('refuses a renewal before the contract start, given together or one at a time', async () => {
    const ctx = await newContext(db());
    await refused(ctx, '/account add Initech start=2026-06-01 renewal=2026-01-31', 'renewal=2026-01-31 is before start=2026-06-01: a contract renews after it starts');
    await t.registry.run(ctx, '/account add Initech start=2026-06-01 renewal=2027-05-31');
    await refused(ctx, '/account set Initech renewal=2026-03-31', 'renewal=2026-03-31 is before start=2026-06-01 (the contract start on record): give a renewal on or after 2026-06-01, or correct the start with it, e.g. start=… renewal=2026-03-31.');
    await refused(ctx, '/account set Initech start=2027-07-01', 'start=2027-07-01 is after renewal=2027-05-31 (the renewal date on record): give a start on or before 2027-05-31, or move the renewal with it, e.g. start=2027-07-01 renewal=….');
    expect(await stored(ctx.workspace.id, 'Initech')).toMatchObject({ contractStart: '2026-06-01', renewalDate: '2027-05-31' });
    expect(plain(await t.registry.run(ctx, '/account set Initech start=2027-07-01 renewal=2028-06-30'))).not.toContain('⚠️');
    expect(await stored(ctx.workspace.id, 'Initech')).toMatchObject({ contractStart: '2027-07-01', renewalDate: '2028-06-30' });
  });

  it('the CSV import reports such rows by line and writes the good ones', async () => {
    const ctx = await newContext(db());
    const actor = { userId: null, now: ctx.now, label: 'CSV import (test)' };
    const report = await importCsv(
      db(),
      ctx.workspace.id,
      'name,licensed,active,start,renewal\nGood,40,30,2026-01-01,2027-01-01\nSeats,40,55,,\nDates,,,2026-06-01,2026-01-31\n',
      { actor },
    );
    expect(report).toMatchObject({ created: 1, errorCount: 2 });
    expect(report.errors.map((e) => [e.line, e.message.split(':')[0]])).toEqual([
      [3, 'active=55 is more than licensed=40'],
      [4, 'the renewal date Sat 31 Jan 2026 is before the contract start Mon 1 Jun 2026'],
    ]);
    // A later file that gives one value alone meets the one on record.
    const later = await importCsv(db(), ctx.workspace.id, 'name,active,renewal\nGood,41,\nGood,,2025-12-31\n', { actor });
    expect(later.errors.map((e) => e.message)).toEqual([
      'active=41 is more than licensed=40 (the seats on record): set licensed first or both at once, e.g. licensed=41 active=41, or check the number of active users.',
      'the renewal date Wed 31 Dec 2025 is before the contract start on record, Thu 1 Jan 2026: give a renewal on or after it, or correct the start in the same row',
    ]);
    // A usage file's reading is checked against itself.
    const usage = await importCsv(db(), ctx.workspace.id, 'name,date,active,licensed\nGood,2026-11-01,55,40\nGood,2026-11-02,30,40\n', { actor, kind: 'usage' });
    expect(usage).toMatchObject({ created: 1, errorCount: 1 });
    expect(usage.errors[0]).toMatchObject({ line: 2, message: expect.stringContaining('active=55 is more than licensed=40') });
  });

  it("the ingest API's rows go through the same checks", async () => {
    const ctx = await newContext(db());
    const actor = { userId: null, now: ctx.now, label: 'ingest API' };
    const run = (kind: 'accounts' | 'usage', rows: unknown[]) => importRows(db(), ctx.workspace.id, kind, parseRows(kind, rows).cells.map((cells, i) => ({ line: i, cells })), { actor, atomic: true, source: 'api' });
    const bad = await run('accounts', [{ name: 'Api Co', licensedUsers: 40, activeUsers: 55 }]);
    expect(bad.errors).toEqual([{ line: 0, message: expect.stringContaining('active=55 is more than licensed=40') }]);
    const dates = await run('accounts', [{ name: 'Api Co', contractStart: '2026-06-01', renewalDate: '2026-01-31' }]);
    expect(dates.errors).toEqual([{ line: 0, message: expect.stringContaining('the renewal date Sat 31 Jan 2026 is before the contract start Mon 1 Jun 2026') }]);
    expect(await db().select().from(accounts).where(eq(accounts.workspaceId, ctx.workspace.id))).toEqual([]);
    await run('accounts', [{ name: 'Api Co', licensedUsers: 40, activeUsers: 30 }]);
    const usage = await run('usage', [{ account: 'Api Co', recordedAt: '2026-11-20', activeUsers: 55, licensedUsers: 40 }]);
    expect(usage.errors).toEqual([{ line: 0, message: expect.stringContaining('active=55 is more than licensed=40') }]);
    expect(await db().select().from(usageReadings).where(eq(usageReadings.workspaceId, ctx.workspace.id))).toEqual([]);
  });
});
