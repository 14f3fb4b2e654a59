// The ingest API's row shapes (zod) and their translation into the importer's
// text cells, so API rows and CSV rows go through the same checks and writes.
import { z } from 'zod';
import type { Cells, ImportKind } from '../data/columns.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const count = z.number().int().min(0).max(100_000_000);
// Money as a number of currency units (1500.25) or text the chat accepts ("$1.5k").
const money = z.union([z.number().finite().min(0), text(40)]);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2027-03-31');

const usageRow = z
  .object({
    account: text(120).optional(),
    externalId: text(120).optional(),
    recordedAt: text(40),
    activeUsers: count.optional(),
    licensedUsers: count.optional(),
    spend: money.optional(),
    forecast: money.optional(),
  })
  .strict()
  .refine((r) => r.account !== undefined || r.externalId !== undefined, { message: 'give account or externalId' });

const accountRow = z
  .object({
    name: text(120).optional(),
    externalId: text(120).optional(),
    arr: money.optional(),
    renewalDate: day.optional(),
    contractStart: day.optional(),
    churnedOn: day.optional(),
    kickoffDate: day.optional(),
    stage: text(20).optional(),
    tier: text(40).optional(),
    licensedUsers: count.optional(),
    activeUsers: count.optional(),
    owner: text(120).optional(),
    contact: z.object({ name: text(120).optional(), email: text(200).optional(), role: text(40).optional() }).strict().optional(),
  })
  .strict()
  .refine((r) => r.name !== undefined || r.externalId !== undefined, { message: 'give name or externalId' });

export const MAX_ROWS = 1_000;
export const batchSchema = z
  .object({
    rows: z.array(z.unknown()).min(1, 'rows must hold at least one row'),
    /** Which workspace (Tenure's id or the platform's team / tenant id); as X-Tenure-Workspace. */
    workspace: z.string().max(200).optional(),
  })
  .strict();

export interface RowIssue {
  row: number;
  error: string;
}

const str = (v: string | number | undefined) => (v === undefined ? undefined : String(v));

function cellsOf(kind: ImportKind, row: z.infer<typeof usageRow> | z.infer<typeof accountRow>): Cells {
  const cells: Record<string, string | undefined> =
    kind === 'usage'
      ? (({ account, externalId, recordedAt, activeUsers, licensedUsers, spend, forecast }: z.infer<typeof usageRow>) => ({
          name: account,
          externalId,
          recordedAt,
          active: str(activeUsers),
          licensed: str(licensedUsers),
          spend: str(spend),
          forecast: str(forecast),
        }))(row as z.infer<typeof usageRow>)
      : (({ contact, ...r }: z.infer<typeof accountRow>) => ({
          name: r.name,
          externalId: r.externalId,
          arr: str(r.arr),
          renewal: r.renewalDate,
          start: r.contractStart,
          churned: r.churnedOn,
          kickoff: r.kickoffDate,
          stage: r.stage,
          tier: r.tier,
          licensed: str(r.licensedUsers),
          active: str(r.activeUsers),
          owner: r.owner,
          contactName: contact?.name,
          contactEmail: contact?.email,
          contactRole: contact?.role,
        }))(row as z.infer<typeof accountRow>);
  for (const key of Object.keys(cells)) if (cells[key] === undefined) delete cells[key];
  return cells as Cells;
}

/** Every row checked; the cells of the good ones and an issue per bad one (index in `rows`). */
export function parseRows(kind: ImportKind, rows: unknown[]): { cells: Cells[]; issues: RowIssue[] } {
  const schema = kind === 'usage' ? usageRow : accountRow;
  const cells: Cells[] = [];
  const issues: RowIssue[] = [];
  rows.forEach((raw, row) => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) cells.push(cellsOf(kind, parsed.data));
    else
      issues.push({
        row,
        error: parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '),
      });
  });
  return { cells, issues };
}
