// `npm run import` / `npm run export` as a user runs them: real processes on a PGlite
// data directory — import, export of what was imported, and the one-line answer
// when a running Tenure holds the directory.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

async function cli(script: string, args: string[], dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TENURE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('import / export CLI', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tenure-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a file, exports it back, and explains a locked data directory', async () => {
    const data = path.join(dir, 'data');
    const file = path.join(dir, 'accounts.csv');
    writeFileSync(file, 'Company Name,Annual Value,Contract End\r\n"Acme, Inc.",$120k,2027-03-31\r\nBeta,lots,2027-01-01\r\n');

    const imported = await cli('import', [file], data);
    expect(imported.code).toBe(1);
    expect(imported.stdout).toContain('2 rows read: 1 accounts were created');
    expect(imported.stdout).toContain('line 3: arr "lots" is not an amount');

    const exported = await cli('export', ['accounts'], data);
    expect(exported.code).toBe(0);
    // One row per account (contacts are their own export): name … contract_start, churned_on, stage, ….
    expect(exported.stdout.split('\n')[1]).toBe('"Acme, Inc.",,120000.00,2027-03-31,,,land,,,,,');

    // A live process (this test runner) holds the lock, as a running `npm start` would.
    writeFileSync(path.join(data, 'tenure.lock'), `${process.pid}\n`);
    const locked = await cli('import', [file, '--dry-run'], data);
    expect(locked.code).toBe(2);
    expect(locked.stderr).toMatch(/in use by a running Tenure .*Stop it .* or set DATABASE_URL/);
  });
});
