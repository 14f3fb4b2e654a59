// Configuration: defaults, one clear line per invalid variable (secrets never echoed),
// local vs platform mode, and the real start-up path (`node --import tsx src/main.ts`).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, isValidTimeZone, loadConfig } from '../src/config.js';

const SECRETS = {
  SLACK_SIGNING_SECRET: 'sig-0123456789abcdef',
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-bottokenvalue',
  SLACK_APP_TOKEN: 'xapp-1-A111-apptokenvalue',
  SLACK_CLIENT_SECRET: 'client-secret-value-42',
  SLACK_STATE_SECRET: 'state-secret-value-42',
  TEAMS_APP_PASSWORD: 'teams-password-value-42',
};

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected a ConfigError for ${Object.keys(env).join(', ')}`);
}

describe('loadConfig defaults', () => {
  it('an empty environment is local mode on PGlite', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      mode: 'local',
      database: { kind: 'pglite', dataDir: './.tenure' },
      teams: {},
      timezone: 'UTC',
      currency: 'USD',
      logLevel: 'info',
      nodeOptions: '',
    });
    expect(loadConfig({ NODE_OPTIONS: '--max-semi-space-size=16' }).nodeOptions).toBe('--max-semi-space-size=16');
    const config = loadConfig({});
    expect(config.slack).toBeUndefined();
    expect(config.apiToken).toBeUndefined();
  });

  it('empty and blank values count as unset', () => {
    const config = loadConfig({ PORT: '', TENURE_TIMEZONE: ' ', LOG_LEVEL: '', DATABASE_URL: '', SLACK_BOT_TOKEN: '  ', TENURE_DATA_DIR: '' });
    expect(config.port).toBe(3000);
    expect(config.timezone).toBe('UTC');
    expect(config.logLevel).toBe('info');
    expect(config.database).toEqual({ kind: 'pglite', dataDir: './.tenure' });
    expect(config.mode).toBe('local');
  });

  it('reads each variable', () => {
    const config = loadConfig({
      PORT: '8080',
      TENURE_DATA_DIR: '/var/lib/tenure',
      TENURE_TIMEZONE: 'Europe/Berlin',
      TENURE_CURRENCY: ' eur ',
      LOG_LEVEL: 'DEBUG',
      TENURE_API_TOKEN: 'a-long-enough-api-token',
    });
    expect(config).toMatchObject({
      port: 8080,
      database: { kind: 'pglite', dataDir: '/var/lib/tenure' },
      timezone: 'Europe/Berlin',
      currency: 'EUR',
      logLevel: 'debug',
      apiToken: 'a-long-enough-api-token',
      mode: 'local',
    });
  });

  it.each(['postgres://u:p@db:5432/tenure', 'postgresql://localhost/tenure'])('DATABASE_URL=%s selects PostgreSQL', (url) => {
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ kind: 'postgres', url });
  });

  it('TENURE_DB_POOL sets the PostgreSQL pool size per process', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://db/tenure', TENURE_DB_POOL: '12' }).database).toEqual({ kind: 'postgres', url: 'postgres://db/tenure', poolSize: 12 });
    expect(loadConfig({ DATABASE_URL: 'postgres://db/tenure', TENURE_DB_POOL: ' ' }).database).toEqual({ kind: 'postgres', url: 'postgres://db/tenure' });
  });

  it('PORT boundaries', () => {
    expect(loadConfig({ PORT: '1' }).port).toBe(1);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
  });

  it('isValidTimeZone', () => {
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('Mars/Base')).toBe(false);
  });
});

describe('invalid configuration: one line naming the variable', () => {
  const cases: [string, Record<string, string>, string, string][] = [
    ['PORT=abc', { PORT: 'abc' }, 'PORT', 'Invalid configuration: PORT must be a whole number between 1 and 65535 (got "abc")'],
    ['PORT=70000', { PORT: '70000' }, 'PORT', 'Invalid configuration: PORT must be a whole number between 1 and 65535 (got "70000")'],
    ['PORT=0', { PORT: '0' }, 'PORT', 'Invalid configuration: PORT must be a whole number between 1 and 65535 (got "0")'],
    ['PORT=-1', { PORT: '-1' }, 'PORT', 'Invalid configuration: PORT must be a whole number between 1 and 65535 (got "-1")'],
    ['PORT with a newline', { PORT: 'ab\ncd' }, 'PORT', 'Invalid configuration: PORT must be a whole number between 1 and 65535 (got "ab\\ncd")'],
    [
      'DATABASE_URL=mysql://x',
      { DATABASE_URL: 'mysql://root:hunter2@x/db' },
      'DATABASE_URL',
      'Invalid configuration: DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@host:5432/tenure',
    ],
    [
      'TENURE_TIMEZONE=Mars/Base',
      { TENURE_TIMEZONE: 'Mars/Base' },
      'TENURE_TIMEZONE',
      'Invalid configuration: TENURE_TIMEZONE must be an IANA time zone such as Europe/Berlin or America/New_York (got "Mars/Base")',
    ],
    [
      'TENURE_CURRENCY=EURO',
      { TENURE_CURRENCY: 'EURO' },
      'TENURE_CURRENCY',
      'Invalid configuration: TENURE_CURRENCY must be an ISO 4217 currency code such as USD, EUR or GBP (got "EURO")',
    ],
    [
      'LOG_LEVEL=loud',
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL',
      'Invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ],
    [
      'SLACK_BOT_TOKEN without the signing secret',
      { SLACK_BOT_TOKEN: SECRETS.SLACK_BOT_TOKEN },
      'SLACK_SIGNING_SECRET',
      'Invalid configuration: SLACK_SIGNING_SECRET is missing: SLACK_BOT_TOKEN needs the app signing secret too',
    ],
    [
      'SLACK_SIGNING_SECRET alone',
      { SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET },
      'SLACK_BOT_TOKEN',
      'Invalid configuration: SLACK_BOT_TOKEN is missing: with SLACK_SIGNING_SECRET set, give SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID/SECRET/STATE_SECRET (OAuth install)',
    ],
    [
      'SLACK_BOT_TOKEN of the wrong kind',
      { SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN: 'xoxp-user-token-value' },
      'SLACK_BOT_TOKEN',
      'Invalid configuration: SLACK_BOT_TOKEN must be a bot token starting with xoxb-',
    ],
    [
      'partial OAuth trio (no state secret)',
      { SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET, SLACK_CLIENT_ID: '123.456', SLACK_CLIENT_SECRET: SECRETS.SLACK_CLIENT_SECRET },
      'SLACK_STATE_SECRET',
      'Invalid configuration: SLACK_STATE_SECRET is missing: multi-workspace install needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET together',
    ],
    [
      'partial OAuth trio (only the state secret)',
      { SLACK_STATE_SECRET: SECRETS.SLACK_STATE_SECRET },
      'SLACK_CLIENT_ID',
      'Invalid configuration: SLACK_CLIENT_ID is missing: multi-workspace install needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET together',
    ],
    [
      'OAuth trio without the signing secret',
      { SLACK_CLIENT_ID: '123.456', SLACK_CLIENT_SECRET: SECRETS.SLACK_CLIENT_SECRET, SLACK_STATE_SECRET: SECRETS.SLACK_STATE_SECRET },
      'SLACK_SIGNING_SECRET',
      'Invalid configuration: SLACK_SIGNING_SECRET is missing: the Slack OAuth install also needs the signing secret',
    ],
    [
      'SLACK_APP_TOKEN alone',
      { SLACK_APP_TOKEN: SECRETS.SLACK_APP_TOKEN },
      'SLACK_APP_TOKEN',
      'Invalid configuration: SLACK_APP_TOKEN needs SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN for Socket Mode',
    ],
    [
      'SLACK_APP_TOKEN of the wrong kind',
      { SLACK_APP_TOKEN: 'xoxb-not-an-app-token' },
      'SLACK_APP_TOKEN',
      'Invalid configuration: SLACK_APP_TOKEN must be an app-level token starting with xapp-',
    ],
    [
      'SLACK_API_URL not http(s)',
      { SLACK_API_URL: 'ftp://slack.local' },
      'SLACK_API_URL',
      'Invalid configuration: SLACK_API_URL must be an http(s) URL for the Slack Web API (got "ftp://slack.local")',
    ],
    [
      'TEAMS_APP_PASSWORD without the app id',
      { TEAMS_APP_PASSWORD: SECRETS.TEAMS_APP_PASSWORD },
      'TEAMS_APP_ID',
      'Invalid configuration: TEAMS_APP_ID is missing: TEAMS_APP_PASSWORD is set without the app id',
    ],
    [
      'TEAMS_APP_ID without the password',
      { TEAMS_APP_ID: '00000000-0000-0000-0000-000000000001' },
      'TEAMS_APP_PASSWORD',
      'Invalid configuration: TEAMS_APP_PASSWORD is missing: the Teams bot needs its app password with TEAMS_APP_ID',
    ],
    [
      'TENURE_DB_POOL not a count',
      { DATABASE_URL: 'postgres://db/tenure', TENURE_DB_POOL: 'lots' },
      'TENURE_DB_POOL',
      'Invalid configuration: TENURE_DB_POOL must be a whole number of connections between 1 and 100 (got "lots")',
    ],
    [
      'TENURE_DB_POOL of zero',
      { DATABASE_URL: 'postgres://db/tenure', TENURE_DB_POOL: '0' },
      'TENURE_DB_POOL',
      'Invalid configuration: TENURE_DB_POOL must be a whole number of connections between 1 and 100 (got "0")',
    ],
    [
      'TENURE_API_TOKEN too short',
      { TENURE_API_TOKEN: 'short-token' },
      'TENURE_API_TOKEN',
      'Invalid configuration: TENURE_API_TOKEN must be at least 16 characters long',
    ],
  ];

  it.each(cases)('%s', (_what, env, variable, message) => {
    const err = configError(env);
    expect(err.variable).toBe(variable);
    expect(err.message).toBe(message);
    expect(err.message).not.toMatch(/[\r\n]/);
    for (const [name, value] of Object.entries(env)) {
      if (/SECRET|TOKEN|PASSWORD|DATABASE_URL/.test(name)) expect(err.message).not.toContain(value);
    }
  });

  it('secrets are not echoed even when their own format is wrong', () => {
    const env = { SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN: 'xoxe-super-secret-refresh' };
    expect(configError(env).message).not.toContain('super-secret');
    expect(configError({ DATABASE_URL: 'mysql://root:hunter2@db/x' }).message).not.toContain('hunter2');
  });
});

describe('platform mode', () => {
  it('Slack single workspace (HTTP)', () => {
    const config = loadConfig({ SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN: SECRETS.SLACK_BOT_TOKEN });
    expect(config.mode).toBe('platform');
    expect(config.slack).toEqual({ signingSecret: SECRETS.SLACK_SIGNING_SECRET, botToken: SECRETS.SLACK_BOT_TOKEN });
    // Unauthenticated emulator traffic is for local mode only.
    expect(config.teams).toBeUndefined();
  });

  it('Slack Socket Mode', () => {
    const config = loadConfig({
      SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET,
      SLACK_BOT_TOKEN: SECRETS.SLACK_BOT_TOKEN,
      SLACK_APP_TOKEN: SECRETS.SLACK_APP_TOKEN,
      SLACK_API_URL: 'http://127.0.0.1:9999/api/',
    });
    expect(config.mode).toBe('platform');
    expect(config.slack?.appToken).toBe(SECRETS.SLACK_APP_TOKEN);
    expect(config.slack?.apiUrl).toBe('http://127.0.0.1:9999/api/');
  });

  it('Slack OAuth install', () => {
    const config = loadConfig({
      SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET,
      SLACK_CLIENT_ID: '123.456',
      SLACK_CLIENT_SECRET: SECRETS.SLACK_CLIENT_SECRET,
      SLACK_STATE_SECRET: SECRETS.SLACK_STATE_SECRET,
    });
    expect(config.mode).toBe('platform');
    expect(config.slack?.oauth).toEqual({ clientId: '123.456', clientSecret: SECRETS.SLACK_CLIENT_SECRET, stateSecret: SECRETS.SLACK_STATE_SECRET });
    expect(config.slack?.botToken).toBeUndefined();
  });

  it('Teams bot', () => {
    const config = loadConfig({ TEAMS_APP_ID: 'app-id', TEAMS_APP_PASSWORD: SECRETS.TEAMS_APP_PASSWORD, TEAMS_TENANT_ID: 'tenant' });
    expect(config.mode).toBe('platform');
    expect(config.teams).toEqual({ appId: 'app-id', appPassword: SECRETS.TEAMS_APP_PASSWORD, tenantId: 'tenant' });
    expect(config.slack).toBeUndefined();
  });

  it('a Teams tenant id alone stays local', () => {
    const config = loadConfig({ TEAMS_TENANT_ID: 'tenant' });
    expect(config.mode).toBe('local');
    expect(config.teams).toEqual({ tenantId: 'tenant' });
  });
});

describe('start-up with an invalid configuration', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));

  it('exits 1 with exactly one line naming PORT on stderr', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tenure-config-'));
    try {
      // A clean environment so nothing from the developer's shell leaks in.
      const env: Record<string, string> = { PATH: process.env.PATH ?? '', PORT: 'abc', TENURE_DATA_DIR: dataDir };
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`tenure did not exit; stderr so far: ${stderr}`));
        }, 30_000);
        child.once('error', reject);
        child.once('exit', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      expect(code).toBe(1);
      expect(stderr).toBe('Invalid configuration: PORT must be a whole number between 1 and 65535 (got "abc")\n');
      expect(stdout).toBe('');
      // It stopped before touching the database.
      expect(readdirSync(dataDir)).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
