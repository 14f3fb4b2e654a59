// accounts.recent_spend_cents / latest_forecast_cents / latest_spend_at are kept by
// statement-level triggers on usage_readings (migration 0004): after inserts (one or
// many at once, backdated, tied, without a spend), edits, a reading moved to another
// account and deletions, the roll-up equals the same values computed from the readings
// themselves — on every engine. The health inputs read it, and as of an earlier moment
// still find the readings before it; on PostgreSQL two writers of one account at once
// both count.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client.js';
import { usageReadings } from '../../db/schema.js';
import { portfolioHealth } from '../../src/core/health-inputs.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const day = (d: string) => new Date(`${d}T12:00:00Z`);

interface Spend extends Record<string, unknown> {
  account_id: string;
  spend: string | null;
  forecast: string | number | null;
  latest: string | null;
}

describe.each(ENGINES)('spend roll-up on the account, on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  async function setup() {
    const ctx = await newContext(db(), { now: NOW });
    await t.registry.run(ctx, '/account add Acme');
    await t.registry.run(ctx, '/account add Globex');
    const [acme, globex] = (await portfolioHealth(db(), ctx.workspace.id, { now: NOW, timezone: 'UTC' })).map((a) => a.accountId);
    const reading = (accountId: string, d: string, spendCents: number | null, forecastCents: number | null = null) => ({
      workspaceId: ctx.workspace.id,
      accountId,
      recordedAt: day(d),
      spendCents,
      forecastCents,
      activeUsers: 10,
    });
    /** The roll-up as kept, and as computed from the readings (the last three by time, then id; oldest first). */
    const check = async (step: string) => {
      const [kept, direct] = await Promise.all([
        queryRows<Spend>(
          db(),
          sql`select id as account_id, array_to_string(recent_spend_cents, ',') as spend, latest_forecast_cents as forecast,
            to_char(latest_spend_at at time zone 'UTC', 'YYYY-MM-DD') as latest
          from accounts where workspace_id = ${ctx.workspace.id} order by id`,
        ),
        queryRows<Spend>(
          db(),
          sql`select a.id as account_id,
            (select array_to_string(array_agg(l.spend_cents order by l.recorded_at, l.id), ',') from (
              select u.id, u.recorded_at, u.spend_cents from usage_readings u where u.account_id = a.id and u.spend_cents is not null
              order by u.recorded_at desc, u.id desc limit 3) l) as spend,
            (select u.forecast_cents from usage_readings u where u.account_id = a.id and u.spend_cents is not null
              order by u.recorded_at desc, u.id desc limit 1) as forecast,
            (select to_char(max(u.recorded_at) at time zone 'UTC', 'YYYY-MM-DD') from usage_readings u where u.account_id = a.id and u.spend_cents is not null) as latest
          from accounts a where a.workspace_id = ${ctx.workspace.id} order by a.id`,
        ),
      ]);
      expect(kept, step).toEqual(direct);
      return Object.fromEntries(kept.map((r) => [r.account_id, r]));
    };
    return { ctx, acme: acme!, globex: globex!, reading, check };
  }

  it('equals the last three readings after any mix of writes', async () => {
    const { acme, globex, reading, check } = await setup();
    expect((await check('no readings'))[acme]).toMatchObject({ spend: null, forecast: null, latest: null });

    await db().insert(usageReadings).values(reading(acme, '2026-08-01', 10_000, 12_000));
    expect((await check('one reading'))[acme]).toMatchObject({ spend: '10000', latest: '2026-08-01' });
    expect(Number((await check('one reading'))[acme]!.forecast)).toBe(12_000);

    // Many rows for two accounts in one statement, one without a spend (seats only).
    await db()
      .insert(usageReadings)
      .values([
        reading(acme, '2026-09-01', 9_000, 11_000),
        reading(globex, '2026-09-15', 5_000),
        reading(acme, '2026-10-01', 8_000, 10_000),
        reading(acme, '2026-11-01', null),
        reading(globex, '2026-10-15', 6_000, 6_500),
      ]);
    let now = await check('a bulk insert');
    expect(now[acme]).toMatchObject({ spend: '10000,9000,8000', latest: '2026-10-01' });
    expect(now[globex]).toMatchObject({ spend: '5000,6000', latest: '2026-10-15' });

    // A backdated reading older than the last three changes nothing; one between them does.
    await db().insert(usageReadings).values(reading(acme, '2026-07-01', 20_000));
    expect((await check('backdated, too old'))[acme]).toMatchObject({ spend: '10000,9000,8000' });
    await db().insert(usageReadings).values(reading(acme, '2026-09-20', 8_500, 9_999));
    now = await check('backdated, among the last three');
    expect(now[acme]).toMatchObject({ spend: '9000,8500,8000', latest: '2026-10-01' });
    expect(Number(now[acme]!.forecast)).toBe(10_000);

    // Two readings at the same moment: both engines and the direct query order them by id.
    await db().insert(usageReadings).values([reading(globex, '2026-11-10', 7_000, 7_000), reading(globex, '2026-11-10', 7_100, 7_200)]);
    expect((await check('a tie'))[globex]!.latest).toBe('2026-11-10');

    // Edits: a spend changed, a reading moved in time, a spend taken away, a reading moved to the other account.
    await db().execute(sql`update usage_readings set spend_cents = 8200 where account_id = ${acme} and spend_cents = 8000`);
    expect((await check('a spend edited'))[acme]).toMatchObject({ spend: '9000,8500,8200' });
    await db().execute(sql`update usage_readings set recorded_at = ${day('2026-11-05').toISOString()}::timestamptz where account_id = ${acme} and spend_cents = 9000`);
    now = await check('a reading moved in time');
    expect(now[acme]).toMatchObject({ spend: '8500,8200,9000', latest: '2026-11-05' });
    expect(Number(now[acme]!.forecast)).toBe(11_000);
    await db().execute(sql`update usage_readings set spend_cents = null where account_id = ${acme} and spend_cents = 9000`);
    expect((await check('a spend taken away'))[acme]).toMatchObject({ spend: '10000,8500,8200', latest: '2026-10-01' });
    await db().execute(sql`update usage_readings set account_id = ${globex} where account_id = ${acme} and spend_cents = 8200`);
    now = await check('a reading moved to another account');
    expect(now[acme]).toMatchObject({ spend: '20000,10000,8500', latest: '2026-09-20' });
    expect(now[globex]!.spend!.split(',')).toHaveLength(3);

    // Deletions: the latest, then all of an account's readings.
    await db().execute(sql`delete from usage_readings where account_id = ${acme} and spend_cents = 8500`);
    expect((await check('the latest deleted'))[acme]).toMatchObject({ spend: '20000,10000', latest: '2026-08-01' });
    await db().execute(sql`delete from usage_readings where account_id = ${globex}`);
    expect((await check('all deleted'))[globex]).toMatchObject({ spend: null, forecast: null, latest: null });
  });

  it('gives the health inputs the readings up to the moment scored', async () => {
    const { ctx, acme, reading, check } = await setup();
    await db()
      .insert(usageReadings)
      .values([reading(acme, '2026-08-01', 10_000, 10_000), reading(acme, '2026-09-01', 9_000, 9_500), reading(acme, '2026-10-01', 8_000, 9_000), reading(acme, '2026-11-01', 7_000, 6_000)]);
    await check('four readings');
    const inputsAt = async (d: Date) => (await portfolioHealth(db(), ctx.workspace.id, { now: d, timezone: 'UTC' })).find((a) => a.accountId === acme)!.inputs;
    expect(await inputsAt(NOW)).toMatchObject({ spendReadings: [9_000, 8_000, 7_000], latestForecast: 6_000 });
    // As of an earlier moment than the latest reading, the three before it.
    expect(await inputsAt(day('2026-10-15'))).toMatchObject({ spendReadings: [10_000, 9_000, 8_000], latestForecast: 9_000 });
    expect(await inputsAt(day('2026-08-15'))).toMatchObject({ spendReadings: [10_000], latestForecast: 10_000 });
    expect(await inputsAt(day('2026-07-15'))).toMatchObject({ spendReadings: [], latestForecast: null });
    // One account's card reads the same.
    const [one] = await portfolioHealth(db(), ctx.workspace.id, { now: day('2026-10-15'), timezone: 'UTC', accountId: acme });
    expect(one!.inputs).toMatchObject({ spendReadings: [10_000, 9_000, 8_000], latestForecast: 9_000 });
  });

  it.runIf(engine.name === 'postgres')('counts both of two writers of one account at the same time', async () => {
    const { acme, reading, check } = await setup();
    await db().insert(usageReadings).values(reading(acme, '2026-09-01', 9_000));
    let inserted!: () => void;
    const firstInserted = new Promise<void>((resolve) => (inserted = resolve));
    let commit!: () => void;
    const mayCommit = new Promise<void>((resolve) => (commit = resolve));
    const first = db().transaction(async (tx) => {
      await tx.insert(usageReadings).values(reading(acme, '2026-11-01', 7_000));
      inserted();
      await mayCommit;
    });
    await firstInserted;
    // The second writer's trigger waits for the first to commit, then reads its reading too.
    const second = db().transaction(async (tx) => {
      await tx.insert(usageReadings).values(reading(acme, '2026-10-01', 8_000));
    });
    const waiting = async () =>
      (await queryRows<{ n: number }>(db(), sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`))[0]!.n;
    for (let i = 0; i < 500 && (await waiting()) === 0; i++);
    expect(await waiting()).toBe(1);
    commit();
    await Promise.all([first, second]);
    expect((await check('two writers at once'))[acme]).toMatchObject({ spend: '9000,8000,7000', latest: '2026-11-01' });
  });
});
