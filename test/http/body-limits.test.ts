// Request body limits at every HTTP entry point — Slack events, Teams
// /api/messages, the console, the ingest API, anything else — on the real server.
// Each entry point gets a request that would do something (add an account),
// padded to just under its limit (it does) and just over it (413, nothing done);
// one that declares a huge length is answered before its body is sent; and a
// chunked body that declares no length is stopped by the route's own limit.
import { request } from 'node:http';
import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { accounts, workspaces } from '../../db/schema.js';
import { loadConfig } from '../../src/config.js';
import { BODY_LIMITS, bodyLimitFor, DEFAULT_BODY_LIMIT } from '../../src/http/body-limit.js';
import { createLogger } from '../../src/log.js';
import { startTenure, type Tenure } from '../../src/main.js';
import { ENGINES } from '../helpers/engines.js';
import { FakeSlack, form, signedHeaders } from '../helpers/fake-slack.js';
import { FakeConnector, OPS_CHANNEL, textMessage } from '../helpers/fake-teams.js';

const SECRET = 'body-limit-signing-secret-0123';
const API_TOKEN = 'body-limit-api-token-0123456789';
const MiB = 1024 * 1024;

interface Answer {
  status: number;
  body: string;
}

/**
 * Sends headers and only the first `sent` bytes of a body declared as `declared`
 * bytes long, and resolves with the answer. It can only resolve if the server
 * answers without waiting for the rest of the body.
 */
function declareHuge(url: string, headers: Record<string, string>, declared: number, sent = 1024): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(declared) } });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
        req.destroy();
      });
    });
    // The server closes the connection after its answer; a broken pipe afterwards is expected.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.write(Buffer.alloc(sent, ' '));
  });
}

/** Sends `body` chunked (no Content-Length), 64 KB at a time, and resolves with the answer. */
function sendChunked(url: string, headers: Record<string, string>, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    let at = 0;
    const pump = () => {
      while (at < body.length) {
        const chunk = body.subarray(at, at + 64 * 1024);
        at += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

async function post(url: string, headers: Record<string, string>, body: string | Buffer): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
  return { status: res.status, body: await res.text() };
}

/** JSON padded with trailing spaces (still valid JSON) to exactly `size` bytes. */
function paddedJson(value: unknown, size: number): Buffer {
  const json = Buffer.from(JSON.stringify(value));
  expect(json.length).toBeLessThan(size);
  return Buffer.concat([json, Buffer.alloc(size - json.length, ' ')]);
}

/** A form-encoded body with a `pad` field making it exactly `size` bytes. */
function paddedForm(fields: Record<string, string>, size: number): string {
  const base = `${form(fields)}&pad=`;
  return base + 'a'.repeat(size - Buffer.byteLength(base));
}

describe('body limits', () => {
  it('pick the longest matching prefix, and a small default for everything else', () => {
    expect(bodyLimitFor('/slack/events')).toBe(MiB);
    expect(bodyLimitFor('/api/messages')).toBe(MiB);
    expect(bodyLimitFor('/api/v1/usage')).toBe(MiB);
    expect(bodyLimitFor('/console/command')).toBe(64 * 1024);
    expect(bodyLimitFor('/healthz')).toBe(DEFAULT_BODY_LIMIT);
    expect(bodyLimitFor('/api/v2/anything')).toBe(DEFAULT_BODY_LIMIT);
    expect(bodyLimitFor('/x', [{ prefix: '/', bytes: 1 }, { prefix: '/x', bytes: 2 }])).toBe(2);
    expect(BODY_LIMITS.length).toBeGreaterThanOrEqual(4);
  });
});

describe.each(ENGINES)('body limits on the real server on $name', (engine) => {
  const fake = new FakeSlack();
  const connector = new FakeConnector();
  let local: Tenure;
  let slack: Tenure;
  const releases: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    await fake.start();
    await connector.start();
    const open = async (): Promise<Database> => {
      const opened = await engine.open();
      releases.push(opened.release);
      return opened.database;
    };
    // Local mode: the console, the Teams emulator endpoint and the ingest API.
    local = await startTenure({ ...loadConfig({ LOG_LEVEL: 'silent', TENURE_API_TOKEN: API_TOKEN }), port: 0 }, { database: await open(), logger: createLogger('silent') });
    // Slack mode: /slack/events (and the ingest API again).
    slack = await startTenure(
      { ...loadConfig({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-body-limit', SLACK_API_URL: `${fake.url}/api/`, LOG_LEVEL: 'silent', TENURE_API_TOKEN: API_TOKEN }), port: 0 },
      { database: await open(), logger: createLogger('silent') },
    );
  });
  afterAll(async () => {
    await slack?.close();
    await local?.close();
    for (const release of releases) await release().catch(() => undefined);
    await connector.stop();
    await fake.stop();
  });

  /** Accounts whose name starts with `prefix`, in either server's database. */
  const padded = async (prefix: string) => {
    const names: string[] = [];
    for (const tenure of [local, slack]) {
      names.push(...(await tenure.database.db.select({ name: accounts.name }).from(accounts).where(like(accounts.name, `${prefix}%`))).map((r) => r.name));
    }
    return names.sort();
  };

  it('the console: 64 KB', async () => {
    const url = new URL('/console/command', local.url).toString();
    const json = { 'content-type': 'application/json' };
    const command = (name: string) => ({ text: `/account add "${name}"`, user: 'ana', channel: 'general' });
    expect((await post(url, json, paddedJson(command('Padded Console Under'), 64 * 1024))).status).toBe(200);
    const over = await post(url, json, paddedJson(command('Padded Console Over'), 64 * 1024 + 1));
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body)).toEqual({ error: 'request body too large: at most 64 KB here' });
    expect((await declareHuge(url, json, 50 * MiB)).status).toBe(413);
    expect((await sendChunked(url, json, paddedJson(command('Padded Console Chunked'), 64 * 1024 + 1))).status).toBe(413);
    // The same limit for buttons and forms.
    const action = new URL('/console/action', local.url).toString();
    expect((await post(action, json, paddedJson({ id: 'account.show', value: 'x', user: 'ana' }, 64 * 1024 + 1))).status).toBe(413);
    const formUrl = new URL('/console/form', local.url).toString();
    expect((await declareHuge(formUrl, json, 2 * MiB)).status).toBe(413);
    expect(await padded('Padded Console')).toEqual(['Padded Console Under']);
  });

  it('Teams /api/messages: 1 MB', async () => {
    const url = new URL('/api/messages', local.url).toString();
    const json = { 'content-type': 'application/json' };
    const place = { kind: 'channel' as const, channelId: OPS_CHANNEL, channelName: 'acme-ops', thread: '1700000000001' };
    const activity = (name: string) => textMessage(connector.url, place, `account add "${name}"`);
    const under = await post(url, json, paddedJson(activity('Padded Teams Under'), MiB));
    expect(under.status, under.body).toBe(200);
    expect((await post(url, json, paddedJson(activity('Padded Teams Over'), MiB + 1))).status).toBe(413);
    expect((await declareHuge(url, json, 100 * MiB)).status).toBe(413);
    expect((await sendChunked(url, json, paddedJson(activity('Padded Teams Chunked'), MiB + 1))).status).toBe(413);
    expect(await padded('Padded Teams')).toEqual(['Padded Teams Under']);
  });

  it('the ingest API: 1 MB', async () => {
    const url = new URL('/api/v1/accounts', local.url).toString();
    // The local database also holds the Teams workspace of the test above: pick the console's.
    const [consoleWorkspace] = await local.database.db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.platform, 'console'));
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${API_TOKEN}`, 'x-tenure-workspace': consoleWorkspace!.id };
    const batch = (name: string) => ({ rows: [{ name }] });
    const under = await post(url, headers, paddedJson(batch('Padded API Under'), MiB));
    expect(under.status, under.body).toBe(200);
    expect((await post(url, headers, paddedJson(batch('Padded API Over'), MiB + 1))).status).toBe(413);
    expect((await declareHuge(url, headers, 100 * MiB)).status).toBe(413);
    expect((await sendChunked(url, headers, paddedJson(batch('Padded API Chunked'), MiB + 1))).status).toBe(413);
    // Refused for its size before the token is even looked at.
    expect((await declareHuge(url, { 'content-type': 'application/json' }, 100 * MiB)).status).toBe(413);
    expect(await padded('Padded API')).toEqual(['Padded API Under']);
  });

  it('Slack /slack/events: 1 MB, refused before the signature is checked (and the raw body still reaches it under the limit)', async () => {
    const url = new URL('/slack/events', slack.url).toString();
    const slash = (name: string, size: number) =>
      paddedForm(
        {
          token: 'legacy',
          team_id: 'T1',
          team_domain: 'pad',
          channel_id: 'C1',
          channel_name: 'ops',
          user_id: 'U1',
          user_name: 'ana',
          command: '/account',
          text: `add "${name}"`,
          response_url: fake.responseUrl(),
          trigger_id: `t-${name}`,
          api_app_id: 'A1',
        },
        size,
      );
    const type = 'application/x-www-form-urlencoded';
    const under = slash('Padded Slack Under', MiB);
    const ok = await post(url, signedHeaders(under, type, { secret: SECRET }), under);
    expect(ok.status, ok.body).toBe(200);
    const over = slash('Padded Slack Over', MiB + 1);
    expect((await post(url, signedHeaders(over, type, { secret: SECRET }), over)).status).toBe(413);
    expect((await declareHuge(url, { 'content-type': type }, 100 * MiB)).status).toBe(413);
    const chunked = slash('Padded Slack Chunked', MiB + 1);
    const { 'content-length': _length, ...chunkedHeaders } = signedHeaders(chunked, type, { secret: SECRET });
    expect((await sendChunked(url, chunkedHeaders, Buffer.from(chunked))).status).toBe(413);
    expect(await padded('Padded Slack')).toEqual(['Padded Slack Under']);
  });

  it('anything else: 16 KB, and the server keeps answering afterwards', async () => {
    expect((await post(new URL('/no-such-endpoint', local.url).toString(), { 'content-type': 'application/json' }, Buffer.alloc(16 * 1024 + 1, ' '))).status).toBe(413);
    expect((await declareHuge(new URL('/healthz', local.url).toString(), {}, 10 * MiB)).status).toBe(413);
    expect((await fetch(new URL('/healthz', local.url))).status).toBe(200);
    expect((await fetch(new URL('/healthz', slack.url))).status).toBe(200);
  });
});
