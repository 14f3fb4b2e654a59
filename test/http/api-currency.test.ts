// TENURE_CURRENCY end to end: the local workspace main.ts creates counts in it, and
// the ingest API reads amounts in it — an amount in another currency is a row error,
// never converted.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, workspaces } from '../../db/schema.js';
import { ENGINES } from '../helpers/engines.js';
import { scratchDirectory, tenureForSuite } from '../helpers/suite-tenure.js';

const TOKEN = 'test-token-0123456789abcdef';
const now = new Date('2026-11-23T10:00:00Z');

describe.each(ENGINES)('TENURE_CURRENCY on $name', (engine) => {
  const dir = scratchDirectory('tenure-currency-');
  const app = tenureForSuite(engine, () => ({ TENURE_DATA_DIR: dir.path, TENURE_API_TOKEN: TOKEN, TENURE_CURRENCY: 'EUR' }), { clock: () => now }, [dir]);

  const post = (kind: string, body: unknown) =>
    fetch(new URL(`/api/v1/${kind}`, app.tenure.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    });

  it('the local workspace counts in EUR, and the API refuses dollars', async () => {
    const [ws] = await app.tenure.database.db.select().from(workspaces).where(eq(workspaces.externalId, 'local'));
    expect(ws?.currency).toBe('EUR');

    const dollars = await post('accounts', { rows: [{ name: 'Euro Corp', arr: '$90k' }] });
    expect(dollars.status).toBe(400);
    expect(await dollars.json()).toEqual({
      error: '1 of 1 rows are invalid; nothing was written',
      rows: [{ row: 0, error: 'arr "$90k" is in USD, but this workspace counts in EUR (Euro): write the amount in EUR, e.g. 90k or €90k. Tenure never converts between currencies; an admin can switch the workspace to USD with /tenure settings currency=USD.' }],
    });

    expect((await post('accounts', { rows: [{ name: 'Euro Corp', arr: '€90k' }, { name: 'Plain Corp', arr: 1500.255 }] })).status).toBe(200);
    const rows = await app.tenure.database.db.select({ name: accounts.name, arr: accounts.arrCents }).from(accounts).where(eq(accounts.workspaceId, ws!.id));
    expect(rows.filter((r) => ['Euro Corp', 'Plain Corp'].includes(r.name)).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'Euro Corp', arr: 9_000_000 },
      { name: 'Plain Corp', arr: 150_026 },
    ]);
  });
});
