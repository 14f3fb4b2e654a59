// The demo's health trend: one snapshot per account per week for the last twelve
// weeks (today's included), so the 12-week sparkline, "change since last week", the
// portfolio's biggest movers and the digest's band changes have something to show on
// first start. Each week is scored by the real health code as of that moment, from
// the demo's own history (touches, tickets, surveys and spend before it), so the
// trend ends at today's score and every week-over-week change is explained by
// something in the data.
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts, healthSnapshots, usageReadings } from '../../db/schema.js';
import { healthScore, type HealthConfig } from '../core/health.js';
import { portfolioHealth, type AccountHealth } from '../core/health-inputs.js';
import { snapshotComponents } from '../core/health-snapshots.js';
import { addDays, localDate, zonedInstant } from '../core/time.js';

export const HISTORY_WEEKS = 12;

type Reading = { recordedAt: Date; activeUsers: number | null };

/**
 * The account's active users as of `at`: its latest usage reading by then. The score
 * reads active users from the account (today's figure), so without this adoption
 * would be flat over the twelve weeks while the demo's readings rise or fall.
 */
function activeUsersAsOf(readings: Reading[] | undefined, at: Date): number | null | undefined {
  let found: Reading | undefined;
  for (const r of readings ?? []) if (r.recordedAt <= at) found = r;
  return found?.activeUsers;
}

/** The account's health on the day of `at`, with the adoption of that day. */
function scoredAsOf(a: AccountHealth, readings: Reading[] | undefined, at: Date, config: HealthConfig): AccountHealth['health'] {
  const active = activeUsersAsOf(readings, at);
  // A reading newer than `at` means the account's figure is from after that day.
  const newer = (readings ?? []).some((r) => r.recordedAt > at);
  if (!newer || active === undefined || active === a.inputs.activeUsers) return a.health;
  return healthScore({ ...a.inputs, activeUsers: active }, config);
}

/** Writes the weekly snapshots (in one statement); returns how many. */
export async function seedHealthHistory(db: Db, workspaceId: string, options: { now: Date; timezone: string; config: HealthConfig }): Promise<number> {
  const readings = new Map<string, Reading[]>();
  const rows = await db
    .select({ accountId: usageReadings.accountId, recordedAt: usageReadings.recordedAt, activeUsers: usageReadings.activeUsers })
    .from(usageReadings)
    .where(eq(usageReadings.workspaceId, workspaceId))
    .orderBy(asc(usageReadings.recordedAt));
  for (const r of rows) readings.set(r.accountId, [...(readings.get(r.accountId) ?? []), r]);
  const created = new Map(
    (await db.select({ id: accounts.id, createdAt: accounts.createdAt }).from(accounts).where(eq(accounts.workspaceId, workspaceId))).map((a) => [
      a.id,
      localDate(a.createdAt, options.timezone),
    ]),
  );

  const today = localDate(options.now, options.timezone);
  const snapshots: (typeof healthSnapshots.$inferInsert)[] = [];
  for (let week = HISTORY_WEEKS - 1; week >= 0; week--) {
    // Whole weeks by calendar day (a clock change between them moves no snapshot to another
    // day), each scored as of midday; today's as of now.
    const day = addDays(today, -7 * week);
    const at = week === 0 ? options.now : zonedInstant(day, '12:00', options.timezone);
    for (const a of await portfolioHealth(db, workspaceId, { now: at, timezone: options.timezone, config: options.config })) {
      // No score before the account was added.
      if (day < (created.get(a.accountId) ?? day)) continue;
      const health = scoredAsOf(a, readings.get(a.accountId), at, options.config);
      // Too little data that week for a score: no point on the trend, as the daily pass would store.
      if (health.score === null) continue;
      snapshots.push({ workspaceId, accountId: a.accountId, day, score: health.score, band: health.band, components: snapshotComponents(health), drivers: health.drivers, computedAt: at });
    }
  }
  if (snapshots.length > 0) await db.insert(healthSnapshots).values(snapshots);
  return snapshots.length;
}
