// Connector credentials at rest (src/core/secrets.ts): the key as TENURE_SECRET_KEY gives
// it, AES-256-GCM sealing with a fresh IV, and a changed value or another key refused
// rather than read as garbage; and, on every engine, a connection whose credentials the
// current key cannot open is a failed sync the admin is told about once, not a crash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { activateConnection, saveConnection } from '../../src/core/psa-connections.js';
import { openSecret, parseSecretKey, sealSecret, SecretKeyError } from '../../src/core/secrets.js';
import { ensureUser, ensureWorkspace } from '../../src/core/workspaces.js';
import type { ChannelDelivery } from '../../src/jobs/delivery.js';
import type { Message } from '../../src/messages/message.js';
import { syncConnection } from '../../src/psa/sync.js';
import { receiveWebhook } from '../../src/psa/webhooks.js';
import { ENGINES } from '../helpers/engines.js';

const KEY = Buffer.alloc(32, 1);
const OTHER = Buffer.alloc(32, 2);

describe('sealed secrets', () => {
  it('reads the key as 64 hex digits or base64 of 32 bytes, and nothing else', () => {
    expect(parseSecretKey('01'.repeat(32))).toEqual(Buffer.alloc(32, 1));
    expect(parseSecretKey(KEY.toString('base64'))).toEqual(KEY);
    expect(parseSecretKey(KEY.toString('base64url'))).toEqual(KEY);
    for (const bad of ['', 'short', '01'.repeat(31), Buffer.alloc(16).toString('base64'), 'zz'.repeat(32)]) expect(() => parseSecretKey(bad)).toThrow(SecretKeyError);
  });

  it('seals with a fresh IV each time, opens with the same key only, and refuses a changed value', () => {
    const a = sealSecret(KEY, '{"privateKey":"Pr1vate"}');
    const b = sealSecret(KEY, '{"privateKey":"Pr1vate"}');
    expect(a).not.toBe(b);
    expect(a).not.toContain('Pr1vate');
    expect(openSecret(KEY, a)).toBe('{"privateKey":"Pr1vate"}');
    expect(() => openSecret(OTHER, a)).toThrow(/cannot be decrypted with this TENURE_SECRET_KEY/);
    const [v, iv, tag, body] = a.split('.');
    const flipped = `${body!.startsWith('A') ? 'B' : 'A'}${body!.slice(1)}`;
    expect(() => openSecret(KEY, [v, iv, tag, flipped].join('.'))).toThrow(SecretKeyError);
    expect(() => openSecret(KEY, 'plain text')).toThrow(/not in a known format/);
  });
});

describe.each(ENGINES)('a connection sealed with another key on $name', (engine) => {
  let database: Database;
  let release: () => Promise<void>;
  beforeAll(async () => {
    ({ database, release } = await engine.open());
  });
  afterAll(() => release());

  it('fails its sync with the reason, tells the admin once, and never crashes the poll', async () => {
    const db = database.db;
    const now = new Date('2026-11-23T10:00:00Z');
    const ws = await ensureWorkspace(db, { platform: 'console', externalId: 'sealed', name: 'Sealed', timezone: 'UTC' });
    const ana = await ensureUser(db, ws.id, { platformUserId: 'ana', displayName: 'ana' });
    const saved = await saveConnection(db, ws.id, { connector: 'connectwise', credentials: { site: 'https://api-na.myconnectwise.net', companyId: 'x', publicKey: 'p', privateKey: 'k', clientId: 'c' }, key: KEY }, { userId: ana.id, now });
    await activateConnection(db, ws.id, saved.id, { userId: ana.id, now });
    const posts: { channelId: string; message: Message }[] = [];
    const delivery: ChannelDelivery = { post: async (_w, channelId, message) => void posts.push({ channelId, message }) };
    const warnings: string[] = [];
    const deps = { db, key: OTHER, logger: { info: () => undefined, warn: (_d: Record<string, unknown>, m: string) => void warnings.push(m), error: () => undefined }, deliveries: { console: delivery } };
    const first = await syncConnection(deps, saved.id, now);
    const second = await syncConnection(deps, saved.id, new Date('2026-11-23T10:05:00Z'));
    expect(first).toEqual({ ok: false, error: expect.stringContaining('cannot be decrypted with this TENURE_SECRET_KEY'), notified: true });
    expect(second).toMatchObject({ ok: false, notified: false });
    expect(posts.map((p) => [p.channelId, p.message.text])).toEqual([['ana', expect.stringContaining('connect it again with /tenure connect connectwise')]]);
    expect(warnings).toEqual(['PSA sync failed', 'PSA sync failed']);
    // A webhook for it cannot be verified either: refused for now, nothing read or stored.
    const answer = await receiveWebhook(deps, saved.id, { headers: { 'x-content-signature': 'AAAA' }, rawBody: '{"Type":"ticket","ID":1}' }, now);
    expect(answer).toEqual({ status: 503, body: { error: 'this connection must be set up again' } });
  });
});
