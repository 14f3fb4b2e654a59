// The two health exports. `health`: every active (not churned, not archived) account's
// score as /health computes it now, with the workspace's weights and bands, dated today
// in the workspace's zone, so no account is missing and no score is stale.
// `health-history`: every stored snapshot (the trend /health draws), oldest first per
// account; an archived account's snapshots only when asked for (export-rows.ts).
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts, healthSnapshots } from '../../db/schema.js';
import { HEALTH_COMPONENTS } from '../core/health.js';
import { portfolioHealth } from '../core/health-inputs.js';
import { snapshotView } from '../core/health-snapshots.js';
import { healthConfigFor } from '../core/settings.js';
import { localDate } from '../core/time.js';
import type { CsvCell } from './csv-cells.js';
import { archivedFilter, mapRows, pages, PAGE, type ArchivedChoice, type ExportWorkspace } from './export-rows.js';

/** Both files have the same columns: a snapshot is a score as it was on its day. */
export const HEALTH_HEADERS = ['account', 'day', 'score', 'band', ...HEALTH_COMPONENTS, 'drivers'];

type ComponentScores = Record<(typeof HEALTH_COMPONENTS)[number], { score: number } | null>;

/** Each component's score; blank where it had no data (left out of the score). */
const componentCells = (components: ComponentScores): CsvCell[] => HEALTH_COMPONENTS.map((c) => components[c]?.score ?? null);

export async function* currentHealthRows(db: Db, workspace: ExportWorkspace, now: Date): AsyncGenerator<CsvCell[]> {
  const day = localDate(now, workspace.timezone);
  const list = await portfolioHealth(db, workspace.id, { now, timezone: workspace.timezone, config: healthConfigFor(workspace) });
  for (const a of list) {
    const h = a.health;
    yield [a.name, day, h.score, h.band, ...componentCells(h.components), h.drivers.join('; ')];
  }
}

export function healthHistoryRows(db: Db, workspace: ExportWorkspace, _now: Date, archived: ArchivedChoice): AsyncGenerator<CsvCell[]> {
  return mapRows(
    pages((offset) =>
      db
        .select({ h: healthSnapshots, name: accounts.name })
        .from(healthSnapshots)
        .innerJoin(accounts, eq(accounts.id, healthSnapshots.accountId))
        .where(and(eq(healthSnapshots.workspaceId, workspace.id), archivedFilter(archived)))
        .orderBy(asc(sql`lower(${accounts.name})`), asc(accounts.id), asc(healthSnapshots.day))
        .limit(PAGE)
        .offset(offset),
    ),
    ({ h, name }) => {
      const s = snapshotView(h);
      return [name, s.day, s.score, s.band, ...componentCells(s.components), s.drivers.join('; ')];
    },
  );
}
