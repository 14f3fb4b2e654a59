// Builds a command context on a fresh workspace, as an adapter would.
import { randomBytes } from 'node:crypto';
import { contextFor, type CommandContext, type ErrorLog } from '../../commands/context.js';
import type { Db } from '../../db/client.js';

export async function newContext(
  db: Db,
  options: { user?: string; channel?: string; now?: Date; timezone?: string; platform?: 'console' | 'slack' | 'teams'; workspace?: string } = {},
): Promise<CommandContext> {
  return contextFor(
    db,
    {
      platform: options.platform ?? 'console',
      workspaceExternalId: options.workspace ?? `ws-${randomBytes(4).toString('hex')}`,
      workspaceName: 'Test workspace',
      defaultTimezone: options.timezone ?? 'UTC',
      userId: options.user ?? 'ana',
      userName: options.user ?? 'ana',
      channelId: options.channel ?? 'general',
      channelName: options.channel ?? 'general',
    },
    options.now ?? new Date('2026-11-23T10:00:00Z'),
  );
}

/** An error log that remembers what it was told, so tests can assert nothing went wrong. */
export function collectingLog(): ErrorLog & { entries: { details: Record<string, unknown>; message: string }[] } {
  const entries: { details: Record<string, unknown>; message: string }[] = [];
  return {
    entries,
    error(details, message) {
      entries.push({ details, message });
    },
  };
}

import { afterAll, beforeAll, expect } from 'vitest';
import { createRegistry, type Registry } from '../../commands/registry.js';
import type { Database } from '../../db/client.js';
import type { Engine } from './engines.js';

export interface RegistryFixture {
  database: Database;
  registry: Registry;
  log: ReturnType<typeof collectingLog>;
}

/**
 * Opens the engine's database before the suite and closes it after; the suite
 * fails if anything reached the internal-error log. Read the fields inside tests.
 */
export function registryOn(engine: Engine): RegistryFixture {
  const fixture = { log: collectingLog() } as RegistryFixture;
  let release: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    const opened = await engine.open();
    fixture.database = opened.database;
    release = opened.release;
    fixture.registry = createRegistry(fixture.log);
  });
  afterAll(async () => {
    await release();
    expect(fixture.log.entries).toEqual([]);
  });
  return fixture;
}
