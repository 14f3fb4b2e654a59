// CSV export, on every database engine: every kind exports the demo workspace,
// and export → import into a fresh workspace → export gives the same file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import type { Database } from '../../db/client.js';
import { ensureWorkspace } from '../../src/core/workspaces.js';
import { seedDemoWorkspace } from '../../src/demo/seed.js';
import { EXPORT_KINDS, exportCsvText } from '../../src/data/export.js';
import { importCsv } from '../../src/data/import.js';
import { ENGINES } from '../helpers/engines.js';

const now = new Date('2026-11-23T10:00:00Z');
const actor = { userId: null, now, label: 'CSV import (test)' };

describe.each(ENGINES)('CSV export on $name', (engine) => {
  let database: Database;
  let release: () => Promise<void>;
  let demoId: string;
  beforeAll(async () => {
    ({ database, release } = await engine.open());
    const demo = await ensureWorkspace(database.db, { platform: 'console', externalId: 'demo', name: 'Demo', timezone: 'UTC' });
    await seedDemoWorkspace(database.db, demo.id, now);
    demoId = demo.id;
  });
  afterAll(() => release());

  it('exports every kind with a header row and the demo data', async () => {
    for (const kind of EXPORT_KINDS) {
      const rows = parse(await exportCsvText(database.db, demoId, kind)) as string[][];
      expect(rows.length, kind).toBeGreaterThan(kind === 'health' ? 0 : 1);
      expect(new Set(rows.map((r) => r.length)).size, kind).toBe(1);
    }
  });

  it('round-trips accounts (with owners and contacts) and usage through import', async () => {
    const copy = await ensureWorkspace(database.db, { platform: 'console', externalId: 'copy', name: 'Copy', timezone: 'UTC' });
    const accountsCsv = await exportCsvText(database.db, demoId, 'accounts');
    const usageCsv = await exportCsvText(database.db, demoId, 'usage');
    const a = await importCsv(database.db, copy.id, accountsCsv, { actor });
    const u = await importCsv(database.db, copy.id, usageCsv, { actor });
    expect(a.errors).toEqual([]);
    expect(u.errors).toEqual([]);
    expect(u.created).toBeGreaterThan(0);
    expect(await exportCsvText(database.db, copy.id, 'accounts')).toBe(accountsCsv);
    // The source column says where a reading came from: the copy's came from a CSV.
    const withoutSource = (csv: string) => (parse(csv) as string[][]).map((r) => r.slice(0, -1));
    expect(withoutSource(await exportCsvText(database.db, copy.id, 'usage'))).toEqual(withoutSource(usageCsv));

    // Importing the export back into its own workspace changes nothing.
    expect(await importCsv(database.db, demoId, accountsCsv, { actor })).toMatchObject({ created: 0, updated: 0, errorCount: 0 });
  });
});
