// Failed authentications to the ingest API, per client address: past the allowance
// an address is answered 429 with Retry-After before any database lookup, until its
// window ends; successes do not count; other addresses are not affected; a workspace
// token that already worked in this process still does.
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { ensureUser, ensureWorkspace } from '../../src/core/workspaces.js';
import { createApiToken } from '../../src/data/api-tokens.js';
import { createLogger } from '../../src/log.js';
import { ENGINES } from '../helpers/engines.js';
import { scratchDirectory, tenureForSuite } from '../helpers/suite-tenure.js';

const OPERATOR = 'operator-token-failures-0123456789';
const WINDOW_MS = 60_000;

class LogLines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString().split('\n')) if (line.startsWith('{')) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
}

describe.each(ENGINES)('ingest API failed authentications on $name', (engine) => {
  const dir = scratchDirectory('tenure-api-failures-');
  const log = new LogLines();
  let now = new Date('2026-11-23T10:00:00Z');
  const app = tenureForSuite(
    engine,
    () => ({ TENURE_DATA_DIR: dir.path, LOG_LEVEL: 'info', TENURE_API_TOKEN: OPERATOR }),
    { logger: createLogger('info', log), clock: () => now, apiAuthFailureLimit: { requests: 3, windowMs: WINDOW_MS } },
    [dir],
  );
  let known = '';
  let fresh = '';

  beforeAll(async () => {
    const db = app.tenure.database.db;
    const ws = await ensureWorkspace(db, { platform: 'console', externalId: 'local', name: 'Demo workspace', timezone: 'UTC' });
    const admin = await ensureUser(db, ws.id, { platformUserId: 'ana', displayName: 'ana', role: 'admin' });
    known = (await createApiToken(db, ws.id, 'crm', { userId: admin.id, now })).token;
    fresh = (await createApiToken(db, ws.id, 'psa', { userId: admin.id, now })).token;
  });

  /** A POST from a chosen loopback address (127.0.0.x all reach a server on 127.0.0.1). */
  const post = (token: string, from = '127.0.0.1') =>
    new Promise<{ status: number; retryAfter: string | undefined; body: Record<string, unknown> }>((resolve, reject) => {
      const url = new URL('/api/v1/accounts', app.tenure.url);
      const body = JSON.stringify({ rows: [{ name: 'Failures Co' }] });
      const req = request(
        { host: '127.0.0.1', port: url.port, path: url.pathname, method: 'POST', localAddress: from, headers: { host: url.host, 'content-type': 'application/json', authorization: `Bearer ${token}` } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], body: JSON.parse(text) as Record<string, unknown> }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  it('counts wrong tokens, not right ones, and refuses the address with 429 and Retry-After past the allowance', async () => {
    expect((await post(known)).status).toBe(200);
    expect((await post('tenure_wrong-one')).status).toBe(401);
    expect((await post('not-even-a-workspace-token')).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await post(OPERATOR)).status).toBe(200);
    expect((await post('tenure_wrong-three')).status).toBe(401);

    const from = log.lines.length;
    const refused = await post('tenure_wrong-four');
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('60');
    expect(refused.body).toEqual({ error: 'too many failed authentications from this address: try again in 60 s', retryAfterSeconds: 60 });
    // Logged once, when the allowance ran out (on the third failure), not for each refusal.
    expect(log.lines.filter((l) => String(l.msg).startsWith('too many failed ingest API authentications'))).toHaveLength(1);
    expect(log.lines.slice(from).filter((l) => l.job === undefined)).toEqual([]);
  });

  it('refuses without looking the token up: answered while the tokens table is locked', async () => {
    const hold = await holdTable(app.tenure.database, 'api_tokens');
    const refused = await post('tenure_wrong-five');
    const answeredAt = Date.now();
    const freedAt = await hold.released;
    expect(refused.status).toBe(429);
    expect(answeredAt).toBeLessThan(freedAt);
  });

  it("refuses the operator's token and an unseen workspace token from that address too, but not a token that worked here", async () => {
    expect((await post(OPERATOR)).status).toBe(429);
    expect((await post(fresh)).status).toBe(429);
    expect((await post(known)).status).toBe(200);
  });

  it('does not refuse other addresses, and lets the address try again once its window ends', async () => {
    expect((await post('tenure_wrong-elsewhere', '127.0.0.2')).status).toBe(401);
    expect((await post(fresh, '127.0.0.2')).status).toBe(200);
    now = new Date(now.getTime() + WINDOW_MS - 1_000);
    const last = await post('tenure_wrong-six');
    expect([last.status, last.retryAfter]).toEqual([429, '1']);
    now = new Date(now.getTime() + 1_000);
    expect((await post('tenure_wrong-seven')).status).toBe(401);
    expect((await post(fresh)).status).toBe(200);
  });
});

/**
 * Locks `table` against reads for a moment: a transaction takes an exclusive lock
 * and holds it while the test goes on (on PGlite every query waits behind it).
 * `released` resolves with when the lock was let go.
 */
async function holdTable(database: Database, table: string): Promise<{ released: Promise<number> }> {
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const released = database.db
    .transaction(async (tx) => {
      await tx.execute(sql.raw(`lock table ${table} in access exclusive mode`));
      locked();
      await new Promise((r) => setTimeout(r, 1_500));
    })
    .then(() => Date.now());
  await isLocked;
  return { released };
}
