// `npm run connect` as an operator runs it — a real process, credentials on stdin —
// against a local ConnectWise, on every engine; and TENURE_SECRET_KEY: a bad one
// stops the configuration with its name, a database with connectors will not start
// without it, and the CLI says so too. No credential reaches the output.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startTenure } from '../../src/main.js';
import { createScratchDatabase, ENGINES } from '../helpers/engines.js';
import { FakeConnectwise } from './fake-connectwise.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const KEY = Buffer.alloc(32, 3).toString('base64');

function cli(args: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/connect.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('TENURE_SECRET_KEY in the configuration', () => {
  it('takes 32 bytes as base64 or hex and names the variable otherwise, without echoing it', () => {
    expect(loadConfig({ TENURE_SECRET_KEY: KEY }).secretKey).toBe(KEY);
    expect(loadConfig({ TENURE_SECRET_KEY: 'ab'.repeat(32) }).secretKey).toBe('ab'.repeat(32));
    expect(() => loadConfig({ TENURE_SECRET_KEY: 'too-short-a-key' })).toThrow(ConfigError);
    expect(() => loadConfig({ TENURE_SECRET_KEY: 'too-short-a-key' })).toThrow(/^Invalid configuration: TENURE_SECRET_KEY must be 32 random bytes as 64 hex digits or base64 \(make one with: openssl rand -base64 32\)$/);
  });
});

describe.each(ENGINES)('npm run connect on $name', (engine) => {
  const fake = new FakeConnectwise();
  const dir = mkdtempSync(path.join(tmpdir(), 'tenure-connect-cli-'));
  let env: Record<string, string>;
  let drop: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    await fake.start();
    fake.setCompanies([{ id: 250, name: 'Contoso Ltd.' }]);
    fake.put({ id: 1, company: { id: 250, name: 'Contoso Ltd.' }, priority: 'major', openedAt: '2026-11-20T10:00:00Z' });
    fake.put({ id: 2, company: { id: 250, name: 'Contoso Ltd.' }, priority: 'minor', openedAt: '2026-11-20T11:00:00Z' });
    if (engine.name === 'postgres') {
      const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!);
      env = { DATABASE_URL: scratch.url };
      drop = scratch.drop;
    } else env = { TENURE_DATA_DIR: path.join(dir, 'data') };
  }, 60_000);
  afterAll(async () => {
    await fake.stop();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects from stdin with a preview, imports, lists, and refuses to run or start without the key', { timeout: 120_000 }, async () => {
    const lines = Object.entries(fake.form()).map(([k, v]) => `${k}=${v}`).join('\n');
    const bad = await cli(['connectwise', '--yes'], { ...env, TENURE_SECRET_KEY: KEY }, lines.replace(fake.credentials.privateKey, 'wrong'));
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('ConnectWise PSA: the PSA refused the credentials (HTTP 401)') });

    const connected = await cli(['connectwise', '--yes'], { ...env, TENURE_SECRET_KEY: KEY }, lines);
    expect(connected.stderr).toBe('');
    expect(connected.stdout).toContain('ConnectWise PSA preview: 2 tickets from 1 company; 1 company unmatched.');
    expect(connected.stdout).toContain('Unmatched: Contoso Ltd.');
    expect(connected.stdout).toContain('Imported: 0 tickets synced, 2 kept aside.');
    const listed = await cli(['list'], { ...env, TENURE_SECRET_KEY: KEY });
    expect(listed.stdout).toMatch(/^connectwise\tactive\tlast success \d{4}-.*\tok\t0 synced, 2 aside\n$/);

    const keyless = await cli(['sync'], env);
    expect(keyless).toMatchObject({ code: 2, stderr: expect.stringContaining('TENURE_SECRET_KEY is not set') });

    const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
    await expect(startTenure(config, { logger: createLogger('silent') })).rejects.toThrow(/TENURE_SECRET_KEY is missing: PSA connectors are configured here/);

    for (const out of [bad, connected, listed, keyless]) {
      for (const secret of [fake.credentials.privateKey, fake.credentials.publicKey, fake.credentials.clientId]) expect(out.stdout + out.stderr).not.toContain(secret);
    }
  });
});
