// The Teams door, POST /api/messages, against what does not come from Teams:
// - local mode (no app id, unauthenticated emulator traffic): the bot replies to the
//   activity's serviceUrl, so only a loopback one is taken — a page that reached the
//   port could otherwise make Tenure post wherever it likes and create workspaces;
// - with TEAMS_APP_ID set: a missing, garbage or forged token is 401 with a generic
//   body, whatever went wrong (this machine cannot reach login.botframework.com,
//   which used to surface as a 500 carrying the DNS error);
// - odd activities (a mention and no text, no text at all, an empty value, unknown
//   types) get a plain answer or nothing, never "something went wrong".
// The door does not depend on the database engine: PGlite only.
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { conversationRefs, workspaces } from '../../db/schema.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startTenure, type Tenure } from '../../src/main.js';
import { failedInvokeAnswer } from '../../src/platforms/teams/invokes.js';
import { cardOf, cardText } from '../helpers/adaptive-card.js';
import { ENGINES } from '../helpers/engines.js';
import { activity, ANA, BOT, FakeConnector, OPS_CHANNEL, postActivity, textMessage, type Place } from '../helpers/fake-teams.js';

const DM: Place = { kind: 'personal', conversationId: 'a:personal-ana' };
const OPS: Place = { kind: 'channel', channelId: OPS_CHANNEL, channelName: 'acme-ops', thread: '1700000000001' };

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A logger whose lines the test can read. */
function capturedLogger() {
  const lines: LogLine[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

const ERROR = 50;

describe('Teams door in local mode (unauthenticated)', () => {
  const connector = new FakeConnector();
  /** Where a rebinding page would have Tenure post: reachable, but not named loopback. */
  const elsewhere = new FakeConnector();
  const { logger, lines } = capturedLogger();
  let database: Database;
  let release: () => Promise<void>;
  let tenure: Tenure;
  let endpoint = '';

  beforeAll(async () => {
    await Promise.all([connector.start(), elsewhere.start()]);
    ({ database, release } = await ENGINES[0]!.open());
    tenure = await startTenure({ ...loadConfig({ LOG_LEVEL: 'silent' }), port: 0 }, { database, logger });
    endpoint = new URL('/api/messages', tenure.url).toString();
  });
  afterAll(async () => {
    await tenure?.close();
    await release?.();
    await Promise.all([connector.stop(), elsewhere.stop()]);
  });

  it('refuses an activity whose serviceUrl is not a loopback URL: 403, one log line, nothing stored or posted', async () => {
    const mapped = elsewhere.url.replace('127.0.0.1', '[::ffff:127.0.0.1]');
    const forged = [
      mapped,
      'https://attacker.example/',
      'http://localhost.attacker.example/',
      'http://127.0.0.1@attacker.example/',
      'ftp://localhost/',
      'not a url',
      undefined,
    ];
    for (const [i, serviceUrl] of forged.entries()) {
      const tenant = `tenant-forged-${i}`;
      const body: Record<string, unknown> = { ...textMessage('', DM, 'account add Forged'), conversation: { id: `a:forged-${i}`, conversationType: 'personal', tenantId: tenant }, channelData: { tenant: { id: tenant } } };
      if (serviceUrl === undefined) delete body.serviceUrl;
      else body.serviceUrl = serviceUrl;
      const before = lines.length;
      const res = await postActivity(endpoint, body);
      expect(res.status, `${String(serviceUrl)}: ${res.text}`).toBe(403);
      expect(JSON.parse(res.text)).toEqual({ error: 'the Teams emulator door only replies to a serviceUrl on localhost' });
      // Our own lines (the SDK's, marked sdk, include its one-time warning that it runs unauthenticated).
      const logged = lines.slice(before).filter((l) => l.component === 'teams' && l.sdk === undefined);
      expect(logged.map((l) => l.msg)).toEqual(['refused an activity whose serviceUrl is not on localhost (local mode)']);
    }
    const tenants = forged.map((_, i) => `tenant-forged-${i}`);
    expect(await database.db.select().from(workspaces).where(inArray(workspaces.externalId, tenants))).toEqual([]);
    expect(elsewhere.calls).toEqual([]);
  });

  it('takes the emulator on localhost and 127.0.0.1 as before', async () => {
    for (const serviceUrl of [connector.url, connector.url.replace('127.0.0.1', 'localhost')]) {
      const from = connector.calls.length;
      const res = await postActivity(endpoint, textMessage(serviceUrl, DM, 'help'));
      expect(res.status, res.text).toBe(200);
      expect(connector.messages(from).map((c) => cardText(cardOf(c.body))).join('\n')).toContain('/checkin');
    }
    const [ref] = await database.db.select().from(conversationRefs).where(eq(conversationRefs.conversationId, 'a:personal-ana'));
    expect(ref?.active).toBe(true);
  });

  // ------------------------------------------------------------ odd activities

  const mention = { type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT };
  const odd: { name: string; place: Place; fields: Record<string, unknown>; answers: 'help' | 'stale-button' | 'nothing' }[] = [
    { name: 'a channel message with a mention entity and no text', place: OPS, fields: { type: 'message', entities: [mention] }, answers: 'help' },
    { name: 'a mention entity without the mentioned person', place: OPS, fields: { type: 'message', text: '<at>Tenure</at> help', entities: [{ type: 'mention', text: '<at>Tenure</at>' }] }, answers: 'help' },
    { name: 'a message with no text at all', place: DM, fields: { type: 'message' }, answers: 'help' },
    { name: 'a message whose text is not a string', place: DM, fields: { type: 'message', text: 42 }, answers: 'help' },
    { name: 'a message with an empty value', place: DM, fields: { type: 'message', value: {} }, answers: 'stale-button' },
    { name: 'a message whose text and value are null', place: DM, fields: { type: 'message', text: null, value: null }, answers: 'help' },
    { name: 'a message whose value is a string', place: DM, fields: { type: 'message', value: 'tenure.press' }, answers: 'help' },
    { name: 'a message with a mention, no text and an empty value', place: OPS, fields: { type: 'message', entities: [mention], value: {} }, answers: 'stale-button' },
    { name: 'an activity of an unknown type', place: DM, fields: { type: 'somethingNew', text: 'help' }, answers: 'nothing' },
    { name: 'a typing indicator', place: DM, fields: { type: 'typing' }, answers: 'nothing' },
    { name: 'a reaction', place: OPS, fields: { type: 'messageReaction', reactionsAdded: [{ type: 'like' }] }, answers: 'nothing' },
    { name: 'a conversationUpdate that adds and removes no one', place: OPS, fields: { type: 'conversationUpdate' }, answers: 'nothing' },
  ];

  it.each(odd)('answers $name plainly, never with an internal error', async ({ place, fields, answers }) => {
    const from = connector.calls.length;
    const before = lines.length;
    const res = await postActivity(endpoint, activity(connector.url, place, fields, ANA));
    expect(res.status, res.text).toBe(200);
    const texts = connector.messages(from).map((c) => cardText(cardOf(c.body)));
    expect(texts.join('\n')).not.toContain('something went wrong');
    expect(lines.slice(before).filter((l) => l.level >= ERROR).map((l) => l.msg)).toEqual([]);
    if (answers === 'nothing') expect(texts).toEqual([]);
    else expect(texts.join('\n')).toContain(answers === 'help' ? '/checkin' : 'That button is no longer available');
  });

  it('answers an invoke nobody handles with 501 Not Implemented, posting nothing and logging no error', async () => {
    const from = connector.calls.length;
    const before = lines.length;
    const res = await postActivity(endpoint, activity(connector.url, DM, { type: 'invoke', name: 'somethingNew' }, ANA));
    expect(res).toEqual({ status: 501, text: '' });
    expect(connector.calls.length).toBe(from);
    expect(lines.slice(before).filter((l) => l.level >= ERROR)).toEqual([]);
  });

  it('answers an Action.Execute (adaptiveCard/action) from an old card with a message, never an empty body', async () => {
    const from = connector.calls.length;
    const before = lines.length;
    const res = await postActivity(endpoint, activity(connector.url, DM, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'x' } } }, ANA));
    expect(res.status).toBe(200);
    // An empty answer makes Teams show "unable to reach app" and send the invoke again.
    expect(JSON.parse(res.text)).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'That button is no longer available. Run the command again.' });
    expect(connector.calls.length).toBe(from);
    expect(lines.slice(before).filter((l) => l.level >= ERROR)).toEqual([]);
  });

  it('answers an invoke whose handler failed in the form Teams shows for it, never with an empty body', () => {
    for (const name of ['adaptiveCard/action', 'composeExtension/query', 'composeExtension/fetchTask', 'composeExtension/submitAction']) {
      const answer = failedInvokeAnswer(name);
      expect(answer.status, name).toBe(200);
      expect(JSON.stringify(answer.body), name).toContain('Sorry, something went wrong on our side');
    }
    expect(failedInvokeAnswer('somethingNew')).toEqual({ status: 500 });
  });

  it('refuses an activity without a type or a conversation with 400, running nothing', async () => {
    for (const body of [
      { ...activity(connector.url, DM, { type: 'message', text: 'help' }), type: undefined },
      { ...activity(connector.url, DM, { type: 'message', text: 'help' }), conversation: undefined },
      { ...activity(connector.url, DM, { type: 'message', text: 'help' }), recipient: 'bot' },
    ]) {
      const from = connector.calls.length;
      const res = await postActivity(endpoint, body);
      expect(res.status, res.text).toBe(400);
      expect(JSON.parse(res.text)).toEqual({ error: 'not a Bot Framework activity' });
      expect(connector.calls.length).toBe(from);
    }
  });
});

describe('Teams door with TEAMS_APP_ID set', () => {
  const connector = new FakeConnector();
  const { logger, lines } = capturedLogger();
  let database: Database;
  let release: () => Promise<void>;
  let tenure: Tenure;
  let endpoint = '';
  const appId = '5b2a8c1e-0000-4000-8000-000000000001';

  beforeAll(async () => {
    await connector.start();
    ({ database, release } = await ENGINES[0]!.open());
    const config = { ...loadConfig({ TEAMS_APP_ID: appId, TEAMS_APP_PASSWORD: 'app-password', LOG_LEVEL: 'silent' }), port: 0 };
    tenure = await startTenure(config, { database, logger });
    endpoint = new URL('/api/messages', tenure.url).toString();
  });
  afterAll(async () => {
    await tenure?.close();
    await release?.();
    await connector.stop();
  });

  const jwt = (header: Record<string, unknown>, claims: Record<string, unknown>, signature = '') =>
    [header, claims].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + `.${signature}`;

  it('answers every failure to authenticate with 401 and a generic body; the reason goes to the log', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const claims = { iss: 'https://api.botframework.com', aud: appId, serviceurl: connector.url, exp, nbf: exp - 1200 };
    // Shaped like a Bot Framework token, so the validator goes to fetch the signing keys.
    const forged = jwt({ alg: 'RS256', typ: 'JWT', kid: 'forged-key' }, claims, Buffer.from('not a signature').toString('base64url'));
    const headers: Record<string, string>[] = [
      {},
      { authorization: 'Bearer not-a-token' },
      { authorization: `Bearer ${forged}` },
      { authorization: `Bearer ${jwt({ alg: 'none', typ: 'JWT' }, claims)}` },
      { authorization: 'Basic YTpi' },
    ];
    const from = connector.calls.length;
    const answers: string[] = [];
    const logged: LogLine[][] = [];
    for (const [i, header] of headers.entries()) {
      const tenant = `tenant-unauthenticated-${i}`;
      const body = { ...textMessage(connector.url, DM, 'account add Forged'), conversation: { id: `a:forged-${i}`, conversationType: 'personal', tenantId: tenant }, channelData: { tenant: { id: tenant } } };
      const before = lines.length;
      const res = await postActivity(endpoint, body, header);
      answers.push(`${res.status} ${res.text}`);
      logged.push(lines.slice(before).filter((l) => l.msg === 'refused a Teams activity that failed authentication'));
    }
    expect(answers).toEqual(headers.map(() => '401 {"error":"unauthorized"}'));
    // One line each, with the reason (no header, the token refused) for whoever reads the log.
    expect(logged.map((l) => l.length)).toEqual(headers.map(() => 1));
    for (const [line] of logged) expect(line!.reason).toMatch(/\S/);
    expect(connector.calls.length).toBe(from);
    const tenants = headers.map((_, i) => `tenant-unauthenticated-${i}`);
    expect(await database.db.select().from(workspaces).where(inArray(workspaces.externalId, tenants))).toEqual([]);
  });

  it('answers a body that is no activity with the same 401 as a bad token, not 400 (nothing is said before authentication)', async () => {
    for (const body of [{ type: 'message' }, {}, { ...textMessage(connector.url, DM, 'help'), conversation: undefined }]) {
      const res = await postActivity(endpoint, body);
      expect(`${res.status} ${res.text}`).toBe('401 {"error":"unauthorized"}');
    }
  });

  it('does not check the serviceUrl against loopback (Teams sends its own), only the token', async () => {
    const res = await postActivity(endpoint, textMessage('https://smba.trafficmanager.net/amer/', DM, 'help'));
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toEqual({ error: 'unauthorized' });
  });
});
