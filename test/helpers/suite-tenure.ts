import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Database } from '../../db/client.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startTenure, type StartOptions, type Tenure } from '../../src/main.js';
import type { Engine } from './engines.js';

/** Something a suite's Tenure talks to or writes into: a fake platform, a scratch folder. */
export interface Alongside {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The Tenure a suite runs against, readable once its beforeAll has run. */
export interface SuiteTenure {
  readonly tenure: Tenure;
  readonly database: Database;
}

/** A config from env as a test gives it: silent unless the env says otherwise, on a free port. */
export function testConfig(env: Record<string, string>): Config {
  return { ...loadConfig({ LOG_LEVEL: 'silent', ...env }), port: 0 };
}

/** A folder for TENURE_DATA_DIR, made now (its path goes into the env) and removed after the suite. */
export function scratchDirectory(prefix: string): Alongside & { path: string } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { path: dir, start: async () => undefined, stop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Every suite that drives the real server over HTTP starts it the same way: what it talks to
 * first, then a fresh database of the engine, then Tenure; and stops them in the opposite order,
 * so no fake goes away while Tenure may still call it. The env is a function because a fake's
 * URL is known only once it has started.
 */
export function tenureForSuite(
  engine: Engine,
  env: () => Record<string, string>,
  options: Omit<StartOptions, 'database'> = {},
  alongside: Alongside[] = [],
): SuiteTenure {
  let tenure: Tenure | undefined;
  let opened: Awaited<ReturnType<Engine['open']>> | undefined;
  beforeAll(async () => {
    for (const service of alongside) await service.start();
    opened = await engine.open();
    tenure = await startTenure(testConfig(env()), { database: opened.database, logger: createLogger('silent'), ...options });
  });
  afterAll(async () => {
    await tenure?.close();
    await opened?.release();
    for (const service of [...alongside].reverse()) await service.stop();
  });
  return {
    get tenure() {
      if (!tenure) throw new Error('Tenure is not started yet: read it inside a test or a later beforeAll');
      return tenure;
    },
    get database() {
      if (!opened) throw new Error('the database is not open yet: read it inside a test or a later beforeAll');
      return opened.database;
    },
  };
}
