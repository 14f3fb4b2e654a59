// CSV export of a workspace's data, one kind per file, each row one thing: accounts
// (one row per account, so ARR sums to the portfolio's), their contacts, usage
// readings, check-ins, tickets, survey answers, every active account's health now,
// and the stored health snapshots (health-history). Rows are read a page at a time
// and streamed through csv-stringify, every cell neutralised against spreadsheet
// formulas (csv-cells.ts). The accounts, contacts and usage files use the importer's
// own column names, so export → import is a round trip.
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts, checkins, contacts, surveyResponses, surveys, tickets, usageReadings, users } from '../../db/schema.js';
import { neutraliseCell, type CsvCell } from './csv-cells.js';
import { currentHealthRows, HEALTH_HEADERS, healthHistoryRows } from './export-health.js';
import { mapRows, pages, PAGE, type ExportWorkspace } from './export-rows.js';

export type { ExportWorkspace } from './export-rows.js';

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

async function* accountRows(db: Db, workspace: ExportWorkspace): AsyncGenerator<Cell[]> {
  const rows = await db
    .select({ account: accounts, owner: users.displayName })
    .from(accounts)
    .leftJoin(users, eq(users.id, accounts.ownerUserId))
    .where(eq(accounts.workspaceId, workspace.id))
    .orderBy(asc(sql`lower(${accounts.name})`), asc(accounts.id));
  for (const { account: a, owner } of rows) {
    yield [a.name, a.externalId, centsText(a.arrCents), a.renewalDate, a.contractStart, a.churnedOn, a.stage, a.tier, a.licensedUsers, a.activeUsers, owner, a.kickoffDate];
  }
}

function contactRows(db: Db, workspace: ExportWorkspace): AsyncGenerator<Cell[]> {
  return mapRows(
    pages((offset) =>
      db
        .select({ c: contacts, name: accounts.name, externalId: accounts.externalId })
        .from(contacts)
        .innerJoin(accounts, eq(accounts.id, contacts.accountId))
        .where(eq(contacts.workspaceId, workspace.id))
        // By account, then person: the same contacts give the same file, whenever each was added.
        .orderBy(asc(sql`lower(${accounts.name})`), asc(accounts.id), asc(sql`lower(${contacts.name})`), asc(contacts.email), asc(contacts.id))
        .limit(PAGE)
        .offset(offset),
    ),
    ({ c, name, externalId }) => [name, externalId, c.name, c.email, words(c.role)],
  );
}

function usageRows(db: Db, workspace: ExportWorkspace): AsyncGenerator<Cell[]> {
  return mapRows(
    pages((offset) =>
      db
        .select({ r: usageReadings, name: accounts.name, externalId: accounts.externalId })
        .from(usageReadings)
        .innerJoin(accounts, eq(accounts.id, usageReadings.accountId))
        .where(eq(usageReadings.workspaceId, workspace.id))
        // Time, then account: the same data gives the same file, whatever the row ids.
        .orderBy(asc(usageReadings.recordedAt), asc(sql`lower(${accounts.name})`), asc(usageReadings.id))
        .limit(PAGE)
        .offset(offset),
    ),
    ({ r, name, externalId }) => [name, externalId, iso(r.recordedAt), r.activeUsers, r.licensedUsers, centsText(r.spendCents), centsText(r.forecastCents), r.source],
  );
}

function checkinRows(db: Db, workspace: ExportWorkspace): AsyncGenerator<Cell[]> {
  return mapRows(
    pages((offset) =>
      db
        .select({ c: checkins, name: accounts.name, by: users.displayName })
        .from(checkins)
        .innerJoin(accounts, eq(accounts.id, checkins.accountId))
        .leftJoin(users, eq(users.id, checkins.userId))
        .where(eq(checkins.workspaceId, workspace.id))
        .orderBy(asc(checkins.occurredAt), asc(sql`lower(${accounts.name})`), asc(checkins.id))
        .limit(PAGE)
        .offset(offset),
    ),
    ({ c, name, by }) => [name, c.type, iso(c.occurredAt), c.sentiment, c.notes, c.nextStepDate, by],
  );
}

function ticketRows(db: Db, workspace: ExportWorkspace): AsyncGenerator<Cell[]> {
  return mapRows(
    pages((offset) =>
      db
        .select({ t: tickets, name: accounts.name })
        .from(tickets)
        .innerJoin(accounts, eq(accounts.id, tickets.accountId))
        .where(eq(tickets.workspaceId, workspace.id))
        .orderBy(asc(tickets.number))
        .limit(PAGE)
        .offset(offset),
    ),
    ({ t, name }) => [t.number, name, t.severity, t.title, t.technology, t.status, iso(t.openedAt), iso(t.slaDueAt), iso(t.firstResponseAt), iso(t.resolvedAt), t.resolutionNote],
  );
}

function surveyRows(db: Db, workspace: ExportWorkspace): AsyncGenerator<Cell[]> {
  return mapRows(
    pages((offset) =>
      db
        .select({ s: surveys, r: surveyResponses, name: accounts.name, who: users.displayName })
        .from(surveyResponses)
        .innerJoin(surveys, eq(surveys.id, surveyResponses.surveyId))
        .innerJoin(accounts, eq(accounts.id, surveys.accountId))
        .leftJoin(users, eq(users.id, surveyResponses.respondentUserId))
        .where(eq(surveyResponses.workspaceId, workspace.id))
        .orderBy(asc(surveys.number), asc(surveyResponses.answeredAt), asc(surveyResponses.id))
        .limit(PAGE)
        .offset(offset),
    ),
    // Anonymous surveys stay anonymous in the export too.
    ({ s, r, name, who }) => [`#${s.number}`, name, s.kind, s.status, r.question, r.score, r.reason, s.anonymous ? null : who, iso(r.answeredAt)],
  );
}


type Source = (db: Db, workspace: ExportWorkspace, now: Date) => AsyncGenerator<Cell[]>;
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

/**
 * The export as a CSV byte stream (UTF-8, header row, CRLF-free). Every door (the
 * CLI, /export in chat, the download link) streams this, so the cells are
 * neutralised here, once, whichever member or customer wrote them. `now` is the
 * moment the current health is scored for.
 */
export function exportCsv(db: Db, workspace: ExportWorkspace, kind: ExportKind, options: { now: Date }): Readable {
  const source = Readable.from(mapRows(SOURCES[kind](db, workspace, options.now), (row) => row.map(neutraliseCell)));
  const csv = stringify({ header: true, columns: HEADERS[kind] });
  // pipe() does not forward errors: a failed query must fail the export, not truncate it.
  source.on('error', (err) => csv.destroy(err));
  return source.pipe(csv);
}

/** The whole export as text, for chat uploads (bounded by what a chat file may hold). */
export async function exportCsvText(db: Db, workspace: ExportWorkspace, kind: ExportKind, options: { now: Date }): Promise<string> {
  let text = '';
  for await (const chunk of exportCsv(db, workspace, kind, options)) text += String(chunk);
  return text;
}
