// The import driver shared by `npm run import`, the ingest API and chat: rows in,
// one transaction, a report out. A bad row is reported (with its CSV line or API
// row number) and skipped while the good rows go in; anything unexpected rolls the
// whole import back. A dry run does all the work and then rolls back, so what it
// reports is exactly what a real run would do.
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { Db } from '../../db/client.js';
import type { Actor } from '../core/accounts.js';
import { UserError } from '../core/errors.js';
import { restoreCell } from './csv-cells.js';
import { columnFor, columnsOf, guessKind, overlongCell, overlongHeader, type Cells, type Column, type ImportKind } from './columns.js';
import { AccountIndex, applyAccountRow, RowError, type ImportJournal } from './import-accounts.js';
import { UsageWriter } from './import-usage.js';

export interface RowProblem {
  /** The CSV line (1 = header) or, from the API, the index in `rows`. */
  line: number;
  message: string;
}

export interface ImportReport {
  kind: ImportKind;
  dryRun: boolean;
  /** Data rows read (blank lines not counted). */
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: RowProblem[];
  /** What each account row created or changed (usage rows are only counted). */
  changes: RowProblem[];
  /** All bad rows, also past the ones kept in `errors`. */
  errorCount: number;
  ignoredColumns: string[];
}

export interface ImportOptions {
  kind?: ImportKind;
  dryRun?: boolean;
  /** Roll back everything when any row is bad (the API's all-or-nothing batches). */
  atomic?: boolean;
  actor: Actor;
  /** usage_readings.source: 'csv', 'api'. */
  source?: string;
  /** Set for an import that can be undone: its readings carry the id, and `journal` is told what it wrote. */
  undoable?: { importId: string; journal: ImportJournal };
}

export interface SourceRow {
  line: number;
  cells: Cells;
  /** Why the row cannot be read at all (a cell too long for its column): its error. */
  problem?: string;
}

const KEPT_ERRORS = 1_000;

class Rollback extends Error {}

export async function importRows(
  db: Db,
  workspaceId: string,
  kind: ImportKind,
  rows: AsyncIterable<SourceRow> | Iterable<SourceRow>,
  options: ImportOptions,
  ignoredColumns: string[] = [],
): Promise<ImportReport> {
  const report: ImportReport = {
    kind,
    dryRun: options.dryRun ?? false,
    rows: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    errors: [],
    changes: [],
    errorCount: 0,
    ignoredColumns,
  };
  try {
    await db.transaction(async (tx) => {
      const index = await AccountIndex.load(tx, workspaceId);
      const usage = kind === 'usage' ? new UsageWriter(tx, workspaceId, index, options.actor, options.source ?? 'import', options.undoable?.importId) : undefined;
      for await (const row of rows) {
        report.rows++;
        try {
          if (row.problem !== undefined) throw new RowError(row.problem);
          const note = (change: string) => {
            if (report.changes.length < KEPT_ERRORS) report.changes.push({ line: row.line, message: change });
          };
          const outcome = usage ? await usage.add(row.cells) : await applyAccountRow(tx, workspaceId, index, row.cells, options.actor, note, options.undoable?.journal);
          report[outcome]++;
        } catch (err) {
          // Only a row's own problem is skipped; a database error aborts the transaction.
          if (!(err instanceof RowError) && !(err instanceof UserError)) throw err;
          report.errorCount++;
          if (report.errors.length < KEPT_ERRORS) report.errors.push({ line: row.line, message: err.message });
        }
      }
      if (usage) {
        await usage.finish();
        report.created -= usage.alreadyStored;
        report.unchanged += usage.alreadyStored;
      }
      if (report.dryRun || (options.atomic && report.errorCount > 0)) throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  return report;
}

/** Streams a CSV (file stream or text) through csv-parse into importRows. */
export async function importCsv(db: Db, workspaceId: string, input: Readable | string, options: ImportOptions): Promise<ImportReport> {
  let headers: string[] = [];
  let mapped: (Column | undefined)[] = [];
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    relax_column_count: true,
    info: true,
    // Raw headers are kept; cells are mapped below once the kind is known.
    columns: (header: string[]) => {
      headers = header;
      return header.map((_h, i) => `c${i}`);
    },
  });
  if (typeof input === 'string') parser.end(input);
  else {
    // A read error (file gone, disk) ends the import like a parse error: rolled back.
    input.on('error', (err) => parser.destroy(err));
    input.pipe(parser);
  }

  const records = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: Record<string, string>; info: { lines: number } }>;
  const first = await records.next();
  if (headers.length === 0) throw new UserError('The file is empty: the first line must name the columns, e.g. name,arr,renewal.');
  const badHeader = overlongHeader(headers);
  if (badHeader) throw new UserError(`${badHeader} The first line of the file must name the columns, e.g. name,arr,renewal.`);
  const kind = options.kind ?? guessKind(headers);
  const allowed = new Set<Column>(columnsOf(kind));
  mapped = headers.map((h) => {
    const c = columnFor(h);
    return c && allowed.has(c) ? c : undefined;
  });
  const ignored = headers.filter((h, i) => h !== '' && mapped[i] === undefined);
  const needed = kind === 'usage' ? ['recordedAt'] : [];
  if (!mapped.includes('name') && !mapped.includes('externalId')) {
    throw new UserError(`No account column in the header (${headers.join(', ')}): name one "name", "Company Name" or "external id".`);
  }
  for (const n of needed) {
    if (!mapped.includes(n as Column)) throw new UserError(`No date column in the header (${headers.join(', ')}): name one "date" or "recorded_at".`);
  }

  async function* rows(): AsyncGenerator<SourceRow> {
    let next = first;
    while (!next.done) {
      const { record, info } = next.value;
      const cells: Cells = {};
      let problem: string | undefined;
      mapped.forEach((column, i) => {
        // An exported cell may carry the apostrophe that kept a spreadsheet from evaluating it.
        const value = record[`c${i}`];
        if (!column || value === undefined || value === '') return;
        const tooLong = overlongCell(headers[i]!, column, value);
        if (tooLong) problem ??= tooLong;
        else cells[column] = restoreCell(value);
      });
      yield { line: info.lines, cells, problem };
      next = await records.next();
    }
  }
  return importRows(db, workspaceId, kind, rows(), options, ignored);
}

/** The report in words, for the CLI and chat. */
export function describeReport(report: ImportReport, limit = 50): string[] {
  const noun = report.kind === 'usage' ? 'readings' : 'accounts';
  const verb = report.dryRun ? 'would be' : 'were';
  const lines = [
    `${report.dryRun ? 'Dry run: ' : ''}${report.rows} rows read: ${report.created} ${noun} ${verb} created, ${report.updated} ${verb} updated, ${report.unchanged} unchanged, ${report.errorCount} rows with errors.`,
  ];
  if (report.ignoredColumns.length > 0) lines.push(`Ignored columns: ${report.ignoredColumns.join(', ')}.`);
  if (report.changes.length > 0) lines.push(report.dryRun ? 'Would change:' : 'Changed:');
  for (const c of report.changes.slice(0, limit)) lines.push(`  line ${c.line}: ${c.message}`);
  if (report.changes.length > limit) lines.push(`  … and ${report.changes.length - limit} more.`);
  if (report.errorCount > 0) lines.push('Rows with errors (not imported):');
  for (const e of report.errors.slice(0, limit)) lines.push(`  line ${e.line}: ${e.message}`);
  if (report.errorCount > limit) lines.push(`  … and ${report.errorCount - limit} more rows with errors.`);
  if (report.dryRun) lines.push('Nothing was written. Run again without --dry-run to import.');
  return lines;
}
