// Workspaces (tenants) and their users. Adapters call these to turn a platform's
// team/tenant and user ids into rows; everything after that carries the ids.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { preparedQuery } from '../../db/statements.js';
import { sequences, users, workspaces } from '../../db/schema.js';

export type Workspace = typeof workspaces.$inferSelect;
export type User = typeof users.$inferSelect;
export type Platform = Workspace['platform'];

/** What a workspace seen for the first time is created with; the currency defaults to USD (TENURE_CURRENCY). */
export interface NewWorkspace {
  platform: Platform;
  externalId: string;
  name: string;
  timezone: string;
  currency?: string;
}

export async function ensureWorkspace(db: Db, input: NewWorkspace): Promise<Workspace> {
  const [existing] = await db
    .select()
    .from(workspaces)
    .where(and(eq(workspaces.platform, input.platform), eq(workspaces.externalId, input.externalId)));
  if (existing) return existing;
  await db
    .insert(workspaces)
    .values({ platform: input.platform, externalId: input.externalId, name: input.name, timezone: input.timezone, ...(input.currency ? { currency: input.currency } : {}) })
    .onConflictDoNothing();
  const [row] = await db
    .select()
    .from(workspaces)
    .where(and(eq(workspaces.platform, input.platform), eq(workspaces.externalId, input.externalId)));
  return row!;
}

const workspaceAndUser = preparedQuery('workspace-and-user', (db) =>
  db
    .select({ workspace: workspaces, user: users })
    .from(workspaces)
    .leftJoin(users, and(eq(users.workspaceId, workspaces.id), eq(users.platformUserId, sql.placeholder('platformUserId'))))
    .where(and(eq(workspaces.platform, sql.placeholder('platform')), eq(workspaces.externalId, sql.placeholder('externalId'))))
    .prepare('workspace-and-user'),
);

/**
 * The workspace and the person, as every command starts: one statement when both
 * are known and the name is unchanged (nearly always), else the ensure* steps. Its
 * SQL is built once (db/statements.ts), since every command runs it; no row is
 * cached between commands, so a role or setting changed on another replica counts
 * from the next command on.
 */
export async function ensureWorkspaceAndUser(
  db: Db,
  workspace: NewWorkspace,
  user: { platformUserId: string; displayName: string },
): Promise<{ workspace: Workspace; user: User }> {
  const [known] = await workspaceAndUser(db).execute({ platformUserId: user.platformUserId, platform: workspace.platform, externalId: workspace.externalId });
  if (known?.user && known.user.displayName === user.displayName) return { workspace: known.workspace, user: known.user };
  const ws = known?.workspace ?? (await ensureWorkspace(db, workspace));
  return { workspace: ws, user: await ensureUser(db, ws.id, user) };
}

/**
 * Finds or creates the user; a changed display name is kept up to date. Reads
 * first, because nearly every command comes from someone already known.
 */
export async function ensureUser(
  db: Db,
  workspaceId: string,
  input: { platformUserId: string; displayName: string; role?: User['role'] },
): Promise<User> {
  const known = await findUserByPlatformId(db, workspaceId, input.platformUserId);
  if (known && known.displayName === input.displayName) return known;
  const [row] = await db
    .insert(users)
    .values({ workspaceId, platformUserId: input.platformUserId, displayName: input.displayName, role: input.role ?? 'member' })
    .onConflictDoUpdate({
      target: [users.workspaceId, users.platformUserId],
      set: { displayName: input.displayName },
    })
    .returning();
  return row!;
}

export async function findUserByPlatformId(db: Db, workspaceId: string, platformUserId: string): Promise<User | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), eq(users.platformUserId, platformUserId)));
  return row;
}

/** A plain `@name`: matches a display name or platform id, case-insensitively. */
export async function findUserByName(db: Db, workspaceId: string, name: string): Promise<User | undefined> {
  const folded = name.toLowerCase();
  const [row] = await db
    .select()
    .from(users)
    .where(
      and(
        eq(users.workspaceId, workspaceId),
        sql`(lower(${users.displayName}) = ${folded} or lower(${users.platformUserId}) = ${folded})`,
      ),
    )
    .limit(1);
  return row;
}

export async function getUser(db: Db, workspaceId: string, userId: string): Promise<User | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), eq(users.id, userId)));
  return row;
}

/** The next short id (#1, #2, …) of a kind, counted per workspace; safe under concurrency. */
export async function nextNumber(db: Db, workspaceId: string, name: 'ticket' | 'survey' | 'api-token'): Promise<number> {
  const [row] = await db
    .insert(sequences)
    .values({ workspaceId, name, value: 1 })
    .onConflictDoUpdate({ target: [sequences.workspaceId, sequences.name], set: { value: sql`${sequences.value} + 1` } })
    .returning({ value: sequences.value });
  return row!.value;
}

/** Active workspaces on these platforms: what scheduled jobs walk, one tenant at a time. */
export async function activeWorkspaces(db: Db, platforms: Platform[]): Promise<Workspace[]> {
  if (platforms.length === 0) return [];
  return db
    .select()
    .from(workspaces)
    .where(and(eq(workspaces.active, true), inArray(workspaces.platform, platforms)))
    .orderBy(workspaces.createdAt);
}
