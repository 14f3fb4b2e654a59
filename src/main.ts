// Composition root: config → database → core → adapters → HTTP server. The only
// place that knows every part; `startTenure` is also what tests start in-process.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createRegistry, type Registry } from '../commands/registry.js';
import { openDatabase, type Database } from '../db/client.js';
import { DataDirLockedError } from '../db/lock.js';
import { isLostWriteBug } from '../db/postgres-pool.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { ensureWorkspace, type Platform } from './core/workspaces.js';
import { seedDemoWorkspace } from './demo/seed.js';
import { EMBEDDED_DATABASE_V8_FLAGS, tuneV8ForEmbeddedDatabase } from '../db/embedded-memory.js';
import { apiRouter, type RateLimit } from './http/api.js';
import { ExportLinks, exportsRouter } from './http/exports.js';
import { createHttpApp } from './http/server.js';
import { missingHeapFlags } from './heap-settings.js';
import { createLogger, secretsOf, type Logger } from './log.js';
import { createConsoleAdapter } from './platforms/console/adapter.js';
import { CONSOLE_WORKSPACE_ID } from './platforms/console/routes.js';
import type { ChannelAudience, Deliveries } from './jobs/delivery.js';
import { startScheduler, type Scheduler } from './jobs/scheduler.js';
import { slaWatchJob } from './jobs/sla-watch.js';
import { digestJob } from './jobs/digest.js';
import { currentClaimer } from './core/ledger.js';
import { healthDailyJob } from './jobs/health-daily.js';
import { surveyJob } from './jobs/survey-jobs.js';
import type { PlatformAdapter } from './platforms/platform.js';
import { createSlackAdapter } from './platforms/slack/app.js';
import type { TeamsAdapterDeps } from './platforms/teams/app.js';
import { createTeamsAdapter, type TeamsAdapter } from './platforms/teams/loader.js';
import { listen, type Listener } from './serving.js';
import { anyConnection } from './core/psa-connections.js';
import { parseSecretKey } from './core/secrets.js';
import type { ConnectRuntime } from '../commands/connect.js';
import { psaPollJob } from './psa/poll-job.js';
import { psaWebhookRouter } from './psa/webhook-router.js';
import { settlesWithin } from './settles.js';

export interface Tenure {
  config: Config;
  database: Database;
  registry: Registry;
  server: Server;
  url: string;
  logger: Logger;
  /** Scheduled jobs (SLA watch), when some platform can receive their posts. */
  scheduler?: Scheduler;
  /** The platforms this process serves, as main.ts wired them. */
  platforms: PlatformAdapter[];
  /** The Teams adapter, when config.teams is set: its delivery posts proactively. */
  teams?: TeamsAdapter;
  /** Shuts down (see startTenure); `clean` is false when work under way had to be abandoned at the deadline. */
  close(): Promise<{ clean: boolean }>;
}

export interface StartOptions {
  logger?: Logger;
  /** The clock everything downstream receives; tests pass a fixed one. */
  clock?: () => Date;
  /** An already open, migrated database (tests); by default the config's is opened. */
  database?: Database;
  /** Slack: how long a slash command may run before it is acked and answered later. */
  slackAckBudgetMs?: number;
  /** Teams: retries of throttled proactive posts (tests shorten the waits). */
  teamsRetry?: TeamsAdapterDeps['retry'];
  /** The ingest API's per-token request budget (tests make it small). */
  apiRateLimit?: RateLimit;
  /** Ingest API: wrong tokens allowed per client address and window before it is answered 429. */
  apiAuthFailureLimit?: RateLimit;
  /** Shutdown: how long work under way may take before connections are cut (default 6 s). */
  drainMs?: number;
}

/**
 * Shutdown budget (deployments give 10 s before SIGKILL): work under way gets 6 s;
 * past that, Teams and the database get until 8.5 s; main() exits at 9.5 s
 * whatever is left.
 */
const DRAIN_MS = 6_000;
const CLOSE_AFTER_DRAIN_MS = 2_500;
const EXIT_DEADLINE_MS = 9_500;

export async function startTenure(config: Config, options: StartOptions = {}): Promise<Tenure> {
  const logger = options.logger ?? createLogger(config.logLevel, undefined, secretsOf(config));
  const clock = options.clock ?? (() => new Date());
  const began = performance.now();

  const database = options.database ?? (await openDatabase(config.database));
  if (database.createdDataDir) logger.info({ dataDir: config.database.kind === 'pglite' ? config.database.dataDir : undefined }, 'created a new PGlite data directory (initdb in a child process)');
  logger.info(
    { engine: database.kind, ms: Math.round(performance.now() - began) },
    database.kind === 'pglite' ? 'PGlite database open and migrated' : 'PostgreSQL database open and migrated',
  );

  // PSA connectors: their credentials are sealed with TENURE_SECRET_KEY, so a database that has some needs it.
  const secretKey = config.secretKey ? parseSecretKey(config.secretKey) : undefined;
  if (!secretKey && (await anyConnection(database.db))) {
    if (!options.database) await database.close();
    throw new ConfigError('TENURE_SECRET_KEY', 'is missing: PSA connectors are configured here and their credentials cannot be read without the key they were stored with');
  }
  let serverOrigin: string | undefined;
  const connect: ConnectRuntime = { ...(secretKey ? { key: secretKey } : {}), publicUrl: () => config.publicUrl ?? serverOrigin, logger };
  const registry = createRegistry(logger, { connect });
  // The ingest API takes TENURE_API_TOKEN (any workspace) and workspace tokens from /tenure token create.
  // Signed, short-lived export downloads (Teams cannot take an uploaded file).
  const exportLinks = ExportLinks.fromSecret(config.teams?.appPassword ?? config.slack?.signingSecret);
  const routers = [
    apiRouter({ db: database.db, apiToken: config.apiToken, timezone: config.timezone, clock, logger, rateLimit: options.apiRateLimit, authFailureLimit: options.apiAuthFailureLimit }),
    exportsRouter({ db: database.db, links: exportLinks, clock, logger }),
  ];
  if (secretKey) routers.push(psaWebhookRouter({ db: database.db, key: secretKey, logger, clock }));
  if (config.mode === 'local') {
    const workspace = await ensureWorkspace(database.db, {
      platform: 'console',
      externalId: CONSOLE_WORKSPACE_ID,
      name: 'Demo workspace',
      timezone: config.timezone,
      currency: config.currency,
    });
    const seeded = await seedDemoWorkspace(database.db, workspace.id, clock());
    if (seeded) logger.info({ accounts: seeded.accounts }, 'seeded the demo workspace');
  }

  // The platforms this process serves: one line each (src/platforms/platform.ts).
  const common = { db: database.db, registry, timezone: config.timezone, currency: config.currency, clock };
  const platforms: PlatformAdapter[] = [
    config.mode === 'local' ? createConsoleAdapter(common) : undefined,
    config.slack
      ? createSlackAdapter({ ...common, config: config.slack, logger, ...(options.slackAckBudgetMs !== undefined ? { ackBudgetMs: options.slackAckBudgetMs } : {}) })
      : undefined,
    config.teams
      ? createTeamsAdapter({
          ...common,
          config: config.teams,
          logger,
          ...(options.teamsRetry ? { retry: options.teamsRetry } : {}),
          downloads: { links: exportLinks, ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}) },
          // A Teams deployment loads the SDK now; local mode on the emulator's first message.
          loadAtStart: config.mode === 'platform',
        })
      : undefined,
  ].filter((p) => p !== undefined);

  // Where scheduled jobs post, per platform; and who can be reminded privately.
  const deliveries: Deliveries = {};
  const audiences: Partial<Record<Platform, ChannelAudience>> = {};
  for (const platform of platforms) {
    await platform.start?.();
    routers.push(...platform.routers);
    deliveries[platform.platform] = platform.delivery;
    if (platform.audience) audiences[platform.platform] = platform.audience;
  }
  connect.deliveries = deliveries;

  const app = createHttpApp({ database, logger, routers, loopbackOnly: config.mode === 'local' });
  let listener: Listener;
  try {
    // Local mode has no authentication: listen on loopback only. Platform mode
    // serves Slack's and Teams' webhooks, which must be reachable.
    listener = await listen(app, config.port, config.mode === 'local' ? '127.0.0.1' : undefined);
  } catch (err) {
    await database.close();
    throw err;
  }
  const server = listener.server;
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}/`;
  serverOrigin = `http://localhost:${port}`;

  // Jobs start once the server is up; a first pass right away catches up on what
  // came due while Tenure was stopped (the ledger keeps it from repeating anything).
  let scheduler: Scheduler | undefined;
  if (Object.keys(deliveries).length > 0) {
    const claimer = currentClaimer();
    // Every line a job writes names the job, as the scheduler's own lines do.
    const jobLog = (job: string) => logger.child({ job });
    scheduler = startScheduler(
      [
        slaWatchJob({ db: database.db, deliveries, logger: jobLog('sla-watch'), owner: claimer.label }, config.timezone),
        surveyJob({ db: database.db, deliveries, audiences, logger: jobLog('surveys') }, config.timezone),
        digestJob({ db: database.db, deliveries, logger: jobLog('weekly-digest'), claimer }, config.timezone),
        healthDailyJob({ db: database.db, deliveries, logger: jobLog('health-daily'), owner: claimer.label }, config.timezone),
        ...(secretKey ? [psaPollJob({ db: database.db, key: secretKey, logger: jobLog('psa-poll'), deliveries, claimer }, config.timezone)] : []),
      ],
      { clock, logger },
    );
    void scheduler.runNow('sla-watch');
    void scheduler.runNow('surveys');
    void scheduler.runNow('weekly-digest');
    void scheduler.runNow('health-daily');
    if (secretKey) void scheduler.runNow('psa-poll');
  }

  let closing: Promise<{ clean: boolean }> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Stop taking requests, let the work under way finish (requests being
      // answered, Slack listeners past their ack, a running job), then close the
      // database: an unclean PGlite close can corrupt its data directory, and a
      // PostgreSQL pool closed under a command would fail it half-way.
      const began = performance.now();
      const ms = () => Math.round(performance.now() - began);
      const drained = listener.drain();
      for (const platform of platforms) await platform.stop?.(); // Socket Mode: no more events
      logger.info('stopped accepting requests');
      const underWay = Promise.all([drained, ...platforms.map((p) => p.work?.idle()), scheduler?.stop()]);
      const drainMs = options.drainMs ?? DRAIN_MS;
      const clean = await settlesWithin(underWay, drainMs);
      if (clean) logger.info({ ms: ms() }, 'work under way finished');
      else {
        const listeners = Object.fromEntries(platforms.filter((p) => p.work?.size).map((p) => [p.platform, p.work!.size]));
        logger.warn({ ms: ms(), listeners }, 'work still under way at the shutdown deadline; closing anyway');
        listener.cut();
      }
      // Posts still under way (Teams', from the jobs above) finish; later ones are refused.
      for (const platform of platforms) await platform.close?.();
      // Queries left behind by abandoned work would hold the pool's close: it gets what is left of the budget.
      if (await settlesWithin(database.close(), clean ? Infinity : Math.max(500, drainMs + CLOSE_AFTER_DRAIN_MS - ms()))) {
        logger.info({ ms: ms() }, 'database closed');
      } else logger.warn({ ms: ms() }, 'database did not close in time');
      return { clean };
    })());

  const teams = platforms.find((p): p is TeamsAdapter => p.platform === 'teams');
  return { config, database, registry, server, url, logger, scheduler, platforms, ...(teams ? { teams } : {}), close };
}

/**
 * `npm start`: configuration errors and a locked data directory are one line and
 * exit 1. Exported for scripts that start Tenure exactly this way with some part
 * given (e.g. test/faults/fixtures: a database that misbehaves).
 */
export async function main(options: Omit<StartOptions, 'logger'> = {}): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel, undefined, secretsOf(config));
  // Only when main() opens PGlite itself: the flags must be set before PGlite compiles
  // its WebAssembly, and a database handed in (a test fixture) is open already.
  if (!options.database && config.database.kind === 'pglite') {
    tuneV8ForEmbeddedDatabase();
    logger.info({ v8Flags: EMBEDDED_DATABASE_V8_FLAGS }, 'V8 set for the embedded database (db/embedded-memory.ts)');
  }
  const missing = missingHeapFlags(process.execArgv, config.nodeOptions);
  if (missing.length > 0) {
    logger.warn({ missing }, `node was started without ${missing.join(' ')}: expect ~100 MB more resident memory on Node 22+ (npm start and npm run serve pass them; see src/heap-settings.ts)`);
  }
  let tenure: Tenure | undefined;
  superviseProcess(logger, () => tenure);
  try {
    tenure = await startTenure(config, { ...options, logger });
  } catch (err) {
    if (err instanceof DataDirLockedError || err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`Port ${config.port} is already in use: stop whatever holds it or set PORT to another port.\n`);
      process.exit(1);
    }
    logger.fatal({ err }, 'Tenure could not start');
    process.exit(1);
  }
  const where = config.database.kind === 'pglite' ? `PGlite in ${config.database.dataDir}` : 'PostgreSQL';
  logger.info(
    { url: tenure.url, mode: config.mode, database: where },
    config.mode === 'local' ? `Tenure is ready: open ${tenure.url} for the local console` : `Tenure is listening on ${tenure.url}`,
  );
}

/**
 * What the process does about faults and signals:
 * - an unhandled promise rejection is logged (with the id of the request it came
 *   from, see log.ts) and the process keeps serving: one broken request must not
 *   take every other one down;
 * - the postgres.js bug that throws from a timer when a connection dies under a
 *   transaction (db/postgres-pool.ts) is logged and answered by a new pool; any
 *   other uncaught exception leaves the process in an unknown state: it exits 1
 *   and the supervisor starts it again;
 * - SIGTERM / SIGINT shut down cleanly (close()), and exit 1 at 9.5 s whatever is left.
 */
function superviseProcess(logger: Logger, running: () => Tenure | undefined): void {
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  process.on('uncaughtException', (err) => {
    const database = running()?.database;
    if (isLostWriteBug(err) && database?.renew) {
      logger.error({ err }, 'the PostgreSQL driver lost a connection under a transaction; replacing the connection pool');
      database.renew().catch((e: unknown) => logger.error({ err: e }, 'could not close the old connection pool'));
      return;
    }
    logger.fatal({ err }, 'uncaught exception; exiting');
    process.exit(1);
  });
  const shutdown = (signal: string) => {
    const tenure = running();
    logger.info({ signal }, 'shutting down');
    if (!tenure) process.exit(1);
    setTimeout(() => {
      logger.error({ signal }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, EXIT_DEADLINE_MS).unref();
    tenure.close().then(
      ({ clean }) => process.exit(clean ? 0 : 1),
      (err: unknown) => {
        logger.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  void main();
}
