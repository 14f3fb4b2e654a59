// Start-up benchmark: the real entry point in its own process, timed from spawn to
// the first answer of `/account list` on the console — on a fresh data directory
// (initdb + migrations + demo seed) and on restarts of the same directory.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { summarize } from './stats.js';

const ROOT = path.resolve(import.meta.dirname, '..');

async function timeToAnswer(dataDir: string, port: number): Promise<number> {
  const began = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), TENURE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (performance.now() - began > 60_000) throw new Error('no answer within 60 s');
      try {
        const res = await fetch(`http://127.0.0.1:${port}/console/command`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: '/account list' }),
        });
        if (res.ok && (await res.text()).includes('Acme Corp')) return performance.now() - began;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

export async function benchStartup(runs = 3): Promise<void> {
  const fresh: number[] = [];
  const restart: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(path.join(tmpdir(), 'tenure-bench-'));
    try {
      fresh.push(await timeToAnswer(dir, 3900 + i));
      restart.push(await timeToAnswer(dir, 3950 + i));
      restart.push(await timeToAnswer(dir, 3960 + i));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log('start-up, spawn → first /account list answer (ms)');
  console.log('  fresh data directory:', summarize(fresh));
  console.log('  restart:             ', summarize(restart));
}
