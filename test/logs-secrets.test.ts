// No secret ever reaches the log. Tenure runs with recognizable values for every
// secret (Slack signing secret, bot token, OAuth client and state secrets, the
// ingest API token, the Teams app password, a PostgreSQL password in DATABASE_URL)
// at LOG_LEVEL=trace, is driven through the paths that log — start-up, forged Slack
// requests, API 401s, Teams 401s, a failed Slack upload, a database outage, an
// OAuth install whose storage fails (its error message carries the new bot token),
// configuration errors, a start-up failure, shutdown — and every byte it wrote is
// searched for the values. Each scenario also checks that the lines it expects
// were written, so a silent logger cannot pass.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../src/config.js';
import { createLogger, secretScrubber, secretsOf, withRequestId } from '../src/log.js';
import { startTenure, type Tenure } from '../src/main.js';
import { ENGINES, TEST_DATABASE_URL, createScratchDatabase } from './helpers/engines.js';
import { FakeSlack, form, postSigned } from './helpers/fake-slack.js';
import { freePort, killAll, launchTenure, untilHealthy, waitForLog, type RunningTenure } from './helpers/processes.js';

// One tag per run: every secret contains SECRET-<tag>, so one search finds any of them.
const TAG = randomBytes(4).toString('hex');
const MARK = `SECRET-${TAG}`;
const SECRETS = {
  SLACK_SIGNING_SECRET: `signing-${MARK}`,
  SLACK_BOT_TOKEN: `xoxb-bot-${MARK}`,
  SLACK_CLIENT_SECRET: `client-${MARK}`,
  SLACK_STATE_SECRET: `state-${MARK}`,
  TENURE_API_TOKEN: `api-token-${MARK}`,
  TEAMS_APP_PASSWORD: `teams-password-${MARK}`,
  DATABASE_PASSWORD: `db-password-${MARK}`,
};

/** Every secret-bearing setting, pointed at the fake Slack: what both the in-process and the process tests run with. */
const secretsEnv = (fakeUrl: string) => ({
  SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET,
  SLACK_BOT_TOKEN: SECRETS.SLACK_BOT_TOKEN,
  SLACK_API_URL: `${fakeUrl}/api/`,
  TEAMS_APP_ID: '00000000-0000-0000-0000-00000000a11d',
  TEAMS_APP_PASSWORD: SECRETS.TEAMS_APP_PASSWORD,
  TENURE_API_TOKEN: SECRETS.TENURE_API_TOKEN,
});
/** What the fake Slack hands out for an OAuth install with code=leaky (not configured anywhere). */
const INSTALLED_TOKEN = 'xoxb-installed-leaky';

/** Every way a secret could show: as is, inside JSON, URL-encoded; and the run's mark alone. */
function expectNoSecrets(output: string, extra: string[] = []): void {
  for (const value of [...Object.values(SECRETS), ...extra]) {
    for (const form of new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])) expect(output).not.toContain(form);
  }
  expect(output).not.toContain(MARK);
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
  lines(): Record<string, unknown>[] {
    return this.text
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  has(msg: string | RegExp): boolean {
    return this.lines().some((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(String(l.msg))));
  }
}

describe('the logger', () => {
  it('scrubs configured values, Slack tokens, bearer tokens and URL passwords from every line, and redacts known paths', () => {
    const out = new Capture();
    const quoted = `with "quotes" and \\ ${MARK}`;
    const log = createLogger('trace', out, [SECRETS.SLACK_SIGNING_SECRET, quoted, 'short']);
    log.info({ token: 'top-level-token-value', nested: { botToken: 'nested-bot-token', password: 'nested-pw' }, req: { headers: { authorization: 'Basic abc' } } }, 'paths');
    log.warn({ detail: `signature made with ${SECRETS.SLACK_SIGNING_SECRET}` }, `and in the message: ${SECRETS.SLACK_SIGNING_SECRET}`);
    log.error({ err: new Error(`Failed query: insert into installations … params: {"bot":{"token":"xoxb-123-456-abcDEF"},"refresh":"xoxe-1-xyz"} ${quoted}`) }, 'query failed');
    log.info({ url: 'postgres://tenure:pa55word@db.internal:5432/tenure', header: 'Authorization: Bearer abc.def-ghi' }, 'connection');
    log.info({ app: 'xapp-1-A111-222-abc' }, 'short secrets are left alone: short');
    const text = out.text;
    for (const leaked of ['top-level-token-value', 'nested-bot-token', 'nested-pw', 'Basic abc', SECRETS.SLACK_SIGNING_SECRET, 'xoxb-123-456-abcDEF', 'xoxe-1-xyz', 'pa55word', 'abc.def-ghi', 'xapp-1-A111-222-abc', MARK]) {
      expect(text).not.toContain(leaked);
    }
    expect(text).toContain('postgres://tenure:[redacted]@db.internal:5432/tenure');
    expect(text).toContain('Bearer [redacted]');
    expect(text).toContain('short secrets are left alone: short');
    expect(out.lines()).toHaveLength(5);
    expect(secretScrubber([])('nothing secret here')).toBe('nothing secret here');
  });

  it('puts the request id on every line written while serving a request', () => {
    const out = new Capture();
    const log = createLogger('info', out);
    withRequestId('req-42', () => log.info('inside'));
    log.info('outside');
    expect(out.lines().map((l) => [l.msg, l.requestId])).toEqual([
      ['inside', 'req-42'],
      ['outside', undefined],
    ]);
  });

  it('takes every secret of the configuration, the database password included', () => {
    const config = loadConfig({
      SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET,
      SLACK_CLIENT_ID: '111.222',
      SLACK_CLIENT_SECRET: SECRETS.SLACK_CLIENT_SECRET,
      SLACK_STATE_SECRET: SECRETS.SLACK_STATE_SECRET,
      TEAMS_APP_ID: 'app-id',
      TEAMS_APP_PASSWORD: SECRETS.TEAMS_APP_PASSWORD,
      TENURE_API_TOKEN: SECRETS.TENURE_API_TOKEN,
      DATABASE_URL: `postgres://tenure:${encodeURIComponent(`p@ss/${MARK}`)}@127.0.0.1:5432/tenure`,
    });
    expect(secretsOf(config)).toEqual(expect.arrayContaining([SECRETS.SLACK_SIGNING_SECRET, SECRETS.SLACK_CLIENT_SECRET, SECRETS.SLACK_STATE_SECRET, SECRETS.TEAMS_APP_PASSWORD, SECRETS.TENURE_API_TOKEN, `p@ss/${MARK}`]));
  });
});

describe.each(ENGINES)('no secret in the logs of a running Tenure on $name', (engine) => {
  const fake = new FakeSlack();
  const out = new Capture();
  const releases: (() => Promise<void>)[] = [];
  let tenure: Tenure;
  let config: Config;

  beforeAll(async () => {
    await fake.start();
    // On PostgreSQL Tenure opens the database itself, from a URL that carries a
    // password (the test server trusts local connections, so any password works).
    let databaseUrl = 'postgres://tenure:placeholder@127.0.0.1:9/unused';
    let database;
    if (engine.name === 'postgres') {
      const scratch = await createScratchDatabase(TEST_DATABASE_URL!);
      releases.push(scratch.drop);
      const url = new URL(scratch.url);
      url.username = 'postgres';
      url.password = SECRETS.DATABASE_PASSWORD;
      databaseUrl = url.toString();
    } else {
      const opened = await engine.open();
      releases.push(opened.release);
      database = opened.database;
      databaseUrl = `postgres://tenure:${SECRETS.DATABASE_PASSWORD}@127.0.0.1:9/unused`;
    }
    config = {
      ...loadConfig({
        ...secretsEnv(fake.url),
        DATABASE_URL: databaseUrl,
        LOG_LEVEL: 'trace',
      }),
      port: 0,
    };
    // The logger exactly as main() builds it, writing into the capture.
    tenure = await startTenure(config, { logger: createLogger(config.logLevel, out, secretsOf(config)), ...(database ? { database } : {}) });
  });
  afterAll(async () => {
    await tenure?.close().catch(() => undefined);
    for (const release of releases) await release().catch(() => undefined);
    await fake.stop();
  });

  const events = () => new URL('/slack/events', tenure.url).toString();
  const slash = (text: string) =>
    postSigned(
      events(),
      form({ token: 'legacy', team_id: 'T1', team_domain: 't1', channel_id: 'C1', channel_name: 'ops', user_id: 'U1', user_name: 'ana', command: '/tenure', text, response_url: fake.responseUrl(), trigger_id: 't', api_app_id: 'A1' }),
      'application/x-www-form-urlencoded',
      { secret: SECRETS.SLACK_SIGNING_SECRET },
    );

  it('start-up, forged Slack requests, API and Teams 401s, a failed upload, a database outage and shutdown log no secret', async () => {
    expect(out.has(/database open and migrated/)).toBe(true);

    // Slack: a forged signature, a stale one, a good command, an export whose upload Slack refuses.
    const forged = await fetch(events(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)), 'x-slack-signature': `v0=${'0'.repeat(64)}` }, body: 'command=%2Ftenure&text=help' });
    expect(forged.status).toBe(401);
    expect((await postSigned(events(), 'command=%2Ftenure', 'application/x-www-form-urlencoded', { secret: SECRETS.SLACK_SIGNING_SECRET, timestamp: 1 })).status).toBe(401);
    expect((await slash('account add "Acme Corp"')).status).toBe(200);
    fake.failNext('files.getUploadURLExternal', { status: 200, body: { ok: false, error: 'not_in_channel' } });
    expect((await slash('export accounts')).status).toBe(200);
    await waitFor(() => out.has('could not upload a file to Slack'));

    // The ingest API: no token, a wrong one, the right one with a bad body.
    const api = new URL('/api/v1/accounts', tenure.url);
    expect((await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"rows":[]}' })).status).toBe(401);
    expect((await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRETS.TENURE_API_TOKEN}x` }, body: '{"rows":[]}' })).status).toBe(401);
    expect((await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRETS.TENURE_API_TOKEN}` }, body: '{"rows":[{"nme":1}]}' })).status).toBe(400);

    // Teams: an activity without a Bot Framework token, and one with a token that is not a JWT.
    const teams = new URL('/api/messages', tenure.url);
    const activity = JSON.stringify({ type: 'message', text: 'help', channelId: 'msteams', serviceUrl: fake.url, from: { id: '29:x' }, conversation: { id: 'a:1' }, recipient: { id: '28:bot' } });
    expect((await fetch(teams, { method: 'POST', headers: { 'content-type': 'application/json' }, body: activity })).status).toBe(401);
    expect((await fetch(teams, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRETS.TEAMS_APP_PASSWORD}` }, body: activity })).status).toBe(401);

    // The database goes away: commands and the API answer "unavailable" and log the error.
    await tenure.database.close();
    expect((await slash('account add "Globex"')).status).toBe(200);
    expect((await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRETS.TENURE_API_TOKEN}` }, body: '{"rows":[{"name":"Initech"}]}' })).status).toBe(503);
    await waitFor(() => out.has('database unavailable'));
    await tenure.close().catch(() => undefined);

    expect(out.has('refused a Slack request')).toBe(true);
    expect(out.lines().length).toBeGreaterThan(10);
    expectNoSecrets(out.text);
  });

  it('an OAuth install whose storage fails logs the failure, not the new bot token', async () => {
    const capture = new Capture();
    const opened = await engine.open();
    releases.push(opened.release);
    const oauthConfig = {
      ...loadConfig({
        SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET,
        SLACK_CLIENT_ID: '111.222',
        SLACK_CLIENT_SECRET: SECRETS.SLACK_CLIENT_SECRET,
        SLACK_STATE_SECRET: SECRETS.SLACK_STATE_SECRET,
        SLACK_API_URL: `${fake.url}/api/`,
        LOG_LEVEL: 'trace',
      }),
      port: 0,
    };
    const oauth = await startTenure(oauthConfig, { database: opened.database, logger: createLogger('trace', capture, secretsOf(oauthConfig)) });
    try {
      // Storing the installation fails after its token is in the statement's parameters.
      await opened.database.db.execute(sql`alter table installations rename column data to data_unavailable`);
      const install = await fetch(new URL('/slack/install', oauth.url), { redirect: 'manual' });
      const state = new URL(install.headers.get('location')!).searchParams.get('state')!;
      const cookie = install.headers.get('set-cookie')!.split(';')[0]!;
      const callback = await fetch(new URL(`/slack/oauth_redirect?code=leaky&state=${encodeURIComponent(state)}`, oauth.url), { headers: { cookie }, redirect: 'manual' });
      expect(callback.status).toBeGreaterThanOrEqual(400);
      await waitFor(() => /data_unavailable|installations/.test(capture.text));
    } finally {
      await oauth.close();
    }
    expect(capture.text).toContain('[redacted]');
    expectNoSecrets(capture.text, [INSTALLED_TOKEN]);
  });
});

/** Polls `check` (log lines written by work that goes on after the answer). */
async function waitFor(check: () => boolean, limitMs = 10_000): Promise<void> {
  const began = performance.now();
  while (!check()) {
    if (performance.now() - began > limitMs) throw new Error(`waited ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('no secret in the output of the real process', () => {
  const apps: RunningTenure[] = [];
  const dirs: string[] = [];
  afterAll(() => {
    killAll(apps);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function exitOf(app: RunningTenure): Promise<number | null> {
    return (await app.exited).code;
  }

  it('configuration errors name the variable, never its value', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ SLACK_BOT_TOKEN: SECRETS.SLACK_BOT_TOKEN, TENURE_API_TOKEN: SECRETS.TENURE_API_TOKEN }, 'SLACK_SIGNING_SECRET'],
      [{ TENURE_API_TOKEN: `short-${TAG}`.slice(0, 10), SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN: SECRETS.SLACK_BOT_TOKEN }, 'TENURE_API_TOKEN'],
      [{ DATABASE_URL: `mysql://root:${SECRETS.DATABASE_PASSWORD}@db/tenure`, TEAMS_APP_ID: 'x', TEAMS_APP_PASSWORD: SECRETS.TEAMS_APP_PASSWORD }, 'DATABASE_URL'],
      [{ TEAMS_APP_PASSWORD: SECRETS.TEAMS_APP_PASSWORD, SLACK_BOT_TOKEN: 'not-a-bot-token', SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET }, 'SLACK_BOT_TOKEN'],
    ];
    for (const [env, variable] of cases) {
      const app = await launchTenure({ ...env, LOG_LEVEL: 'trace' });
      apps.push(app);
      expect(await exitOf(app)).toBe(1);
      expect(app.output()).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
      expect(app.output().trim().split('\n')).toHaveLength(1);
      expectNoSecrets(app.output(), [`short-${TAG}`.slice(0, 10), 'not-a-bot-token']);
    }
  });

  it('a start-up failure (the database refuses) logs the error without the password', async () => {
    const closed = await freePort();
    const app = await launchTenure({
      DATABASE_URL: `postgres://tenure:${SECRETS.DATABASE_PASSWORD}@127.0.0.1:${closed}/tenure`,
      SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET,
      SLACK_BOT_TOKEN: SECRETS.SLACK_BOT_TOKEN,
      TENURE_API_TOKEN: SECRETS.TENURE_API_TOKEN,
      LOG_LEVEL: 'trace',
    });
    apps.push(app);
    expect(await exitOf(app)).toBe(1);
    expect(app.logs().some((l) => l.msg === 'Tenure could not start')).toBe(true);
    expectNoSecrets(app.output());
  });

  it('a full run at trace level — start-up, requests that log, shutdown — writes no secret', async () => {
    const fake = new FakeSlack();
    await fake.start();
    let scratch: { url: string; drop(): Promise<void> } | undefined;
    const env: Record<string, string> = {
      ...secretsEnv(fake.url),
      LOG_LEVEL: 'trace',
    };
    if (TEST_DATABASE_URL) {
      scratch = await createScratchDatabase(TEST_DATABASE_URL);
      const url = new URL(scratch.url);
      url.username = 'postgres';
      url.password = SECRETS.DATABASE_PASSWORD;
      env.DATABASE_URL = url.toString();
    } else {
      const dir = mkdtempSync(path.join(tmpdir(), 'tenure-secrets-'));
      dirs.push(dir);
      env.TENURE_DATA_DIR = dir;
    }
    try {
      const app = await launchTenure(env);
      apps.push(app);
      await untilHealthy(app);
      await waitForLog(app, 'the listening line', (l) => /Tenure is listening/.test(l.msg));
      const forged = await fetch(`${app.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': '1', 'x-slack-signature': 'v0=00' }, body: 'x=1' });
      expect(forged.status).toBe(401);
      expect((await fetch(`${app.url}/api/v1/usage`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer wrong-token-value' }, body: '{}' })).status).toBe(401);
      expect((await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"message"}' })).status).toBe(401);
      const ok = await postSigned(
        `${app.url}/slack/events`,
        form({ team_id: 'T1', team_domain: 't1', channel_id: 'C1', channel_name: 'ops', user_id: 'U1', user_name: 'ana', command: '/account', text: 'list', response_url: fake.responseUrl(), trigger_id: 't' }),
        'application/x-www-form-urlencoded',
        { secret: SECRETS.SLACK_SIGNING_SECRET },
      );
      expect(ok.status).toBe(200);
      await waitForLog(app, 'the refused Slack request', (l) => l.msg === 'refused a Slack request');
      app.child.kill('SIGTERM');
      expect(await exitOf(app)).toBe(0);
      expect(app.logs().some((l) => l.msg === 'shutting down')).toBe(true);
      expectNoSecrets(app.output());
    } finally {
      await fake.stop();
      await scratch?.drop();
    }
  });
});
