// What every export source shares: the workspace it reads, and rows read a page at a
// time (so a large workspace streams instead of loading every row at once).
import type { Workspace } from '../core/workspaces.js';
import type { CsvCell } from './csv-cells.js';

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
