// Runs once per `npm test`: a migrated PGlite data directory dumped to a file, so
// each test file's in-memory PGlite starts from it (~0.5 s) instead of running
// initdb and the migrations again (~3 s, more under load).
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../db/client.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const database = await openDatabase({ kind: 'pglite-memory' });
  const dump = await database.dump!();
  await database.close();
  const file = path.join(tmpdir(), `tenure-pglite-template-${process.pid}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  return () => rmSync(file, { force: true });
}
