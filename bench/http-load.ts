// `npm run bench:commands`: command latency under load through the real HTTP door.
// Tenure runs as its own process — compiled first (`npm run build`) and started the
// way production runs it (`node dist/src/main.js`, `npm run serve`) — in Slack
// single-workspace HTTP mode against a local fake of the Slack Web API, with the
// 10,000-account portfolio (bench/seed.ts) in its database, and takes signed
// `/checkin <account> call …` and `/health <account>` requests for random accounts
// at 50 concurrent for 30 s — on PGlite (a data directory seeded before it starts)
// and on PostgreSQL (a scratch database on BENCH_DATABASE_URL or TEST_DATABASE_URL).
// In the same run, the floor: a bare Bolt app that only acks, driven the same way.
// Prints one table against the targets: p99 under 250 ms and within 3× the floor on
// PostgreSQL, peak RSS under 300 MB; and per target the CPU each command cost the
// server, its PostgreSQL backends and the load generator, and whether every command
// got its real answer (an empty ack must be followed by a response_url post).
//
// Knobs for a quick look: BENCH_LOAD_SECONDS, BENCH_LOAD_ACCOUNTS,
// BENCH_LOAD_CONNECTIONS, BENCH_LOAD_COMMANDS (checkin,health),
// BENCH_LOAD_TARGETS (floor,pglite,postgres); BENCH_LOAD_NODE_ARGS to profile the servers;
// BENCH_LOAD_RUNTIME=tsx to run Tenure from source as `npm start` does (about 80 MB more);
// TENURE_DB_POOL is handed on to Tenure (its PostgreSQL connections; default 4).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase, type DatabaseTarget } from '../db/client.js';
import { createScratchDatabase } from '../test/helpers/engines.js';
import { FakeSlack } from '../test/helpers/fake-slack.js';
import { freePort } from '../test/helpers/processes.js';
import { driveSlashCommands, type CommandKind, type DriveResult } from './load-driver.js';
import { cpuSecondsOf, rssMb, sampleProcess, startTarget, type ProcessSample, type TargetProcess } from './load-target.js';
import { seedPortfolio } from './seed.js';

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 30);
const ACCOUNTS = Number(process.env.BENCH_LOAD_ACCOUNTS ?? 10_000);
const CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 50);
const KINDS = (process.env.BENCH_LOAD_COMMANDS ?? 'checkin,health').split(',').filter((k): k is CommandKind => k === 'checkin' || k === 'health');
const TARGETS = (process.env.BENCH_LOAD_TARGETS ?? 'floor,pglite,postgres').split(',');
const POSTGRES_URL = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
const RUNTIME = process.env.BENCH_LOAD_RUNTIME === 'tsx' ? 'tsx' : 'compiled';
const POOL_ENV: Record<string, string> = process.env.TENURE_DB_POOL ? { TENURE_DB_POOL: process.env.TENURE_DB_POOL } : {};
const WARM_UP_SECONDS = Math.min(5, SECONDS);
/** Extra node flags for the servers under load, e.g. `--cpu-prof --cpu-prof-dir=prof` to profile them. */
const NODE_ARGS = (process.env.BENCH_LOAD_NODE_ARGS ?? '').split(' ').filter(Boolean);

// Test credentials for a fake Slack: nothing here reaches the real one.
const SIGNING_SECRET = 'bench-signing-secret';
const BOT_TOKEN = 'xoxb-bench-token';
const TEAM_ID = 'T_BENCH';
/** The jobs Tenure runs once at start; the load starts after all of them have finished. */
const START_UP_JOBS = ['sla-watch', 'surveys', 'weekly-digest', 'health-daily'];

interface Row {
  target: string;
  drive: DriveResult;
  process: ProcessSample;
  late: number;
  logLines: number;
  errorLogs: number;
  firstErrors: string[];
  load: [number, number];
  /** Resident set when the server was ready, before any load (MB). */
  readyRssMb: number;
  /** CPU per answered request (ms): the server, its PostgreSQL backends, this process (autocannon and the fake Slack). */
  cpuPerRequest: { app: number; database?: number; driver: number };
}

const mb = (n: number) => n.toFixed(0);
const ms = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));

/** Waits until no new response_url post has arrived for `quietMs` (late answers still landing). */
async function settle(fake: FakeSlack, quietMs = 1_500, maxMs = 15_000): Promise<void> {
  const began = Date.now();
  let seen = fake.of('respond').length;
  let since = Date.now();
  while (Date.now() - since < quietMs && Date.now() - began < maxMs) {
    await new Promise((r) => setTimeout(r, 100));
    const now = fake.of('respond').length;
    if (now !== seen) {
      seen = now;
      since = Date.now();
    }
  }
}

/** The server processes of the PostgreSQL connections to `url`'s database (its backends), to count their CPU. */
async function backendPids(url: string): Promise<number[]> {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
    return rows.map((r) => r.pid);
  } finally {
    await admin.end();
  }
}

async function measure(target: string, fake: FakeSlack, server: TargetProcess, port: number, expectAnswers: boolean, databaseUrl?: string): Promise<Row> {
  const readyRssMb = rssMb(server.pid);
  // One autocannon run: a warm-up (connections, JIT, pools, the users.info cache), not
  // counted, then the measured seconds on the same connections.
  const driving = driveSlashCommands({
    url: `http://127.0.0.1:${port}`,
    signingSecret: SIGNING_SECRET,
    teamId: TEAM_ID,
    accounts: ACCOUNTS,
    warmUpSeconds: WARM_UP_SECONDS,
    seconds: SECONDS,
    connections: CONNECTIONS,
    kinds: KINDS,
    responseUrl: () => fake.responseUrl(),
    expectAnswers,
  });
  await new Promise((r) => setTimeout(r, WARM_UP_SECONDS * 1000));
  const respondedBefore = fake.of('respond').length;
  const linesBefore = server.lines();
  const loadBefore = loadavg()[0]!;
  // Backends are only visible to CPU accounting when this process runs on the database's machine.
  const backends = databaseUrl ? (await backendPids(databaseUrl)).filter((pid) => cpuSecondsOf([pid]) > 0) : [];
  const databaseCpuBefore = cpuSecondsOf(backends);
  const driverCpuBefore = process.cpuUsage();
  const sampled = sampleProcess(server.pid);
  const result = await driving;
  const processSample = sampled();
  const driverCpu = process.cpuUsage(driverCpuBefore);
  const databaseCpu = cpuSecondsOf(backends) - databaseCpuBefore;
  const perRequest = (seconds: number) => (seconds * 1000) / Math.max(1, result.responses);
  const loadAfter = loadavg()[0]!;
  await settle(fake);
  const linesAfter = server.lines();
  return {
    target,
    drive: result,
    process: processSample,
    late: fake.of('respond').length - respondedBefore,
    logLines: linesAfter.total - linesBefore.total,
    errorLogs: linesAfter.errors - linesBefore.errors,
    firstErrors: server.firstErrors(),
    load: [loadBefore, loadAfter],
    readyRssMb,
    cpuPerRequest: {
      app: perRequest((processSample.cpuPercent / 100) * result.seconds),
      ...(backends.length > 0 ? { database: perRequest(databaseCpu) } : {}),
      driver: perRequest((driverCpu.user + driverCpu.system) / 1e6),
    },
  };
}

async function floor(fake: FakeSlack): Promise<Row> {
  const port = await freePort();
  const server = await startTarget({
    script: 'bench/bare-bolt.ts',
    env: { PORT: String(port), SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: `${fake.url}/api/` },
    ready: (line) => line.includes('bare Bolt app ready'),
    timeoutMs: 60_000,
    nodeArgs: NODE_ARGS,
  });
  try {
    return await measure('floor: bare Bolt, ack only', fake, server, port, false);
  } finally {
    await server.stop();
  }
}

/** Seeds `target` (then closes it, releasing PGlite's data directory) and runs Tenure on it. */
async function tenure(label: string, fake: FakeSlack, target: DatabaseTarget, databaseEnv: Record<string, string>): Promise<Row> {
  const databaseUrl = target.kind === 'postgres' ? target.url : undefined;
  const seeding = performance.now();
  const database = await openDatabase(target);
  try {
    await seedPortfolio(database.db, {
      accounts: ACCOUNTS,
      now: new Date(),
      identity: { platform: 'slack', workspaceExternalId: TEAM_ID, workspaceName: 'bench', defaultTimezone: 'UTC', userId: 'U_LOAD0', userName: 'load0', channelId: 'C_LOAD' },
    });
  } finally {
    await database.close();
  }
  console.log(`${label}: seeded ${ACCOUNTS} accounts in ${((performance.now() - seeding) / 1000).toFixed(1)} s; starting Tenure`);

  const port = await freePort();
  const finished = new Set<string>();
  let listening = false;
  const starting = performance.now();
  const server = await startTarget({
    script: RUNTIME === 'tsx' ? 'src/main.ts' : 'dist/src/main.js',
    env: { PORT: String(port), SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: `${fake.url}/api/`, LOG_LEVEL: 'info', ...POOL_ENV, ...databaseEnv },
    ready: (line) => {
      if (line.includes('Tenure is listening')) listening = true;
      const job = /"job":"([\w-]+)".*"msg":"job (finished|failed)"/.exec(line)?.[1];
      if (job) finished.add(job);
      return listening && START_UP_JOBS.every((j) => finished.has(j));
    },
    timeoutMs: 300_000,
    nodeArgs: NODE_ARGS,
  });
  console.log(`${label}: ready after ${((performance.now() - starting) / 1000).toFixed(1)} s (start-up jobs done); ${WARM_UP_SECONDS} s warm-up, then ${SECONDS} s measured`);
  try {
    return await measure(label, fake, server, port, true, databaseUrl);
  } finally {
    await server.stop();
  }
}

function printTable(rows: Row[]): void {
  const header = ['target', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'non-200 / errors / timeouts', '> 3 s', 'wrong answers', 'empty acks (answered later)', 'peak RSS MB (load / life)', 'app CPU %', 'load avg 1m'];
  const lines = rows.map((r) => [
    r.target,
    r.drive.perSecond.toFixed(0),
    ms(r.drive.latency.p50),
    ms(r.drive.latency.p95),
    ms(r.drive.latency.p99),
    ms(r.drive.latency.max),
    `${r.drive.non2xx} / ${r.drive.errors} / ${r.drive.timeouts}`,
    String(r.drive.overSlackTimeout),
    String(r.drive.wrong),
    r.target.startsWith('floor') ? `${r.drive.emptyAcks} (ack only)` : `${r.drive.emptyAcks} (${r.late})`,
    `${mb(r.process.peakRssMb)} / ${mb(r.process.highWaterMb)}`,
    r.process.cpuPercent.toFixed(0),
    `${r.load[0].toFixed(2)} → ${r.load[1].toFixed(2)}`,
  ]);
  console.log(`\n| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const line of lines) console.log(`| ${line.join(' | ')} |`);
  console.log('');
  for (const r of rows) {
    const kinds = Object.entries(r.drive.byKind)
      .map(([k, s]) => `/${k} p50 ${ms(s.p50)} · p95 ${ms(s.p95)} · p99 ${ms(s.p99)} ms (${s.n})`)
      .join('; ');
    const cpu = r.cpuPerRequest;
    const unanswered = r.target.startsWith('floor') ? 0 : Math.max(0, r.drive.emptyAcks - r.late);
    console.log(`${r.target}: ${r.drive.responses} responses in ${r.drive.seconds.toFixed(1)} s — ${kinds}; ${r.logLines} log lines (${r.errorLogs} errors)${r.drive.wrongSample ? `; first wrong answer: ${r.drive.wrongSample}` : ''}`);
    console.log(
      `${unanswered > 0 ? `  UNANSWERED: ${unanswered} commands were acked empty and never answered through response_url\n` : ''}  CPU per request: server ${cpu.app.toFixed(2)} ms${cpu.database !== undefined ? `, its PostgreSQL backends ${cpu.database.toFixed(2)} ms` : ''}, load generator + fake Slack ${cpu.driver.toFixed(2)} ms; RSS when ready ${mb(r.readyRssMb)} MB`,
    );
    for (const line of r.firstErrors) console.log(`  error log: ${line}`);
  }
  const floorRow = rows.find((r) => r.target.startsWith('floor'));
  const postgres = rows.find((r) => r.target.includes('PostgreSQL'));
  console.log('\nTargets');
  if (postgres) {
    console.log(`  PostgreSQL p99 < 250 ms: ${ms(postgres.drive.latency.p99)} ms — ${postgres.drive.latency.p99 < 250 ? 'met' : 'MISSED'}`);
    if (floorRow) {
      const ratio = postgres.drive.latency.p99 / floorRow.drive.latency.p99;
      console.log(`  PostgreSQL p99 ≤ 3× floor p99 (${ms(floorRow.drive.latency.p99)} ms): ${ratio.toFixed(1)}× — ${ratio <= 3 ? 'met' : 'MISSED'}`);
    }
  } else console.log('  PostgreSQL: not run (set BENCH_DATABASE_URL or TEST_DATABASE_URL)');
  for (const r of rows.filter((row) => !row.target.startsWith('floor'))) {
    console.log(`  ${r.target} peak RSS < 300 MB: ${mb(r.process.highWaterMb)} MB — ${r.process.highWaterMb < 300 ? 'met' : 'MISSED'}`);
    const failed = r.drive.non2xx + r.drive.errors + r.drive.timeouts + r.drive.wrong + Math.max(0, r.drive.emptyAcks - r.late);
    console.log(`  ${r.target} answered every command correctly: ${failed === 0 ? 'yes' : `NO (${failed} failed)`}`);
  }
}

/** Runs one target; a target that fails (e.g. Tenure does not start) is reported and the others still run. */
async function attempt(name: string, run: () => Promise<Row>, rows: Row[], failures: string[]): Promise<void> {
  try {
    rows.push(await run());
  } catch (err) {
    failures.push(`${name}: ${(err as Error).message}`);
    console.error(`${name} failed: ${(err as Error).message}`);
  }
}

async function main(): Promise<void> {
  console.log(
    `HTTP load: signed ${KINDS.map((k) => `/${k}`).join(' + ')} into POST /slack/events, ${CONNECTIONS} concurrent, ${SECONDS} s per target, ${ACCOUNTS} accounts (${ACCOUNTS * 100} check-ins, ${ACCOUNTS * 10} tickets, ${ACCOUNTS * 20} survey responses); ${cpus().length} cores, load avg ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (RUNTIME === 'compiled' && TARGETS.some((t) => t !== 'floor')) {
    console.log('Compiling Tenure (npm run build) to run it as production does: node dist/src/main.js');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: path.resolve(import.meta.dirname, '..'), stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const fake = new FakeSlack();
  // Single-workspace mode serves only the bot token's own workspace (auth.test).
  fake.botTeam = { teamId: TEAM_ID };
  await fake.start();
  const rows: Row[] = [];
  const failures: string[] = [];
  try {
    if (TARGETS.includes('floor')) await attempt('floor', () => floor(fake), rows, failures);
    if (TARGETS.includes('pglite')) {
      const dir = mkdtempSync(path.join(tmpdir(), 'tenure-load-'));
      try {
        await attempt('Tenure on PGlite', () => tenure('Tenure on PGlite', fake, { kind: 'pglite', dataDir: dir }, { TENURE_DATA_DIR: dir }), rows, failures);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    if (TARGETS.includes('postgres')) {
      if (!POSTGRES_URL) console.log('PostgreSQL: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL)');
      else {
        const scratch = await createScratchDatabase(POSTGRES_URL);
        try {
          await attempt('Tenure on PostgreSQL', () => tenure('Tenure on PostgreSQL', fake, { kind: 'postgres', url: scratch.url }, { DATABASE_URL: scratch.url }), rows, failures);
        } finally {
          await scratch.drop();
        }
      }
    }
  } finally {
    await fake.stop();
  }
  printTable(rows);
  if (failures.length > 0) {
    console.log(`\nNot measured:\n${failures.map((f) => `  ${f.split('\n')[0]}`).join('\n')}`);
    process.exitCode = 1;
  }
}

await main();
