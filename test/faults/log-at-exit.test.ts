// The log lines written just before the process exits reach its stdout whole and in
// order, even when whatever reads stdout (a container runtime, a log shipper, a test)
// is slow to drain the pipe. With pino's asynchronous destination a line still being
// written when process.exit() ran was overtaken by the later lines flushed at exit,
// or lost: the shutdown test saw "database closed" before "work under way finished".
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function messagesOfSlowlyReadProcess(): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/faults/fixtures/log-then-exit.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  // Nothing is read for a while: the pipe fills and the big line cannot be written at once.
  child.stdout.pause();
  setTimeout(() => child.stdout.resume(), 300);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) =>
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`exited ${code}: ${err}`));
      resolve(
        out
          .split('\n')
          .filter((line) => line.length > 0)
          .map((line) => {
            try {
              return (JSON.parse(line) as { msg: string }).msg;
            } catch {
              return `(broken line of ${line.length} characters)`;
            }
          }),
      );
    }),
  );
}

describe('log lines at exit', () => {
  it('are all written, whole and in order, when the reader is slow', { timeout: 60_000 }, async () => {
    for (let run = 0; run < 3; run++) expect(await messagesOfSlowlyReadProcess()).toEqual(['first', 'second', 'third']);
  });
});
