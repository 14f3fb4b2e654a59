// What every export source shares: the workspace it reads, which accounts' rows it
// holds (archived accounts are left out unless asked for), and rows read a page at a
// time (so a large workspace streams instead of loading every row at once).
import { isNotNull, isNull, type SQL } from 'drizzle-orm';
import { accounts } from '../../db/schema.js';
import type { Workspace } from '../core/workspaces.js';
import type { CsvCell } from './csv-cells.js';

/**
 * Archived accounts leave every list, and so every export, by default; their history
 * is still theirs to take out: `include` adds them, `only` exports them alone.
 */
export const ARCHIVED_CHOICES = ['exclude', 'include', 'only'] as const;
export type ArchivedChoice = (typeof ARCHIVED_CHOICES)[number];

/** The condition on the joined accounts table that keeps the rows of the chosen accounts. */
export function archivedFilter(choice: ArchivedChoice): SQL | undefined {
  if (choice === 'include') return undefined;
  return choice === 'only' ? isNotNull(accounts.archivedAt) : isNull(accounts.archivedAt);
}

/** The workspace an export is made for: its rows, its time zone (days) and its health settings. */
export type ExportWorkspace = Pick<Workspace, 'id' | 'timezone' | 'settings'>;

export const PAGE = 5_000;

export async function* pages<T>(fetch: (offset: number) => Promise<T[]>): AsyncGenerator<T> {
  for (let offset = 0; ; offset += PAGE) {
    const page = await fetch(offset);
    yield* page;
    if (page.length < PAGE) return;
  }
}

export async function* mapRows<T>(rows: AsyncGenerator<T>, map: (row: T) => CsvCell[]): AsyncGenerator<CsvCell[]> {
  for await (const row of rows) yield map(row);
}
