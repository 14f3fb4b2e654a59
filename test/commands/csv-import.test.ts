// The platform-neutral side of importing a CSV shared in chat, through the registry
// with an in-memory file source (what any adapter's ctx.files provides), on every
// engine: preview, Import, Cancel, and buttons that no longer fit.
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { SharedFile } from '../../commands/context.js';
import { countsInWords, looksLikeCsv, previewSharedCsv } from '../../commands/csv-import.js';
import { accounts } from '../../db/schema.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');

describe('shared CSV files in words', () => {
  it('recognises CSV files by name, MIME type or file type', () => {
    expect(looksLikeCsv({ name: 'Accounts.CSV' })).toBe(true);
    expect(looksLikeCsv({ name: 'export', mimetype: 'text/csv; charset=utf-8' })).toBe(true);
    expect(looksLikeCsv({ name: 'export', filetype: 'csv' })).toBe(true);
    expect(looksLikeCsv({ name: 'chart.png', mimetype: 'image/png' })).toBe(false);
    expect(looksLikeCsv({ name: 'accounts.csv.zip' })).toBe(false);
  });

  it('counts what a file would do and what it did', () => {
    expect(countsInWords({ kind: 'accounts', created: 80, updated: 3, unchanged: 0, errorCount: 2 }, false)).toBe('80 accounts to create, 3 to change, 2 bad rows');
    expect(countsInWords({ kind: 'accounts', created: 1, updated: 0, unchanged: 4, errorCount: 1 }, true)).toBe('1 account created, 0 changed, 4 unchanged, 1 bad row skipped');
    expect(countsInWords({ kind: 'usage', created: 1, updated: 0, unchanged: 2, errorCount: 0 }, false)).toBe('1 reading to add, 2 already stored');
  });
});

describe.each(ENGINES)('importing a shared CSV on $name', (engine) => {
  const t = registryOn(engine);

  it('previews, imports on Import and answers a second press with the first decision', async () => {
    const file: SharedFile = { id: 'local-1', name: 'crm.csv', content: 'name,arr,renewal\nNorthwind,90k,2027-06-30\nContoso,12k,soon\n' };
    const base = await newContext(t.database.db);
    const ctx = { ...base, files: { read: async (id: string) => ({ ...file, id }) } };
    const preview = await previewSharedCsv(ctx, file);
    const [message] = preview.messages;
    expect(message!.visibility).toBe('channel');
    expect(message!.text).toBe('crm.csv: 1 account to create, 0 to change, 1 bad row (line 3: renewal date "soon" is not a date; write it like tomorrow, fri, next friday, in 2 weeks, 31 Mar, 31 Mar 2027 or YYYY-MM-DD)');
    const buttons = message!.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : []));
    expect(buttons.map((b) => b.label)).toEqual(['Import', 'Cancel']);
    const accountsNow = async () => (await t.database.db.select({ n: count() }).from(accounts).where(eq(accounts.workspaceId, ctx.workspace.id)))[0]!.n;
    expect(await accountsNow()).toBe(0);

    const done = await t.registry.press(ctx, buttons[0]!.id, buttons[0]!.value);
    expect(done.update?.text).toBe('crm.csv imported by @ana: 1 account created, 0 changed, 1 bad row skipped');
    expect(plain(done)).toContain('line 3: renewal date "soon" is not a date');
    expect(await accountsNow()).toBe(1);
    const again = await t.registry.press(ctx, buttons[1]!.id, buttons[1]!.value);
    expect(plain(again)).toMatch(/^crm\.csv was already imported by @ana \(Mon 23 Nov 2026 10:00\)\. Nothing was imported again\./);
    expect(await accountsNow()).toBe(1);
  });

  it('refuses buttons that no longer fit: garbage values, and no file source to read from', async () => {
    const ctx = await newContext(t.database.db);
    expect(plain(await t.registry.press(ctx, 'csv-import.confirm', 'not json'))).toContain('That button is no longer valid');
    expect(plain(await t.registry.press(ctx, 'csv-import.cancel', '{"f":"x"}'))).toContain('That button is no longer valid');
    const value = JSON.stringify({ f: 'F1', n: 'a.csv', h: 'a'.repeat(64) });
    expect(plain(await t.registry.press(ctx, 'csv-import.confirm', value))).toContain('can be imported only where they were shared');
  });
});
