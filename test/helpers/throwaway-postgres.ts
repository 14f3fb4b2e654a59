// PostgreSQL for tests that run Tenure as its own process: a scratch database on
// the test server (TEST_DATABASE_URL), or else on a throwaway cluster started here
// from the server binaries (initdb, pg_ctl) on a free port. Never the machine's
// own server otherwise. Where neither is possible, NO_POSTGRES_REASON says why.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'vitest';
import { createScratchDatabase, TEST_DATABASE_URL } from './engines.js';
import { freePort } from './processes.js';

function findPostgresBin(): string | null {
  const onPath = (process.env.PATH ?? '').split(path.delimiter).find((dir) => dir && existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')));
  if (onPath) return onPath;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(path.join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], 'bin') : null;
}

/** PostgreSQL refuses to run as root: then initdb and the server run as the 'postgres' user. */
function postgresUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = existsSync('/etc/passwd') ? readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:')) : undefined;
  if (!line) return null;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function pickSource(): { kind: 'server'; url: string } | { kind: 'cluster'; bin: string } | { kind: 'none'; reason: string } {
  if (TEST_DATABASE_URL) return { kind: 'server', url: TEST_DATABASE_URL };
  const bin = findPostgresBin();
  if (!bin) return { kind: 'none', reason: 'no PostgreSQL: set TEST_DATABASE_URL, or install the PostgreSQL server binaries (initdb, pg_ctl) so the test can start a throwaway cluster' };
  if (process.getuid?.() === 0 && !postgresUser()) {
    return { kind: 'none', reason: `PostgreSQL binaries found in ${bin}, but the tests run as root and there is no 'postgres' user to run initdb as; set TEST_DATABASE_URL` };
  }
  return { kind: 'cluster', bin };
}

const SOURCE = pickSource();

/** Why process-level PostgreSQL tests cannot run here, or null when they can. */
export const NO_POSTGRES_REASON: string | null = SOURCE.kind === 'none' ? SOURCE.reason : null;
/**
 * Where neither TEST_DATABASE_URL nor PostgreSQL's binaries exist, the suite says so
 * in the report (one skipped test named with the reason) instead of vanishing.
 */
export function reportWhenNoPostgres(suite: string): void {
  if (!NO_POSTGRES_REASON) return;
  describe(suite, () => {
    it.skip(`skipped: ${NO_POSTGRES_REASON}`, () => undefined);
  });
}

/** Where those tests get PostgreSQL from, for the test names. */
export const POSTGRES_SOURCE = SOURCE.kind === 'server' ? 'TEST_DATABASE_URL' : SOURCE.kind === 'cluster' ? 'a throwaway cluster (initdb + pg_ctl)' : 'none';

let cluster: Promise<{ url: string; stop(): void }> | undefined;
let clusterUsers = 0;

/**
 * A throwaway cluster on a free port, shared by the scratch databases a test file
 * has open; stopped when the last is dropped, or by a watchdog shell if the test
 * worker dies first.
 */
function throwawayCluster(bin: string): Promise<{ url: string; stop(): void }> {
  return (cluster ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tenure-pg-'));
    const user = postgresUser();
    const command = (cmd: string, args: string[]): [string, string[]] =>
      user ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]] : [path.join(bin, cmd), args];
    const run = (cmd: string, args: string[]) => execFileSync(...command(cmd, args), { stdio: 'pipe', timeout: 60_000 });
    if (user) execFileSync('chown', [`${user.uid}:${user.gid}`, dir]);
    const data = path.join(dir, 'data');
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    const port = await freePort();
    run('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off`, 'start']);
    const [stopCmd, stopArgs] = command('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
    spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${[stopCmd, ...stopArgs].map(quote).join(' ')} >/dev/null 2>&1; rm -rf ${quote(dir)}`], {
      detached: true,
      stdio: 'ignore',
    }).unref();
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    process.once('exit', stop);
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
  })());
}

/** A fresh, empty database for one test; `drop` removes it (and stops a throwaway cluster nobody uses any more). */
export async function scratchPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  if (SOURCE.kind === 'none') throw new Error(SOURCE.reason);
  if (SOURCE.kind === 'server') return createScratchDatabase(SOURCE.url);
  clusterUsers++;
  const server = await throwawayCluster(SOURCE.bin);
  const scratch = await createScratchDatabase(server.url);
  return {
    url: scratch.url,
    async drop() {
      await scratch.drop();
      if (--clusterUsers === 0) {
        server.stop();
        cluster = undefined;
      }
    },
  };
}
