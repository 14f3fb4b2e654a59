// The core is the one door for account names: createAccount, updateAccount and
// resolveAccount clean and check a name whoever calls them, so the ingest API's rows
// (checked by its own zod schema, which knows nothing of bidi controls) get the same
// rule as the chat commands. On every engine.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { accounts, auditLog } from '../../db/schema.js';
import { createAccount, findAccountByName, resolveAccount, updateAccount } from '../../src/core/accounts.js';
import { UserError } from '../../src/core/errors.js';
import { importRows } from '../../src/data/import.js';
import { parseRows } from '../../src/http/api-rows.js';
import { ENGINES, onDatabase } from '../helpers/engines.js';
import { newContext } from '../helpers/context.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const INVISIBLE =
  'The account name has nothing visible in it, only spaces or invisible characters: type it as people should read it, with letters or digits, e.g. "Acme Corp".';

describe.each(ENGINES)('account names in the core on $name', (engine) => {
  let database: Database;
  onDatabase(engine, (opened) => (database = opened));

  const namesIn = async (workspaceId: string) =>
    (await database.db.select({ name: accounts.name }).from(accounts).where(eq(accounts.workspaceId, workspaceId))).map((r) => r.name).sort();

  it('createAccount and updateAccount refuse invisible names and store cleaned ones', async () => {
    const ctx = await newContext(database.db, { now: NOW });
    const actor = { userId: ctx.user.id, now: NOW };
    await expect(createAccount(database.db, ctx.workspace.id, { name: '\u0000\u202e' }, actor)).rejects.toThrow(new UserError(INVISIBLE));
    await expect(createAccount(database.db, ctx.workspace.id, { name: '\u200b' }, actor)).rejects.toThrow(UserError);
    expect(await namesIn(ctx.workspace.id)).toEqual([]);

    const created = await createAccount(database.db, ctx.workspace.id, { name: ' \u202eGlobex\u0000 ' }, actor);
    expect(created.name).toBe('Globex');
    await expect(updateAccount(database.db, ctx.workspace.id, created.id, { name: '\u2066\u2069' }, actor)).rejects.toThrow(new UserError(INVISIBLE));
    const { after } = await updateAccount(database.db, ctx.workspace.id, created.id, { name: 'Globex\u200f Labs' }, actor);
    expect(after.name).toBe('Globex Labs');
    // The audit log holds the stored (clean) name.
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.entityId, created.id));
    expect(audit.map((a) => a.after)).toEqual([expect.objectContaining({ name: 'Globex' }), { name: 'Globex Labs' }]);
  });

  it('lookups read a name the way it is stored, and say so when there is nothing to look up', async () => {
    const ctx = await newContext(database.db, { now: NOW });
    await createAccount(database.db, ctx.workspace.id, { name: 'Initech' }, { userId: ctx.user.id, now: NOW });
    expect((await findAccountByName(database.db, ctx.workspace.id, '\u202eInitech\u200b'))?.name).toBe('Initech');
    expect((await resolveAccount(database.db, ctx.workspace.id, 'INITECH\u2066')).name).toBe('Initech');
    await expect(resolveAccount(database.db, ctx.workspace.id, '\u202e')).rejects.toThrow(new UserError(INVISIBLE));
  });

  it('ingest API rows: an invisible name is that row’s error, controls are removed, a known name updates', async () => {
    const ctx = await newContext(database.db, { now: NOW });
    await createAccount(database.db, ctx.workspace.id, { name: 'Acme Corp' }, { userId: ctx.user.id, now: NOW });
    const { cells, issues } = parseRows('accounts', [
      { name: 'Acme Corp\u202e', arr: 20_000 },
      { name: '\u202e\u200b', arr: 30_000 },
      { name: 'Contoso\u0007', arr: 40_000 },
    ]);
    expect(issues).toEqual([]);
    const report = await importRows(
      database.db,
      ctx.workspace.id,
      'accounts',
      cells.map((c, i) => ({ line: i + 1, cells: c })),
      { actor: { userId: null, now: NOW, label: 'ingest API' }, source: 'api' },
    );
    expect(report).toMatchObject({ created: 1, updated: 1, errorCount: 1, errors: [{ line: 2, message: INVISIBLE }] });
    expect(await namesIn(ctx.workspace.id)).toEqual(['Acme Corp', 'Contoso']);
  });
});
