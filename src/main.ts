// Composition root: config → database → core → adapters → HTTP server. The only
// place that knows every part; `startTenure` is also what tests start in-process.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createRegistry, type Registry } from '../commands/registry.js';
import { openDatabase, type Database } from '../db/client.js';
import { DataDirLockedError } from '../db/lock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { ensureWorkspace, type Platform } from './core/workspaces.js';
import { seedDemoWorkspace } from './demo/seed.js';
import { apiRouter, type RateLimit } from './http/api.js';
import { createHttpApp } from './http/server.js';
import { createLogger, type Logger } from './log.js';
import { ConsoleFeed } from './platforms/console/feed.js';
import { CONSOLE_WORKSPACE_ID, consoleRouter } from './platforms/console/routes.js';
import type { ChannelAudience, Deliveries } from './jobs/delivery.js';
import { startScheduler, type Scheduler } from './jobs/scheduler.js';
import { slaWatchJob } from './jobs/sla-watch.js';
import { digestJob } from './jobs/digest.js';
import { healthDailyJob } from './jobs/health-daily.js';
import { surveyJob } from './jobs/survey-jobs.js';
import { createSlackAdapter, type SlackAdapter } from './platforms/slack/app.js';
import type { TeamsAdapterDeps } from './platforms/teams/app.js';
import { teamsDoor, type TeamsDoor } from './platforms/teams/loader.js';

export interface Tenure {
  config: Config;
  database: Database;
  registry: Registry;
  server: Server;
  url: string;
  logger: Logger;
  /** Scheduled jobs (SLA watch), when some platform can receive their posts. */
  scheduler?: Scheduler;
  /** The Teams bot, when config.teams is set: its delivery posts proactively. */
  teams?: TeamsDoor;
  close(): Promise<void>;
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
}

export async function startTenure(config: Config, options: StartOptions = {}): Promise<Tenure> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? (() => new Date());
  const began = performance.now();

  const database = options.database ?? (await openDatabase(config.database));
  logger.info(
    { engine: database.kind, ms: Math.round(performance.now() - began) },
    database.kind === 'pglite' ? 'PGlite database open and migrated' : 'PostgreSQL database open and migrated',
  );

  const registry = createRegistry(logger);
  // The ingest API answers 401 until TENURE_API_TOKEN is set.
  const routers = [
    apiRouter({ db: database.db, apiToken: config.apiToken, timezone: config.timezone, clock, logger, rateLimit: options.apiRateLimit }),
  ];
  // Where scheduled jobs post, per platform; and who can be reminded privately.
  const deliveries: Deliveries = {};
  const audiences: Partial<Record<Platform, ChannelAudience>> = {};
  if (config.mode === 'local') {
    const workspace = await ensureWorkspace(database.db, {
      platform: 'console',
      externalId: CONSOLE_WORKSPACE_ID,
      name: 'Demo workspace',
      timezone: config.timezone,
    });
    const seeded = await seedDemoWorkspace(database.db, workspace.id, clock());
    if (seeded) logger.info({ accounts: seeded.accounts }, 'seeded the demo workspace');
    const feed = new ConsoleFeed(clock);
    deliveries.console = feed;
    routers.push(consoleRouter({ db: database.db, registry, timezone: config.timezone, clock, feed }));
  }

  let slack: SlackAdapter | undefined;
  if (config.slack) {
    slack = createSlackAdapter({
      config: config.slack,
      db: database.db,
      registry,
      logger,
      timezone: config.timezone,
      clock,
      ...(options.slackAckBudgetMs !== undefined ? { ackBudgetMs: options.slackAckBudgetMs } : {}),
    });
    if (slack.router) routers.push(slack.router);
    await slack.start();
    deliveries.slack = slack.delivery;
    audiences.slack = slack.delivery;
  }

  let teams: TeamsDoor | undefined;
  if (config.teams) {
    teams = teamsDoor({
      config: config.teams,
      db: database.db,
      registry,
      logger,
      timezone: config.timezone,
      clock,
      ...(options.teamsRetry ? { retry: options.teamsRetry } : {}),
    });
    // A Teams deployment loads the SDK now; local mode on the emulator's first message.
    if (config.mode === 'platform') await teams.ready();
    routers.push(teams.router);
    deliveries.teams = teams.delivery;
  }

  const app = createHttpApp({ database, logger, routers });
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      // Local mode has no authentication: listen on loopback only. Platform mode
      // serves Slack's and Teams' webhooks, which must be reachable.
      const s = config.mode === 'local' ? app.listen(config.port, '127.0.0.1', () => resolve(s)) : app.listen(config.port, () => resolve(s));
      s.once('error', reject);
    });
  } catch (err) {
    await database.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}/`;

  // Jobs start once the server is up; a first pass right away catches up on what
  // came due while Tenure was stopped (the ledger keeps it from repeating anything).
  let scheduler: Scheduler | undefined;
  if (Object.keys(deliveries).length > 0) {
    scheduler = startScheduler(
      [
        slaWatchJob({ db: database.db, deliveries, logger, owner: `${hostname()}:${process.pid}` }, config.timezone),
        surveyJob({ db: database.db, deliveries, audiences, logger }, config.timezone),
        digestJob({ db: database.db, deliveries, logger, owner: `${hostname()}:${process.pid}` }, config.timezone),
        healthDailyJob({ db: database.db, deliveries, logger, owner: `${hostname()}:${process.pid}` }, config.timezone),
      ],
      { clock, logger },
    );
    void scheduler.runNow('sla-watch');
    void scheduler.runNow('surveys');
    void scheduler.runNow('weekly-digest');
    void scheduler.runNow('health-daily');
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Stop taking requests, let in-flight ones finish, then close the database
      // (an unclean PGlite close can corrupt its data directory). Jobs stop first.
      await scheduler?.stop();
      await slack?.stop();
      await teams?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 5_000).unref();
      });
      await database.close();
    })());

  return { config, database, registry, server, url, logger, scheduler, teams, close };
}

/** `npm start`: configuration errors and a locked data directory are one line and exit 1. */
async function main(): Promise<void> {
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
  const logger = createLogger(config.logLevel);
  let tenure: Tenure;
  try {
    tenure = await startTenure(config, { logger });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
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

  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 9_000);
    force.unref();
    tenure.close().then(
      () => process.exit(0),
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
