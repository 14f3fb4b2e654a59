// CSV export of a workspace's data: accounts (one row per contact, so the file
// re-imports with its contacts), usage readings, check-ins, tickets, survey answers
// and the latest health snapshot. Rows are read a page at a time and streamed
// through csv-stringify, every cell neutralised against spreadsheet formulas
// (csv-cells.ts). The accounts and usage files use the importer's own column
// names, so export → import is a round trip.
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts, checkins, contacts, healthSnapshots, surveyResponses, surveys, tickets, usageReadings, users } from '../../db/schema.js';
import { neutraliseCell, type CsvCell } from './csv-cells.js';

export const EXPORT_KINDS = ['accounts', 'usage', 'checkins', 'tickets', 'surveys', 'health'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

const PAGE = 5_000;
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

async function* pages<T>(fetch: (offset: number) => Promise<T[]>): AsyncGenerator<T> {
  for (let offset = 0; ; offset += PAGE) {
    const page = await fetch(offset);
    yield* page;
    if (page.length < PAGE) return;
  }
}

const HEADERS: Record<ExportKind, string[]> = {
  accounts: ['name', 'external_id', 'arr', 'renewal_date', 'contract_start', 'stage', 'tier', 'licensed_users', 'active_users', 'owner', 'kickoff_date', 'contact_name', 'contact_email', 'contact_role'],
  usage: ['account', 'external_id', 'date', 'active_users', 'licensed_users', 'spend', 'forecast', 'source'],
  checkins: ['account', 'type', 'occurred_at', 'sentiment', 'notes', 'next_step_date', 'logged_by'],
  tickets: ['number', 'account', 'severity', 'title', 'technology', 'status', 'opened_at', 'sla_due_at', 'first_response_at', 'resolved_at', 'resolution_note'],
  surveys: ['survey', 'account', 'kind', 'status', 'question', 'score', 'reason', 'respondent', 'answered_at'],
  health: ['account', 'day', 'score', 'band', 'drivers'],
};

async function* accountRows(db: Db, workspaceId: string): AsyncGenerator<Cell[]> {
  const rows = await db
    .select({ account: accounts, owner: users.displayName })
    .from(accounts)
    .leftJoin(users, eq(users.id, accounts.ownerUserId))
    .where(eq(accounts.workspaceId, workspaceId))
    .orderBy(asc(sql`lower(${accounts.name})`));
  const people = await db.select().from(contacts).where(eq(contacts.workspaceId, workspaceId)).orderBy(asc(contacts.createdAt), asc(contacts.name));
  const byAccount = new Map<string, typeof people>();
  for (const c of people) byAccount.set(c.accountId, [...(byAccount.get(c.accountId) ?? []), c]);
  for (const { account: a, owner } of rows) {
    const base: Cell[] = [a.name, a.externalId, centsText(a.arrCents), a.renewalDate, a.contractStart, a.stage, a.tier, a.licensedUsers, a.activeUsers, owner, a.kickoffDate];
    const list = byAccount.get(a.id) ?? [];
    if (list.length === 0) yield [...base, null, null, null];
    for (const c of list) yield [...base, c.name, c.email, words(c.role)];
  }
}

function usageRows(db: Db, workspaceId: string): AsyncGenerator<Cell[]> {
  return mapRows(
    pages((offset) =>
      db
        .select({ r: usageReadings, name: accounts.name, externalId: accounts.externalId })
        .from(usageReadings)
        .innerJoin(accounts, eq(accounts.id, usageReadings.accountId))
        .where(eq(usageReadings.workspaceId, workspaceId))
        // Time, then account: the same data gives the same file, whatever the row ids.
        .orderBy(asc(usageReadings.recordedAt), asc(sql`lower(${accounts.name})`), asc(usageReadings.id))
        .limit(PAGE)
        .offset(offset),
    ),
    ({ r, name, externalId }) => [name, externalId, iso(r.recordedAt), r.activeUsers, r.licensedUsers, centsText(r.spendCents), centsText(r.forecastCents), r.source],
  );
}

function checkinRows(db: Db, workspaceId: string): AsyncGenerator<Cell[]> {
  return mapRows(
    pages((offset) =>
      db
        .select({ c: checkins, name: accounts.name, by: users.displayName })
        .from(checkins)
        .innerJoin(accounts, eq(accounts.id, checkins.accountId))
        .leftJoin(users, eq(users.id, checkins.userId))
        .where(eq(checkins.workspaceId, workspaceId))
        .orderBy(asc(checkins.occurredAt), asc(sql`lower(${accounts.name})`), asc(checkins.id))
        .limit(PAGE)
        .offset(offset),
    ),
    ({ c, name, by }) => [name, c.type, iso(c.occurredAt), c.sentiment, c.notes, c.nextStepDate, by],
  );
}

function ticketRows(db: Db, workspaceId: string): AsyncGenerator<Cell[]> {
  return mapRows(
    pages((offset) =>
      db
        .select({ t: tickets, name: accounts.name })
        .from(tickets)
        .innerJoin(accounts, eq(accounts.id, tickets.accountId))
        .where(eq(tickets.workspaceId, workspaceId))
        .orderBy(asc(tickets.number))
        .limit(PAGE)
        .offset(offset),
    ),
    ({ t, name }) => [t.number, name, t.severity, t.title, t.technology, t.status, iso(t.openedAt), iso(t.slaDueAt), iso(t.firstResponseAt), iso(t.resolvedAt), t.resolutionNote],
  );
}

function surveyRows(db: Db, workspaceId: string): AsyncGenerator<Cell[]> {
  return mapRows(
    pages((offset) =>
      db
        .select({ s: surveys, r: surveyResponses, name: accounts.name, who: users.displayName })
        .from(surveyResponses)
        .innerJoin(surveys, eq(surveys.id, surveyResponses.surveyId))
        .innerJoin(accounts, eq(accounts.id, surveys.accountId))
        .leftJoin(users, eq(users.id, surveyResponses.respondentUserId))
        .where(eq(surveyResponses.workspaceId, workspaceId))
        .orderBy(asc(surveys.number), asc(surveyResponses.answeredAt), asc(surveyResponses.id))
        .limit(PAGE)
        .offset(offset),
    ),
    // Anonymous surveys stay anonymous in the export too.
    ({ s, r, name, who }) => [`#${s.number}`, name, s.kind, s.status, r.question, r.score, r.reason, s.anonymous ? null : who, iso(r.answeredAt)],
  );
}

async function* healthRows(db: Db, workspaceId: string): AsyncGenerator<Cell[]> {
  const rows = await db
    .selectDistinctOn([healthSnapshots.accountId], { h: healthSnapshots, name: accounts.name })
    .from(healthSnapshots)
    .innerJoin(accounts, eq(accounts.id, healthSnapshots.accountId))
    .where(and(eq(healthSnapshots.workspaceId, workspaceId)))
    .orderBy(healthSnapshots.accountId, desc(healthSnapshots.day));
  rows.sort((a, b) => a.name.localeCompare(b.name));
  for (const { h, name } of rows) yield [name, h.day, h.score, h.band, h.drivers.join('; ')];
}

async function* mapRows<T>(rows: AsyncGenerator<T>, map: (row: T) => Cell[]): AsyncGenerator<Cell[]> {
  for await (const row of rows) yield map(row);
}

const SOURCES: Record<ExportKind, (db: Db, workspaceId: string) => AsyncGenerator<Cell[]>> = {
  accounts: accountRows,
  usage: usageRows,
  checkins: checkinRows,
  tickets: ticketRows,
  surveys: surveyRows,
  health: healthRows,
};

/**
 * The export as a CSV byte stream (UTF-8, header row, CRLF-free). Every door (the
 * CLI, /export in chat, the download link) streams this, so the cells are
 * neutralised here, once, whichever member or customer wrote them.
 */
export function exportCsv(db: Db, workspaceId: string, kind: ExportKind): Readable {
  const source = Readable.from(mapRows(SOURCES[kind](db, workspaceId), (row) => row.map(neutraliseCell)));
  const csv = stringify({ header: true, columns: HEADERS[kind] });
  // pipe() does not forward errors: a failed query must fail the export, not truncate it.
  source.on('error', (err) => csv.destroy(err));
  return source.pipe(csv);
}

/** The whole export as text, for chat uploads (bounded by what a chat file may hold). */
export async function exportCsvText(db: Db, workspaceId: string, kind: ExportKind): Promise<string> {
  let text = '';
  for await (const chunk of exportCsv(db, workspaceId, kind)) text += String(chunk);
  return text;
}
