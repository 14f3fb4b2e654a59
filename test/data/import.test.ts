// CSV import through the shared importer, on every database engine: a messy file
// (BOM, CRLF, quoted commas, blank lines, duplicates, bad cells, unicode) puts the
// good rows in, reports the bad ones by line, and a second run changes nothing.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { accounts, auditLog, contacts, usageReadings } from '../../db/schema.js';
import { UserError } from '../../src/core/errors.js';
import { ensureWorkspace } from '../../src/core/workspaces.js';
import { importCsv } from '../../src/data/import.js';
import { ENGINES, onDatabase } from '../helpers/engines.js';

const now = new Date('2026-11-23T10:00:00Z');
const actor = { userId: null, now, label: 'CSV import (test)' };

const MESSY =
  '\uFEFFCompany Name,Customer ID,Annual Value,Contract End,Licensed Users,Active Users,Stage,Contact Name,Contact Email,Notes\r\n' +
  '"Acme, Inc.",A-1,$120k,2027-03-31,100,72,onboard,Jo Park,jo@acme.com,"said ""hi"""\r\n' +
  '\r\n' +
  'Zürich Bänk ☃,Z-9,"1,200,000",2027-02-28,50,40,Adopt,,,\r\n' +
  'Beta,B-2,lots,2027-01-01,10,5,land,,,\r\n' +
  '"Acme, Inc.",A-1,$120k,2027-03-31,100,72,onboard,Jo Park,jo@acme.com,"said ""hi"""\r\n' +
  'Gamma,G-3,5000,2027-02-30,10,3,land,,,\r\n' +
  ',,,,,,,,,\r\n' +
  'Delta,D-4,5000,2027-05-01,1x,3,land,,,\r\n' +
  'Epsilon,E-5,5000,2027-05-01,10,3,wobbly,,,\r\n';

describe.each(ENGINES)('CSV import on $name', (engine) => {
  let database: Database;
  onDatabase(engine, (opened) => (database = opened));

  const workspace = (id: string) => ensureWorkspace(database.db, { platform: 'console', externalId: id, name: id, timezone: 'UTC' });

  it('imports the good rows of a messy file, reports bad ones by line, and re-imports as a no-op', async () => {
    const ws = await workspace('messy');
    const other = await workspace('untouched');
    await database.db.insert(accounts).values({ workspaceId: other.id, name: 'Acme, Inc.', externalId: 'A-1' });

    const dry = await importCsv(database.db, ws.id, MESSY, { actor, dryRun: true });
    expect(dry).toMatchObject({ kind: 'accounts', dryRun: true, rows: 7, created: 2, unchanged: 1, errorCount: 4 });
    expect(await database.db.select().from(accounts).where(eq(accounts.workspaceId, ws.id))).toEqual([]);

    const report = await importCsv(database.db, ws.id, MESSY, { actor });
    expect(report).toMatchObject({ rows: 7, created: 2, updated: 0, unchanged: 1, errorCount: 4, ignoredColumns: ['Notes'] });
    expect(report.errors).toEqual([
      { line: 5, message: 'arr "lots" is not an amount; write it like 120000, $120k or 1.2m' },
      { line: 7, message: 'renewal date "2027-02-30" is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31 (that month has no such day)' },
      { line: 9, message: 'licensed users "1x" is not a whole number; write it like 100 or 1,200' },
      { line: 10, message: 'stage "wobbly" is not a lifecycle stage; use one of land, onboard, adopt, expand, renew, churned' },
    ]);
    const rows = await database.db.select().from(accounts).where(eq(accounts.workspaceId, ws.id)).orderBy(accounts.name);
    expect(rows.map((r) => [r.name, r.externalId, r.arrCents, r.renewalDate, r.licensedUsers, r.activeUsers, r.stage])).toEqual([
      ['Acme, Inc.', 'A-1', 12_000_000, '2027-03-31', 100, 72, 'onboard'],
      ['Zürich Bänk ☃', 'Z-9', 120_000_000, '2027-02-28', 50, 40, 'adopt'],
    ]);
    const people = await database.db.select().from(contacts).where(eq(contacts.workspaceId, ws.id));
    expect(people.map((c) => [c.name, c.email, c.role])).toEqual([['Jo Park', 'jo@acme.com', 'technical_contact']]);
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.workspaceId, ws.id));
    expect(audit.map((a) => `${a.action} by ${a.actorLabel}`).sort()).toEqual([
      'add-contact by CSV import (test)',
      'create by CSV import (test)',
      'create by CSV import (test)',
    ]);

    const again = await importCsv(database.db, ws.id, MESSY, { actor });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3, errorCount: 4 });
    expect(await database.db.select().from(auditLog).where(eq(auditLog.workspaceId, ws.id))).toHaveLength(3);
    // The other workspace's account of the same name and id is untouched.
    const [theirs] = await database.db.select().from(accounts).where(eq(accounts.workspaceId, other.id));
    expect(theirs).toMatchObject({ name: 'Acme, Inc.', arrCents: null });
  });

  it('upserts by external id (renaming) and else by name, changing only what differs', async () => {
    const ws = await workspace('upsert');
    await importCsv(database.db, ws.id, 'name,id,arr\nAcme,A-1,100\nBeta,,200\n', { actor });
    const report = await importCsv(database.db, ws.id, 'Account Name,External ID,ARR,Tier\nAcme Corp,A-1,100,gold\nbeta,,250,\n', { actor });
    expect(report).toMatchObject({ created: 0, updated: 2, errorCount: 0 });
    expect(report.changes).toEqual([
      { line: 2, message: 'update "Acme": name "Acme Corp" (was "Acme"), tier gold' },
      { line: 3, message: 'update "Beta": arr $250 (was $200)' },
    ]);
    const rows = await database.db.select().from(accounts).where(eq(accounts.workspaceId, ws.id)).orderBy(accounts.name);
    expect(rows.map((r) => [r.name, r.externalId, r.arrCents, r.tier])).toEqual([
      ['Acme Corp', 'A-1', 10_000, 'gold'],
      ['Beta', null, 25_000, null],
    ]);
  });

  it('imports usage readings in batches, skipping readings already stored', async () => {
    const ws = await workspace('usage');
    await importCsv(database.db, ws.id, 'name,id\nAcme,A-1\n', { actor });
    const lines = ['Customer,Date,Active Users,Spend,Forecast'];
    for (let day = 1; day <= 28; day++) lines.push(`Acme,2026-02-${String(day).padStart(2, '0')},${day},$1.5k,1400`);
    lines.push('Nobody,2026-02-01,3,,', 'Acme,someday,3,,', 'Acme,2026-03-01,,,');
    const csv = `${lines.join('\n')}\n`;
    const first = await importCsv(database.db, ws.id, csv, { actor, source: 'csv' });
    expect(first).toMatchObject({ kind: 'usage', rows: 31, created: 28, errorCount: 3 });
    expect(first.errors.map((e) => e.line)).toEqual([30, 31, 32]);
    const second = await importCsv(database.db, ws.id, csv, { actor, source: 'csv' });
    expect(second).toMatchObject({ created: 0, unchanged: 28 });
    const stored = await database.db.select().from(usageReadings).where(eq(usageReadings.workspaceId, ws.id));
    expect(stored).toHaveLength(28);
    expect(stored.find((r) => r.activeUsers === 5)).toMatchObject({ spendCents: 150_000, forecastCents: 140_000, source: 'csv' });
    // A name carrying invisible controls finds the account, as every other name lookup does.
    const invisible = await importCsv(database.db, ws.id, 'Customer,Date,Active Users\n\u202eAcme\u200b,2026-03-02,7\n', { actor, source: 'csv' });
    expect(invisible).toMatchObject({ created: 1, errorCount: 0 });
  });

  it('answers a cell too long for its column with that row\'s error, naming the column, the length and the limit', async () => {
    const ws = await workspace('long-cells');
    // 30,002 characters each: spaces a money pattern once took seconds over, and an "email" of 15,000 labels.
    const spaces = `1${' '.repeat(30_000)}x`;
    const email = `a@${'b.'.repeat(15_000)}`;
    const atLimit = `${'0'.repeat(96)}5000`;
    const csv = `Company Name,Annual Value,Contact Email\nAcme,"${spaces}",\nBeta,5000,${email}\nGamma,${atLimit},\n`;
    const report = await importCsv(database.db, ws.id, csv, { actor, dryRun: true });
    expect(report).toMatchObject({ rows: 3, created: 1, errorCount: 2 });
    expect(report.errors).toEqual([
      { line: 2, message: 'the "Annual Value" cell is 30,002 characters long; that column takes at most 100' },
      { line: 3, message: 'the "Contact Email" cell is 30,002 characters long; that column takes at most 300' },
    ]);
    // A cell at its column's limit is read as usual.
    expect(report.changes).toEqual([{ line: 4, message: 'create "Gamma": arr $5,000' }]);

    const usage = await importCsv(database.db, ws.id, `name,date,spend\nGamma,2026-02-01,"${spaces}"\n`, { actor, dryRun: true });
    expect(usage.errors).toEqual([{ line: 2, message: 'the "spend" cell is 30,002 characters long; that column takes at most 100' }]);
  });

  it('refuses a header too long to be a column name, naming its position, the length and the limit', async () => {
    const ws = await workspace('long-header');
    await expect(importCsv(database.db, ws.id, `name,${'x'.repeat(5_000)}\nAcme,1\n`, { actor })).rejects.toThrow(
      new UserError('The header of column 2 is 5,000 characters long; a column name takes at most 200. The first line of the file must name the columns, e.g. name,arr,renewal.'),
    );
    expect(await database.db.select().from(accounts).where(eq(accounts.workspaceId, ws.id))).toEqual([]);
  });

  it('rejects a file without an account column and a file that is not CSV, writing nothing', async () => {
    const ws = await workspace('bad');
    await expect(importCsv(database.db, ws.id, 'foo,bar\n1,2\n', { actor })).rejects.toThrow(/No account column/);
    await expect(importCsv(database.db, ws.id, 'name,arr\nAcme,1\n"Beta,2\n', { actor })).rejects.toThrow(/quote/i);
    expect(await database.db.select().from(accounts).where(eq(accounts.workspaceId, ws.id))).toEqual([]);
  });
});
