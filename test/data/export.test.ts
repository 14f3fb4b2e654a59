// CSV export, on every database engine: every kind exports the demo workspace,
// and export → import into a fresh workspace → export gives the same files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import type { Database } from '../../db/client.js';
import { ensureWorkspace, type Workspace } from '../../src/core/workspaces.js';
import { seedDemoWorkspace } from '../../src/demo/seed.js';
import { EXPORT_KINDS, exportCsvText } from '../../src/data/export.js';
import { importCsv } from '../../src/data/import.js';
import { ENGINES } from '../helpers/engines.js';

const now = new Date('2026-11-23T10:00:00Z');
const actor = { userId: null, now, label: 'CSV import (test)' };

describe.each(ENGINES)('CSV export on $name', (engine) => {
  let database: Database;
  let release: () => Promise<void>;
  let demo: Workspace;
  const csvOf = (workspace: Workspace, kind: (typeof EXPORT_KINDS)[number]) => exportCsvText(database.db, workspace, kind, { now });
  beforeAll(async () => {
    ({ database, release } = await engine.open());
    demo = await ensureWorkspace(database.db, { platform: 'console', externalId: 'demo', name: 'Demo', timezone: 'UTC' });
    await seedDemoWorkspace(database.db, demo.id, now);
  });
  afterAll(() => release());

  it('exports every kind with a header row and the demo data', async () => {
    for (const kind of EXPORT_KINDS) {
      const rows = parse(await csvOf(demo, kind)) as string[][];
      expect(rows.length, kind).toBeGreaterThan(1);
      expect(new Set(rows.map((r) => r.length)).size, kind).toBe(1);
    }
  });

  it('round-trips accounts (with owners), contacts and usage through import', async () => {
    const copy = await ensureWorkspace(database.db, { platform: 'console', externalId: 'copy', name: 'Copy', timezone: 'UTC' });
    const files = { accounts: await csvOf(demo, 'accounts'), contacts: await csvOf(demo, 'contacts'), usage: await csvOf(demo, 'usage') };
    const reports = [];
    for (const csv of Object.values(files)) reports.push(await importCsv(database.db, copy.id, csv, { actor }));
    for (const r of reports) expect(r.errors).toEqual([]);
    // Every contact row adds its person to an account the accounts file made.
    expect(reports[1]).toMatchObject({ created: 0, updated: 36 });
    expect(reports[2]!.created).toBeGreaterThan(0);
    expect(await csvOf(copy, 'accounts')).toBe(files.accounts);
    expect(await csvOf(copy, 'contacts')).toBe(files.contacts);
    // The source column says where a reading came from: the copy's came from a CSV.
    const withoutSource = (csv: string) => (parse(csv) as string[][]).map((r) => r.slice(0, -1));
    expect(withoutSource(await csvOf(copy, 'usage'))).toEqual(withoutSource(files.usage));

    // Importing the exports back into their own workspace changes nothing.
    expect(await importCsv(database.db, demo.id, files.accounts, { actor })).toMatchObject({ created: 0, updated: 0, errorCount: 0 });
    expect(await importCsv(database.db, demo.id, files.contacts, { actor })).toMatchObject({ created: 0, updated: 0, errorCount: 0 });
  });
});
