// Authentication of the Teams door with TEAMS_APP_ID set, both ways: the Teams SDK
// is pointed at a local OpenID metadata / JWKS server (its cloud settings) whose key
// this test generated, so a token signed with it is accepted — the activity runs
// and the answer reaches the connector with the bot's outbound token — and every
// kind of bad token answers 401 with the same generic body, running nothing.
// Single-tenant: a valid token for an activity of another tenant runs nothing.
// The real Teams adapter (createTeamsAdapter, SDK loaded) on an Express server of
// the test's own; PGlite only (nothing here depends on the engine).
import { PUBLIC, withOverrides } from '@microsoft/teams.api';
import express from 'express';
import { eq, inArray } from 'drizzle-orm';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { workspaces } from '../../db/schema.js';
import { createRegistry } from '../../commands/registry.js';
import { createLogger } from '../../src/log.js';
import { createTeamsAdapter, type TeamsAdapter } from '../../src/platforms/teams/loader.js';
import { cardOf, cardText } from '../helpers/adaptive-card.js';
import { BotFrameworkKeys } from '../helpers/bot-framework-tokens.js';
import { ENGINES } from '../helpers/engines.js';
import { FakeConnector, postActivity, TENANT, textMessage, type Place } from '../helpers/fake-teams.js';
import { closeNow, listenOnLoopback } from '../helpers/loopback-server.js';

const APP_ID = '5b2a8c1e-0000-4000-8000-000000000001';
const DM: Place = { kind: 'personal', conversationId: 'a:personal-ana' };

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

describe('Teams door authentication (TEAMS_APP_ID, single tenant)', () => {
  const connector = new FakeConnector();
  const keys = new BotFrameworkKeys();
  const lines: LogLine[] = [];
  let database: Database;
  let release: () => Promise<void>;
  let teams: TeamsAdapter;
  let server: Server;
  let endpoint = '';
  let outbound = '';

  beforeAll(async () => {
    await Promise.all([connector.start(), keys.start()]);
    ({ database, release } = await ENGINES[0]!.open());
    const logger = createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
    // What the bot sends the connector: a JWT-shaped token from the provider (no Entra to ask here).
    outbound = keys.sign('https://api.botframework.com', connector.url, { aud: 'https://api.botframework.com' });
    teams = createTeamsAdapter({
      db: database.db,
      registry: createRegistry(logger),
      timezone: 'UTC',
      currency: 'USD',
      clock: () => new Date(),
      config: { appId: APP_ID, appPassword: 'app-password', tenantId: TENANT },
      logger,
      loadAtStart: true,
      cloud: { cloud: withOverrides(PUBLIC, { openIdMetadataUrl: keys.openIdMetadataUrl }), token: () => outbound },
    });
    await teams.start?.();
    const app = express();
    for (const router of teams.routers) app.use(router);
    server = createServer(app);
    endpoint = `${await listenOnLoopback(server)}/api/messages`;
  });
  afterAll(async () => {
    await teams?.close?.();
    if (server) await closeNow(server);
    await release?.();
    await Promise.all([connector.stop(), keys.stop()]);
  });

  const workspacesOf = (tenants: string[]) => database.db.select().from(workspaces).where(inArray(workspaces.externalId, tenants));
  /** An activity from a tenant of its own, so whether it ran shows as a workspace created. */
  const fromTenant = (tenant: string, serviceUrl = connector.url) => ({
    ...textMessage(serviceUrl, DM, 'account add Forged'),
    conversation: { id: `a:${tenant}`, conversationType: 'personal', tenantId: tenant },
    channelData: { tenant: { id: tenant } },
  });

  it('accepts a token signed with the published key: the activity runs and the answer carries the bot token', async () => {
    const from = connector.calls.length;
    const res = await postActivity(endpoint, textMessage(connector.url, DM, 'help'), { authorization: `Bearer ${keys.sign(APP_ID, connector.url)}` });
    expect(res.status, res.text).toBe(200);
    const sent = connector.messages(from);
    expect(sent.map((c) => cardText(cardOf(c.body))).join('\n')).toContain('/checkin');
    expect(sent.every((c) => c.authorization === `Bearer ${outbound}`)).toBe(true);
    const [ws] = await database.db.select().from(workspaces).where(eq(workspaces.externalId, TENANT));
    expect(ws).toBeDefined();
    expect(keys.keyFetches).toBeGreaterThan(0);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const tampered = () => {
    const [header, , signature] = keys.sign(APP_ID, connector.url).split('.');
    const claims = Buffer.from(JSON.stringify({ iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: connector.url, nbf: now() - 60, exp: now() + 86_400 })).toString('base64url');
    return `${header}.${claims}.${signature}`;
  };
  const refused: [string, () => Record<string, string>][] = [
    ['no Authorization header', () => ({})],
    ['a header that is no token', () => ({ authorization: 'Bearer not-a-token' })],
    ['Basic credentials', () => ({ authorization: 'Basic YTpi' })],
    ['alg: none', () => ({ authorization: `Bearer ${keys.unsigned(APP_ID, connector.url)}` })],
    ['a key nobody published, under the published kid', () => ({ authorization: `Bearer ${keys.sign(APP_ID, connector.url, {}, { key: keys.strangerKey })}` })],
    ['a valid signature over other claims (tampered)', () => ({ authorization: `Bearer ${tampered()}` })],
    ['an expired token (past the 5-minute leeway)', () => ({ authorization: `Bearer ${keys.sign(APP_ID, connector.url, { nbf: now() - 7200, iat: now() - 7200, exp: now() - 900 })}` })],
    ['another bot\'s audience', () => ({ authorization: `Bearer ${keys.sign(APP_ID, connector.url, { aud: '5b2a8c1e-0000-4000-8000-0000000000ff' })}` })],
    ['another issuer', () => ({ authorization: `Bearer ${keys.sign(APP_ID, connector.url, { iss: 'https://attacker.example' })}` })],
    ['a token for another serviceUrl', () => ({ authorization: `Bearer ${keys.sign(APP_ID, 'https://smba.trafficmanager.net/amer/')}` })],
    ['HS256 with the published public key as its secret', () => ({ authorization: `Bearer ${keys.hmacWithPublicKey(APP_ID, connector.url)}` })],
  ];

  it.each(refused)('refuses %s with 401 and the generic body, running nothing', async (_name, headers) => {
    const tenant = `tenant-refused-${refused.findIndex(([n]) => n === _name)}`;
    const from = connector.calls.length;
    const before = lines.length;
    const res = await postActivity(endpoint, fromTenant(tenant), headers());
    expect(`${res.status} ${res.text}`).toBe('401 {"error":"unauthorized"}');
    expect(connector.calls.length).toBe(from);
    expect(await workspacesOf([tenant])).toEqual([]);
    const refusal = lines.slice(before).filter((l) => l.msg === 'refused a Teams activity that failed authentication');
    expect(refusal).toHaveLength(1);
    expect(refusal[0]!.reason).toMatch(/\S/);
  });

  it('runs nothing for another tenant, even with a valid token (single-tenant bot)', async () => {
    const from = connector.calls.length;
    const res = await postActivity(endpoint, fromTenant('tenant-other'), { authorization: `Bearer ${keys.sign(APP_ID, connector.url)}` });
    expect(res.status).toBe(200);
    expect(connector.calls.length).toBe(from);
    expect(await workspacesOf(['tenant-other'])).toEqual([]);
  });
});
