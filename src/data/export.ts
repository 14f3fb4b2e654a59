// CSV export of a workspace's data, one kind per file, each row one thing: accounts
// (one row per account, so ARR sums to the portfolio's), their contacts, usage
// readings, check-ins, tickets, survey answers, every active account's health now,
// and the stored health snapshots (health-history). Rows are read a page at a time
// and streamed through csv-stringify, every cell neutralised against spreadsheet
// formulas (csv-cells.ts). The accounts, contacts and usage files use the importer's
// own column names, so export → import is a round trip. Archived accounts and their
// rows are left out unless asked for (export-rows.ts ArchivedChoice); asked for, the
// accounts file says when each was archived (a column the importer passes over).
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts, checkins, contacts, surveyResponses, surveys, tickets, usageReadings, users } from '../../db/schema.js';
import { neutraliseCell, type CsvCell } from './csv-cells.js';
import { currentHealthRows, HEALTH_HEADERS, healthHistoryRows } from './export-health.js';
import { archivedFilter, mapRows, pages, PAGE, type ArchivedChoice, type ExportWorkspace } from './export-rows.js';
import { UserError } from '../core/errors.js';

export type { ExportWorkspace, ArchivedChoice } from './export-rows.js';
export { ARCHIVED_CHOICES } from './export-rows.js';

export const EXPORT_KINDS = ['accounts', 'contacts', 'usage', 'checkins', 'tickets', 'surveys', 'health', 'health-history'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

type Cell = CsvCell;

/** Integer cents → "120000.00": exact, and parseMoney reads it back. */
export function centsText(cents: number | null): string | null {
  if (cents === null) return null;
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const words = (role: string) => role.replace(/_/g, ' ');

const HEADERS: Record<ExportKind, string[]> = {
  accounts: ['name', 'external_id', 'arr', 'renewal_date', 'contract_start', 'churned_on', 'stage', 'tier', 'licensed_users', 'active_users', 'owner', 'kickoff_date'],
  // "account" and "external_id" find the account on import; the contact_* columns add the person to it.
  contacts: ['account', 'external_id', 'contact_name', 'contact_email', 'contact_role'],
  usage: ['account', 'external_id', 'date', 'active_users', 'licensed_users', 'spend', 'forecast', 'source'],
  checkins: ['account', 'type', 'occurred_at', 'sentiment', 'notes', 'next_step_date', 'logged_by'],
  tickets: ['number', 'account', 'severity', 'title', 'technology', 'status', 'opened_at', 'sla_due_at', 'first_response_at', 'resolved_at', 'resolution_note'],
  surveys: ['survey', 'account', 'kind', 'status', 'question', 'score', 'reason', 'respondent', 'answered_at'],
  health: HEALTH_HEADERS,
  'health-history': HEALTH_HEADERS,
};

/** The columns of a file: the accounts file says when each account was archived once archived ones are in it. */
function headersOf(kind: ExportKind, archived: ArchivedChoice): string[] {
  return kind === 'accounts' && archived !== 'exclude' ? [...HEADERS.accounts, 'archived_at'] : HEADERS[kind];
}

async function* accountRows(db: Db, workspace: ExportWorkspace, _now: Date, archived: ArchivedChoice): AsyncGenerator<Cell[]> {
  const rows = await db
    .select({ account: accounts, owner: users.displayName })
    .from(accounts)
    .leftJoin(users, eq(users.id, accounts.ownerUserId))
    .where(and(eq(accounts.workspaceId, workspace.id), archivedFilter(archived)))
    .orderBy(asc(sql`lower(${accounts.name})`), asc(accounts.id));
  for (const { account: a, owner } of rows) {
    const row: Cell[] = [a.name, a.externalId, centsText(a.arrCents), a.renewalDate, a.contractStart, a.churnedOn, a.stage, a.tier, a.licensedUsers, a.activeUsers, owner, a.kickoffDate];
    yield archived === 'exclude' ? row : [...row, iso(a.archivedAt)];
  }
}

function contactRows(db: Db, workspace: ExportWorkspace, _now: Date, archived: ArchivedChoice): AsyncGenerator<Cell[]> {
  return mapRows(
    pages((offset) =>
      db
        .select({ c: contacts, name: accounts.name, externalId: accounts.externalId })
        .from(contacts)
        .innerJoin(accounts, eq(accounts.id, contacts.accountId))
        .where(and(eq(contacts.workspaceId, workspace.id), archivedFilter(archived)))
        // By account, then person: the same contacts give the same file, whenever each was added.
        .orderBy(asc(sql`lower(${accounts.name})`), asc(accounts.id), asc(sql`lower(${contacts.name})`), asc(contacts.email), asc(contacts.id))
        .limit(PAGE)
        .offset(offset),
    ),
    ({ c, name, externalId }) => [name, externalId, c.name, c.email, words(c.role)],
  );
}

function usageRows(db: Db, workspace: ExportWorkspace, _now: Date, archived: ArchivedChoice): AsyncGenerator<Cell[]> {
  return mapRows(
    pages((offset) =>
      db
        .select({ r: usageReadings, name: accounts.name, externalId: accounts.externalId })
        .from(usageReadings)
        .innerJoin(accounts, eq(accounts.id, usageReadings.accountId))
        .where(and(eq(usageReadings.workspaceId, workspace.id), archivedFilter(archived)))
        // Time, then account: the same data gives the same file, whatever the row ids.
        .orderBy(asc(usageReadings.recordedAt), asc(sql`lower(${accounts.name})`), asc(usageReadings.id))
        .limit(PAGE)
        .offset(offset),
    ),
    ({ r, name, externalId }) => [name, externalId, iso(r.recordedAt), r.activeUsers, r.licensedUsers, centsText(r.spendCents), centsText(r.forecastCents), r.source],
  );
}

function checkinRows(db: Db, workspace: ExportWorkspace, _now: Date, archived: ArchivedChoice): AsyncGenerator<Cell[]> {
  return mapRows(
    pages((offset) =>
      db
        .select({ c: checkins, name: accounts.name, by: users.displayName })
        .from(checkins)
        .innerJoin(accounts, eq(accounts.id, checkins.accountId))
        .leftJoin(users, eq(users.id, checkins.userId))
        .where(and(eq(checkins.workspaceId, workspace.id), archivedFilter(archived)))
        .orderBy(asc(checkins.occurredAt), asc(sql`lower(${accounts.name})`), asc(checkins.id))
        .limit(PAGE)
        .offset(offset),
    ),
    ({ c, name, by }) => [name, c.type, iso(c.occurredAt), c.sentiment, c.notes, c.nextStepDate, by],
  );
}

function ticketRows(db: Db, workspace: ExportWorkspace, _now: Date, archived: ArchivedChoice): AsyncGenerator<Cell[]> {
  return mapRows(
    pages((offset) =>
      db
        .select({ t: tickets, name: accounts.name })
        .from(tickets)
        .innerJoin(accounts, eq(accounts.id, tickets.accountId))
        .where(and(eq(tickets.workspaceId, workspace.id), archivedFilter(archived)))
        .orderBy(asc(tickets.number))
        .limit(PAGE)
        .offset(offset),
    ),
    ({ t, name }) => [t.number, name, t.severity, t.title, t.technology, t.status, iso(t.openedAt), iso(t.slaDueAt), iso(t.firstResponseAt), iso(t.resolvedAt), t.resolutionNote],
  );
}

function surveyRows(db: Db, workspace: ExportWorkspace, _now: Date, archived: ArchivedChoice): AsyncGenerator<Cell[]> {
  return mapRows(
    pages((offset) =>
      db
        .select({ s: surveys, r: surveyResponses, name: accounts.name, who: users.displayName })
        .from(surveyResponses)
        .innerJoin(surveys, eq(surveys.id, surveyResponses.surveyId))
        .innerJoin(accounts, eq(accounts.id, surveys.accountId))
        .leftJoin(users, eq(users.id, surveyResponses.respondentUserId))
        .where(and(eq(surveyResponses.workspaceId, workspace.id), archivedFilter(archived)))
        .orderBy(asc(surveys.number), asc(surveyResponses.answeredAt), asc(surveyResponses.id))
        .limit(PAGE)
        .offset(offset),
    ),
    // Anonymous surveys stay anonymous in the export too.
    ({ s, r, name, who }) => [`#${s.number}`, name, s.kind, s.status, r.question, r.score, r.reason, s.anonymous ? null : who, iso(r.answeredAt)],
  );
}

type Source = (db: Db, workspace: ExportWorkspace, now: Date, archived: ArchivedChoice) => AsyncGenerator<Cell[]>;
const SOURCES: Record<ExportKind, Source> = {
  accounts: accountRows,
  contacts: contactRows,
  usage: usageRows,
  checkins: checkinRows,
  tickets: ticketRows,
  surveys: surveyRows,
  health: currentHealthRows,
  'health-history': healthHistoryRows,
};

export interface ExportOptions {
  /** The moment the current health is scored for. */
  now: Date;
  /** Whose rows: the live accounts' (default), archived ones' too, or archived ones' alone. */
  archived?: ArchivedChoice;
}

/**
 * Why an export cannot be made with these options, if it cannot: the current health
 * scores the live portfolio, and an archived account has no score now.
 */
export function exportProblem(kind: ExportKind, archived: ArchivedChoice): string | undefined {
  if (kind === 'health' && archived !== 'exclude') {
    return 'The health export scores the accounts in the portfolio now; an archived account has no current score. Its stored scores are in the health-history export with archived=include.';
  }
  return undefined;
}

/** The file's name: what it holds, whose, and the day (in the workspace's zone) it was made. */
export function exportFilename(kind: ExportKind, archived: ArchivedChoice, day: string): string {
  const whose = archived === 'include' ? '-with-archived' : archived === 'only' ? '-archived' : '';
  return `tenure-${kind}${whose}-${day}.csv`;
}

/**
 * The export as a CSV byte stream (UTF-8, header row, CRLF-free). Every door (the
 * CLI, /export in chat, the download link) streams this, so the cells are
 * neutralised here, once, whichever member or customer wrote them.
 */
export function exportCsv(db: Db, workspace: ExportWorkspace, kind: ExportKind, options: ExportOptions): Readable {
  const archived = options.archived ?? 'exclude';
  const problem = exportProblem(kind, archived);
  if (problem) throw new UserError(problem);
  const source = Readable.from(mapRows(SOURCES[kind](db, workspace, options.now, archived), (row) => row.map(neutraliseCell)));
  const csv = stringify({ header: true, columns: headersOf(kind, archived) });
  // pipe() does not forward errors: a failed query must fail the export, not truncate it.
  source.on('error', (err) => csv.destroy(err));
  return source.pipe(csv);
}

/** The whole export as text, for chat uploads (bounded by what a chat file may hold). */
export async function exportCsvText(db: Db, workspace: ExportWorkspace, kind: ExportKind, options: ExportOptions): Promise<string> {
  let text = '';
  for await (const chunk of exportCsv(db, workspace, kind, options)) text += String(chunk);
  return text;
}
