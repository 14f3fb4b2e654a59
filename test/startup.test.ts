// Start-up as a user runs it: the real entry point in its own process, on a fresh
// data directory, restarted, and started twice on the same directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, TEST_DATABASE_URL } from './helpers/engines.js';
import { freePort, scriptNodeFlags } from './helpers/processes.js';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Running {
  child: ChildProcess;
  port: number;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts src/main.ts as `npm start` does (its node flags from package.json), or with the flags given. */
function launch(env: Record<string, string>, port: number, nodeFlags = scriptNodeFlags('start')): Running {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, port, stdout: () => out, stderr: () => err, exited };
}

async function command(port: number, text: string): Promise<{ messages: { text: string }[] }> {
  const res = await fetch(`http://127.0.0.1:${port}/console/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { messages: { text: string }[] };
}

/** Polls until `/account list` answers; returns the milliseconds it took from launch. */
async function untilAnswering(app: Running, started: number, limitMs = 90_000): Promise<{ ms: number; text: string }> {
  while (performance.now() - started < limitMs) {
    if (app.child.exitCode !== null) throw new Error(`exited early (${app.child.exitCode}): ${app.stderr()}${app.stdout()}`);
    try {
      const reply = await command(app.port, '/account list');
      return { ms: Math.round(performance.now() - started), text: reply.messages.map((m) => m.text).join('\n') };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`no answer within ${limitMs} ms: ${app.stderr()}${app.stdout()}`);
}

async function stop(app: Running): Promise<number | null> {
  if (app.child.exitCode !== null) return app.child.exitCode;
  app.child.kill('SIGTERM');
  return app.exited;
}

const running: Running[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const app of running) if (app.child.exitCode === null) app.child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm start in local mode (PGlite)', () => {
  it('seeds once, answers on the console, keeps data across restarts, and refuses a second process on the same data', { timeout: 240_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tenure-start-'));
    dirs.push(dataDir);
    const env = { TENURE_DATA_DIR: dataDir };

    // First start: a fresh data directory (initdb, migrations, demo seed).
    let began = performance.now();
    const first = launch(env, await freePort());
    running.push(first);
    const fresh = await untilAnswering(first, began);
    console.info(`fresh start answered /account list after ${fresh.ms} ms`);
    expect(fresh.text).toContain('Accounts (12)');
    expect(fresh.text).toContain('Acme Corp');
    // PGlite runs inside this process: V8 is set for a small heap and baseline WebAssembly (db/embedded-memory.ts).
    expect(first.stdout()).toContain('V8 set for the embedded database');
    // The new data directory was made by db/pglite-initdb.mjs in its own process, not in the server.
    expect(first.stdout()).toContain('created a new PGlite data directory (initdb in a child process)');
    // npm start limits the young generation (src/heap-settings.ts): no warning about it.
    expect(first.stdout()).not.toContain('node was started without');
    const health = await fetch(`http://127.0.0.1:${first.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', db: 'ok' });

    // A second process on the same data directory stops with one clear line.
    const second = launch(env, await freePort());
    running.push(second);
    expect(await second.exited).toBe(1);
    const lines = second.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`in use by another Tenure process (pid ${first.child.pid})`);
    // …and the first keeps working.
    expect((await command(first.port, '/account add "Persisted Ltd" arr=5k')).messages[0]!.text).toContain('Added account Persisted Ltd');

    // SIGTERM closes PGlite cleanly and releases the lock.
    expect(await stop(first)).toBe(0);
    expect(existsSync(path.join(dataDir, 'tenure.lock'))).toBe(false);

    // Restart: data is still there, the demo is not seeded twice.
    began = performance.now();
    const third = launch(env, await freePort());
    running.push(third);
    const restart = await untilAnswering(third, began);
    console.info(`restart answered /account list after ${restart.ms} ms`);
    expect(restart.text).toContain('Accounts (13)');
    expect(restart.text).toContain('Persisted Ltd');
    expect(third.stdout()).not.toContain('created a new PGlite data directory');
    expect(await stop(third)).toBe(0);
  });

  it('takes over a stale lock left by a killed process', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tenure-stale-'));
    dirs.push(dataDir);
    const first = launch({ TENURE_DATA_DIR: dataDir }, await freePort());
    running.push(first);
    await untilAnswering(first, performance.now());
    first.child.kill('SIGKILL');
    await first.exited;
    expect(existsSync(path.join(dataDir, 'tenure.lock'))).toBe(true);
    // Started as a bare `node` would be, without npm start's flags: it works, and says what it lacks.
    const again = launch({ TENURE_DATA_DIR: dataDir }, await freePort(), []);
    running.push(again);
    const answer = await untilAnswering(again, performance.now());
    expect(answer.text).toContain('Accounts (12)');
    expect(again.stdout()).toContain('node was started without --max-semi-space-size=16 --heap-growing-percent=20');
    expect(await stop(again)).toBe(0);
  });
});

describe.runIf(TEST_DATABASE_URL)('npm start with DATABASE_URL (PostgreSQL)', () => {
  it('migrates once under a lock when two replicas start together, and seeds the demo once', { timeout: 120_000 }, async () => {
    const scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    try {
      const env = { DATABASE_URL: scratch.url };
      const began = performance.now();
      const a = launch(env, await freePort());
      const b = launch(env, await freePort());
      running.push(a, b);
      const [ra, rb] = await Promise.all([untilAnswering(a, began), untilAnswering(b, began)]);
      expect(ra.text).toContain('Accounts (12)');
      expect(rb.text).toContain('Accounts (12)');
      // No WebAssembly database here: V8 keeps its defaults.
      expect(a.stdout()).not.toContain('V8 set for the embedded database');
      expect(await stop(a)).toBe(0);
      expect(await stop(b)).toBe(0);
    } finally {
      await scratch.drop();
    }
  });
});
