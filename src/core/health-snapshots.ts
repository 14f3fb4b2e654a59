// Daily health snapshots (one per account per day, in the workspace's zone): the
// trend line, the week-over-week change and what moved it.
// A day with not enough data for a score has no snapshot: the score and band columns
// hold a score people were shown, and there was none. The trend has a gap there, and
// the week's change, the digest's band changes and health-drop alerts have nothing
// to compare with — a change into or out of "not enough data" is not a change of
// score. A snapshot stored before that rule, built from fewer than two components,
// is read the same way: as no score.
import { and, asc, desc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { preparedQuery } from '../../db/statements.js';
import { healthSnapshots } from '../../db/schema.js';
import { HEALTH_COMPONENTS, MIN_SCORED_COMPONENTS, type HealthComponent, type HealthResult, type HealthStanding, type ScoredHealthResult } from './health.js';
import type { AccountHealth } from './health-inputs.js';
import { addDays } from './time.js';

export interface SnapshotView {
  accountId: string;
  day: string;
  /** null: a snapshot built from fewer than two components (stored before they were shown as not enough data). */
  score: number | null;
  band: HealthStanding;
  contributions: Record<HealthComponent, number>;
  components: Record<HealthComponent, { score: number; detail: string } | null>;
  drivers: string[];
}

/** The JSON kept per snapshot: each component's score, detail and contribution (null: no data). */
export function snapshotComponents(health: Pick<HealthResult, 'components' | 'contributions'>): Record<string, unknown> {
  return Object.fromEntries(
    HEALTH_COMPONENTS.map((c) => {
      const comp = health.components[c];
      return [c, comp ? { score: comp.score, detail: comp.detail, contribution: Math.round(health.contributions[c] * 100) / 100 } : null];
    }),
  );
}

const CHUNK = 1000;

/** A later snapshot of the same account and day replaces the earlier one. */
const REPLACE_SNAPSHOT = {
  target: [healthSnapshots.workspaceId, healthSnapshots.accountId, healthSnapshots.day],
  set: {
    score: sql`excluded.score`,
    band: sql`excluded.band`,
    components: sql`excluded.components`,
    drivers: sql`excluded.drivers`,
    computedAt: sql`excluded.computed_at`,
  },
};

type Scored = AccountHealth & { health: ScoredHealthResult };
const isScored = (a: AccountHealth): a is Scored => a.health.band !== 'insufficient';

function snapshotRow(workspaceId: string, a: Scored, options: { day: string; now: Date }) {
  return {
    workspaceId,
    accountId: a.accountId,
    day: options.day,
    score: a.health.score,
    band: a.health.band,
    components: snapshotComponents(a.health),
    drivers: a.health.drivers,
    computedAt: options.now,
  };
}

/** One account's snapshot, as viewing its card writes it: built once (db/statements.ts). */
const saveOneSnapshot = preparedQuery('save-health-snapshot', (db) => {
  const value = (name: keyof ReturnType<typeof snapshotRow>) => sql.placeholder(name);
  return db
    .insert(healthSnapshots)
    .values({
      workspaceId: value('workspaceId'),
      accountId: value('accountId'),
      day: value('day'),
      score: value('score'),
      band: value('band'),
      components: value('components'),
      drivers: value('drivers'),
      computedAt: value('computedAt'),
    })
    .onConflictDoUpdate(REPLACE_SNAPSHOT)
    .prepare('save-health-snapshot');
});

/**
 * Writes (or rewrites) today's snapshot of each account with a score, in chunks of
 * one statement each; an account with not enough data gets none, and one written
 * earlier today (before its data went) is removed. Returns how many were written.
 */
export async function saveSnapshots(db: Db, workspaceId: string, list: AccountHealth[], options: { day: string; now: Date }): Promise<number> {
  const scored = list.filter(isScored);
  const unscored = list.filter((a) => !isScored(a)).map((a) => a.accountId);
  for (let i = 0; i < unscored.length; i += CHUNK) {
    await db
      .delete(healthSnapshots)
      .where(and(eq(healthSnapshots.workspaceId, workspaceId), eq(healthSnapshots.day, options.day), inArray(healthSnapshots.accountId, unscored.slice(i, i + CHUNK))));
  }
  if (scored.length === 1) {
    await saveOneSnapshot(db).execute(snapshotRow(workspaceId, scored[0]!, options));
    return 1;
  }
  for (let i = 0; i < scored.length; i += CHUNK) {
    const values = scored.slice(i, i + CHUNK).map((a) => snapshotRow(workspaceId, a, options));
    await db.insert(healthSnapshots).values(values).onConflictDoUpdate(REPLACE_SNAPSHOT);
  }
  return scored.length;
}

/** A stored snapshot's fields as a view is made from them (a row, or its JSON). */
export type StoredSnapshot = Pick<typeof healthSnapshots.$inferSelect, 'accountId' | 'day' | 'score' | 'band' | 'components' | 'drivers'>;

export function snapshotView(row: StoredSnapshot): SnapshotView {
  const stored = row.components as Record<string, { score: number; detail: string; contribution?: number } | null>;
  const contributions = {} as Record<HealthComponent, number>;
  const components = {} as SnapshotView['components'];
  let withData = 0;
  for (const c of HEALTH_COMPONENTS) {
    const s = stored[c] ?? null;
    contributions[c] = s?.contribution ?? 0;
    components[c] = s ? { score: s.score, detail: s.detail } : null;
    if (s) withData++;
  }
  const scored = withData >= MIN_SCORED_COMPONENTS;
  return { accountId: row.accountId, day: String(row.day), score: scored ? row.score : null, band: scored ? row.band : 'insufficient', contributions, components, drivers: row.drivers as string[] };
}

/** The snapshot `saveSnapshots` would write for this account on `day`, as it reads back; none without a score. */
export function snapshotOf(current: AccountHealth, day: string): SnapshotView | undefined {
  if (!isScored(current)) return undefined;
  const stored = snapshotComponents(current.health) as Record<string, { score: number; detail: string; contribution: number } | null>;
  return snapshotView({ accountId: current.accountId, day, score: current.health.score, band: current.health.band, components: stored, drivers: current.health.drivers } as StoredSnapshot);
}

/** Whether two snapshots say the same (score, band, every component, drivers). */
export function sameSnapshot(a: SnapshotView, b: SnapshotView): boolean {
  return a.score === b.score && a.band === b.band && JSON.stringify([a.components, a.contributions, a.drivers]) === JSON.stringify([b.components, b.contributions, b.drivers]);
}

/**
 * Each account's latest snapshot on or before `day` and no older than `notBefore`:
 * "last week's" score for the portfolio and the digest, in one query.
 */
export async function snapshotsAsOf(db: Db, workspaceId: string, day: string, notBefore: string, accountId?: string): Promise<Map<string, SnapshotView>> {
  const rows = await db
    .selectDistinctOn([healthSnapshots.accountId])
    .from(healthSnapshots)
    .where(
      and(
        eq(healthSnapshots.workspaceId, workspaceId),
        // One account's card reads its own week by the (workspace, account, day) index, not the whole portfolio's.
        accountId ? eq(healthSnapshots.accountId, accountId) : undefined,
        lte(healthSnapshots.day, day),
        gte(healthSnapshots.day, notBefore),
      ),
    )
    .orderBy(healthSnapshots.accountId, sql`${healthSnapshots.day} desc`);
  return new Map(rows.map((r) => [r.accountId, snapshotView(r)]));
}

/** A stored snapshot that is a score: built from at least two components (snapshotView's rule, in SQL). */
const IS_SCORE = sql`(select count(*) from jsonb_each(health_snapshots.components) c where jsonb_typeof(c.value) = 'object') >= ${sql.raw(String(MIN_SCORED_COMPONENTS))}`;

/**
 * Each account's highest score in the `days` days before `day` (the earliest such
 * day on a tie): what a health drop is measured from. Only scores: a snapshot
 * built from fewer than two components is no peak to drop from.
 */
export async function recentPeaks(db: Db, workspaceId: string, options: { day: string; days: number }): Promise<{ accountId: string; day: string; score: number }[]> {
  const rows = await db
    .selectDistinctOn([healthSnapshots.accountId], { accountId: healthSnapshots.accountId, day: healthSnapshots.day, score: healthSnapshots.score })
    .from(healthSnapshots)
    .where(and(eq(healthSnapshots.workspaceId, workspaceId), gte(healthSnapshots.day, addDays(options.day, -options.days)), lt(healthSnapshots.day, options.day), IS_SCORE))
    .orderBy(healthSnapshots.accountId, desc(healthSnapshots.score), asc(healthSnapshots.day));
  return rows.map((r) => ({ accountId: r.accountId, day: String(r.day).slice(0, 10), score: r.score }));
}
