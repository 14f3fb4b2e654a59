// Which workspace a CLI run or an API token acts on. With no choice given, the one
// workspace there is (a local install has just the console's); several workspaces
// need `--workspace` with the id or the platform's team / tenant id.
import { asc, eq, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { workspaces } from '../../db/schema.js';
import { UserError } from '../core/errors.js';
import { isUuid } from '../core/ids.js';
import { ensureWorkspace, type Workspace } from '../core/workspaces.js';

export async function pickWorkspace(db: Db, choice: string | undefined, timezone: string, now: Date): Promise<Workspace> {
  if (choice) {
    const rows = await db
      .select()
      .from(workspaces)
      .where(isUuid(choice) ? or(eq(workspaces.id, choice), eq(workspaces.externalId, choice)) : eq(workspaces.externalId, choice));
    if (rows.length === 1) return rows[0]!;
    if (rows.length > 1) throw new UserError(`Several workspaces have the id ${choice}; give the workspace's own id:\n${await listing(db)}`);
    throw new UserError(`No workspace ${choice}. Workspaces:\n${await listing(db)}`);
  }
  const all = await db.select().from(workspaces).where(eq(workspaces.active, true)).orderBy(asc(workspaces.createdAt));
  if (all.length === 1) return all[0]!;
  if (all.length === 0) {
    // A fresh local install: the console's workspace, as `npm start` would create it,
    // but marked seeded: demo accounts must not be mixed into imported, real ones.
    const ws = await ensureWorkspace(db, { platform: 'console', externalId: 'local', name: 'Demo workspace', timezone });
    await db.update(workspaces).set({ seededAt: ws.seededAt ?? now }).where(eq(workspaces.id, ws.id));
    return ws;
  }
  throw new UserError(`There are ${all.length} workspaces: choose one with --workspace <id>.\n${await listing(db)}`);
}

async function listing(db: Db): Promise<string> {
  const all = await db.select().from(workspaces).orderBy(asc(workspaces.createdAt));
  return all.map((w) => `  ${w.id}  ${w.platform} ${w.externalId}  ${w.name}`).join('\n') || '  (none)';
}
