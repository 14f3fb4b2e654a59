// The ingest API end to end over HTTP, on every database engine: auth, validation
// naming the rows, size limits, idempotency and the per-token rate limit.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, auditLog, usageReadings } from '../../db/schema.js';
import { ENGINES } from '../helpers/engines.js';
import { scratchDirectory, tenureForSuite } from '../helpers/suite-tenure.js';

const TOKEN = 'test-token-0123456789abcdef';
const now = new Date('2026-11-23T10:00:00Z');

describe.each(ENGINES)('ingest API on $name', (engine) => {
  const dir = scratchDirectory('tenure-api-');
  const app = tenureForSuite(engine, () => ({ TENURE_DATA_DIR: dir.path, TENURE_API_TOKEN: TOKEN }), { clock: () => now, apiRateLimit: { requests: 12, windowMs: 60_000 } }, [dir]);

  const post = (kind: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(new URL(`/api/v1/${kind}`, app.tenure.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('answers 401 without the token or with a wrong one', async () => {
    expect((await post('usage', { rows: [] }, { authorization: '' })).status).toBe(401);
    const wrong = await post('usage', { rows: [] }, { authorization: 'Bearer nope-nope-nope-nope' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'missing or wrong bearer token', hint: expect.stringContaining('/tenure token create') });
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('creates and updates accounts, then records usage once per Idempotency-Key', async () => {
    const created = await post('accounts', {
      rows: [{ name: 'Api Corp', externalId: 'API-1', arr: 50000, renewalDate: '2027-06-30', contact: { name: 'Kim', email: 'kim@api.example' } }],
    });
    expect(created.status).toBe(200);
    expect(await created.json()).toEqual({ rows: 1, created: 1, updated: 0, unchanged: 0 });

    const batch = { rows: [{ externalId: 'API-1', recordedAt: '2026-11-20', activeUsers: 40, licensedUsers: 50, spend: '$1.2k' }] };
    const first = await post('usage', batch, { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(200);
    const again = await post('usage', batch, { 'idempotency-key': 'k-1' });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    expect((await post('usage', { rows: [{ account: 'Api Corp', recordedAt: '2026-11-21', activeUsers: 1 }] }, { 'idempotency-key': 'k-1' })).status).toBe(422);

    const db = app.tenure.database.db;
    const [acct] = await db.select().from(accounts).where(eq(accounts.externalId, 'API-1'));
    const readings = await db.select().from(usageReadings).where(eq(usageReadings.accountId, acct!.id));
    expect(readings.map((r) => [r.activeUsers, r.spendCents, r.source])).toEqual([[40, 120_000, 'api']]);
    const audit = await db.select().from(auditLog).where(and(eq(auditLog.entityId, acct!.id)));
    expect(audit.map((a) => `${a.action} by ${a.actorLabel}`).sort()).toEqual(['add-contact by ingest API', 'create by ingest API', 'import-usage by ingest API']);
  });

  it('answers 400 naming the bad rows and writes none of the batch', async () => {
    const res = await post('usage', {
      rows: [
        { account: 'Api Corp', recordedAt: '2026-11-22', activeUsers: 41 },
        { account: 'Api Corp', recordedAt: '2026-11-23', activeUsers: -1 },
        { account: 'No Such Co', recordedAt: '2026-11-23', activeUsers: 2 },
      ],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { rows: { row: number; error: string }[] };
    expect(body.rows.map((r) => r.row)).toEqual([1]);
    expect(body.rows[0]!.error).toMatch(/activeUsers/);

    const unknown = await post('usage', { rows: [{ account: 'Api Corp', recordedAt: '2026-11-22', activeUsers: 41 }, { account: 'No Such Co', recordedAt: '2026-11-23', activeUsers: 2 }] });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: '1 of 2 rows are invalid; nothing was written', rows: [{ row: 1, error: 'no account named "No Such Co"' }] });
    const [acct] = await app.tenure.database.db.select().from(accounts).where(eq(accounts.externalId, 'API-1'));
    expect(await app.tenure.database.db.select().from(usageReadings).where(eq(usageReadings.accountId, acct!.id))).toHaveLength(1);

    expect((await post('usage', '{"rows": [')).status).toBe(400);
  });

  it('answers 413 over 1,000 rows or 1 MB, and 429 past the per-token budget', async () => {
    const many = Array.from({ length: 1001 }, () => ({ account: 'Api Corp', recordedAt: '2026-11-22', activeUsers: 1 }));
    const tooMany = await post('usage', { rows: many });
    expect(tooMany.status).toBe(413);
    const huge = await post('usage', { rows: [{ account: 'x'.repeat(1_100_000), recordedAt: '2026-11-22' }] });
    expect(huge.status).toBe(413);
    let last = 0;
    for (let i = 0; i < 12 && last !== 429; i++) last = (await post('usage', { rows: [] })).status;
    expect(last).toBe(429);
  });
});
