// What `npm run import` and `npm run export` share: configuration from the
// environment (src/config.ts), the database, the workspace, and one clear line
// on stderr for anything the user can fix.
import { openDatabase, type Database } from '../db/client.js';
import { DataDirLockedError } from '../db/lock.js';
import { ConfigError, loadConfig, type Config } from '../src/config.js';
import { UserError } from '../src/core/errors.js';
import type { Workspace } from '../src/core/workspaces.js';
import { pickWorkspace } from '../src/data/workspace.js';

export class UsageError extends Error {}

export async function withWorkspace<T>(
  choice: string | undefined,
  work: (database: Database, workspace: Workspace, config: Config) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  let database: Database;
  try {
    database = await openDatabase(config.database);
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      // A running `npm start` holds the embedded database; only one process may open it.
      throw new UsageError(
        `The embedded database in ${err.dataDir} is in use by a running Tenure (pid ${err.holderPid}). ` +
          'Stop it (Ctrl-C in its terminal) and run this again, or set DATABASE_URL to use PostgreSQL, which both can share.',
      );
    }
    throw err;
  }
  try {
    const workspace = await pickWorkspace(database.db, choice, config.timezone, new Date());
    return await work(database, workspace, config);
  } finally {
    await database.close();
  }
}

/** Runs a CLI: user-fixable problems are one line and exit code 2; the rest exit 1 with the stack. */
export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof UsageError || err instanceof UserError || err instanceof ConfigError) {
        process.stderr.write(`${err.message}\n`);
        process.exit(2);
      }
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
