// Local mode has no login: every route of the shared server answers only requests
// addressed to a loopback name. A web page that rebinds its own DNS name to
// 127.0.0.1 reaches the same socket, but its requests carry its own Host header:
// they are refused before any route, parser or SDK sees them. Platform mode serves
// Slack's and Teams' webhooks under public names and does not check the Host.
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { loadConfig } from '../../src/config.js';
import { NOT_LOOPBACK } from '../../src/http/loopback.js';
import { createLogger } from '../../src/log.js';
import { startTenure, type Tenure } from '../../src/main.js';
import { ENGINES } from '../helpers/engines.js';
import { FakeConnector, textMessage } from '../helpers/fake-teams.js';

interface Answer {
  status: number;
  body: string;
}

/** A request to `base` with a Host header of our choosing (fetch does not let one set Host). */
function withHost(base: string, route: string, host: string, init: { method?: string; body?: unknown } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    const req = request(
      new URL(route, base),
      { method: init.method ?? 'GET', headers: { host, ...(body ? { 'content-type': 'application/json', authorization: 'Bearer not-a-token' } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

const EXPORT = '/exports/6f1c2b9e-3d4a-4f5b-8c7d-0e1f2a3b4c5d/accounts.csv?expires=1&sig=x';

describe('local mode: every route answers only loopback Host names', () => {
  const connector = new FakeConnector();
  let database: Database;
  let release: () => Promise<void>;
  let tenure: Tenure;
  let port = 0;

  beforeAll(async () => {
    await connector.start();
    ({ database, release } = await ENGINES[0]!.open());
    const config = { ...loadConfig({ LOG_LEVEL: 'silent' }), port: 0 };
    tenure = await startTenure(config, { database, logger: createLogger('silent') });
    port = Number(new URL(tenure.url).port);
  });
  afterAll(async () => {
    await tenure?.close();
    await release?.();
    await connector.stop();
  });

  const routes = () =>
    [
      { method: 'GET', route: '/' },
      { method: 'GET', route: '/console/feed?channel=general' },
      { method: 'POST', route: '/console/command', body: { text: '/account list' } },
      { method: 'POST', route: '/api/messages', body: textMessage(connector.url, { kind: 'personal', conversationId: 'a:rebound' }, 'account add Rebound') },
      { method: 'POST', route: '/api/v1/accounts', body: { accounts: [] } },
      { method: 'GET', route: EXPORT },
      { method: 'GET', route: '/healthz' },
      { method: 'GET', route: '/no-such-page' },
    ] as const;

  it('refuses a foreign Host on every route with 403, and runs nothing', async () => {
    const from = connector.calls.length;
    const served: string[] = [];
    for (const { method, route, ...rest } of routes()) {
      for (const host of [`evil.example:${port}`, 'evil.example', `localhost.evil.example:${port}`, `127.0.0.1.nip.io:${port}`]) {
        const answer = await withHost(tenure.url, route, host, { method, ...('body' in rest ? { body: rest.body } : {}) });
        if (answer.status !== 403 || answer.body !== JSON.stringify({ error: NOT_LOOPBACK })) {
          served.push(`${method} ${route} with Host ${JSON.stringify(host)}: ${answer.status} ${answer.body.slice(0, 80)}`);
        }
      }
    }
    expect(served).toEqual([]);
    expect(connector.calls.length).toBe(from);
  });

  it('refuses a request without a Host header (HTTP/1.0)', async () => {
    const head = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end('GET /healthz HTTP/1.0\r\n\r\n'));
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
      socket.once('end', () => resolve(text));
      socket.once('error', reject);
    });
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 403 Forbidden');
    expect(head).toContain(NOT_LOOPBACK);
  });

  it('serves the loopback names: localhost, 127.0.0.1 and [::1], with or without the port', async () => {
    for (const host of [`localhost:${port}`, 'localhost', `LOCALHOST:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      const health = await withHost(tenure.url, '/healthz', host);
      expect(health.status, host).toBe(200);
      const page = await withHost(tenure.url, '/', host);
      expect(page.status, host).toBe(200);
      expect(page.body).toContain('Tenure — local console');
      const feed = await withHost(tenure.url, '/console/feed?channel=general', host);
      expect(feed.status, host).toBe(200);
    }
    // Past the guard, each route answers as it always did.
    expect((await withHost(tenure.url, '/no-such-page', `localhost:${port}`)).status).toBe(404);
    expect((await withHost(tenure.url, EXPORT, `localhost:${port}`)).status).not.toBe(403);
  });
});

describe('platform mode: public names are served', () => {
  let database: Database;
  let release: () => Promise<void>;
  let tenure: Tenure;

  beforeAll(async () => {
    ({ database, release } = await ENGINES[0]!.open());
    const config = { ...loadConfig({ TEAMS_APP_ID: '5b2a8c1e-0000-4000-8000-000000000001', TEAMS_APP_PASSWORD: 'app-password', LOG_LEVEL: 'silent' }), port: 0 };
    tenure = await startTenure(config, { database, logger: createLogger('silent') });
  });
  afterAll(async () => {
    await tenure?.close();
    await release?.();
  });

  it('answers /healthz under any Host name (the load balancer and webhooks use public ones)', async () => {
    const answer = await withHost(tenure.url, '/healthz', 'tenure.example.com');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ status: 'ok', db: 'ok' });
  });
});
