// The weekly digest across real processes on one PostgreSQL (gated on
// TEST_DATABASE_URL): two app processes with the scheduler on post a due digest
// exactly once; a claim left 'running' by a process killed after claiming and
// before posting is completed exactly once by the restarted app.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, TEST_DATABASE_URL } from '../helpers/engines.js';
import { freePort } from '../helpers/processes.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface Running {
  child: ChildProcess;
  port: number;
  stdout: () => string;
  exited: Promise<number | null>;
}

function launch(url: string, port: number): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', PORT: String(port), DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, port, stdout: () => out, exited };
}

async function untilAnswering(app: Running, limitMs = 90_000): Promise<void> {
  const began = performance.now();
  while (performance.now() - began < limitMs) {
    if (app.child.exitCode !== null) throw new Error(`exited early: ${app.stdout()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${app.port}/healthz`);
      if (res.status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not answering: ${app.stdout()}`);
}

async function stop(app: Running): Promise<void> {
  if (app.child.exitCode !== null) return;
  app.child.kill('SIGTERM');
  await app.exited;
}

async function until(check: () => Promise<boolean>, limitMs = 60_000): Promise<void> {
  const began = performance.now();
  while (performance.now() - began < limitMs) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('condition not reached in time');
}

const posted = (apps: Running[], channel: string) =>
  apps.map((a) => a.stdout().split('\n').filter((l) => l.includes('weekly digest posted') && l.includes(`"channelId":"${channel}"`)).length).reduce((x, y) => x + y, 0);

const running: Running[] = [];
afterAll(() => {
  for (const app of running) if (app.child.exitCode === null) app.child.kill('SIGKILL');
});

describe.runIf(TEST_DATABASE_URL)('weekly digest across processes (PostgreSQL)', () => {
  it('two processes post a due digest once; a claim left by a killed process is completed once after restart', { timeout: 240_000 }, async () => {
    const scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    const sqlc = postgres(scratch.url, { max: 1, onnotice: () => {} });
    try {
      const first = launch(scratch.url, await freePort());
      running.push(first);
      await untilAnswering(first);
      await stop(first);
      const [ws] = await sqlc<{ id: string }[]>`select id from workspaces where platform = 'console' limit 1`;
      const today = WEEKDAYS[new Date().getUTCDay()]!;
      // Due since midnight UTC today: both processes see it at start.
      await sqlc`insert into channel_settings (workspace_id, channel_id, timezone, digest_day, digest_time, digest_enabled) values (${ws!.id}, 'general', 'UTC', ${today}, '00:00', true)`;

      const a = launch(scratch.url, await freePort());
      const b = launch(scratch.url, await freePort());
      running.push(a, b);
      await Promise.all([untilAnswering(a), untilAnswering(b)]);
      const runs = () => sqlc<{ period_key: string; status: string; owner: string }[]>`select period_key, status, owner from job_runs where job_name = 'weekly-digest' order by period_key`;
      await until(async () => (await runs()).some((r) => r.status === 'done'));
      await new Promise((r) => setTimeout(r, 3000));
      expect((await runs()).filter((r) => r.period_key.includes(':general:'))).toHaveLength(1);
      expect(posted([a, b], 'general')).toBe(1);
      await Promise.all([stop(a), stop(b)]);

      // The state a kill leaves between claim and post: the claim 'running', nothing posted.
      const date = new Date().toISOString().slice(0, 10);
      await sqlc`insert into channel_settings (workspace_id, channel_id, timezone, digest_day, digest_time, digest_enabled) values (${ws!.id}, 'ops', 'UTC', ${today}, '00:00', true)`;
      await sqlc`insert into job_runs (workspace_id, job_name, period_key, status, owner, started_at)
        values (${ws!.id}, 'weekly-digest', ${`${ws!.id}:ops:${date}`}, 'running', 'killed-host:1', now() - interval '10 minutes')`;
      const restarted = launch(scratch.url, await freePort());
      running.push(restarted);
      await untilAnswering(restarted);
      await until(async () => (await runs()).some((r) => r.period_key.includes(':ops:') && r.status === 'done'));
      await stop(restarted);
      const again = launch(scratch.url, await freePort());
      running.push(again);
      await untilAnswering(again);
      await new Promise((r) => setTimeout(r, 3000));
      await stop(again);
      expect(posted([restarted, again], 'ops')).toBe(1);
      expect(posted([restarted, again], 'general')).toBe(0);
      expect((await runs()).map((r) => r.status)).toEqual(['done', 'done']);
    } finally {
      await sqlc.end();
      await scratch.drop();
    }
  });
});
