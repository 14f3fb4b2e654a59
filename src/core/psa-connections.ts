// PSA connections: one per workspace and connector. Credentials and the webhook
// secret are sealed with TENURE_SECRET_KEY before they reach the table and opened
// only to talk to the PSA; nothing here logs, returns in a listing or exports them.
// A connection's health: the last successful sync, and since when it has failed.
import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { psaCompanies, psaConnections, psaTickets, users, workspaces } from '../../db/schema.js';
import { recordAudit } from './audit.js';
import { UserError } from './errors.js';
import { newWebhookSecret, openSecret, sealSecret } from './secrets.js';
import type { ConnectorName } from './ticket-sources.js';
import type { User, Workspace } from './workspaces.js';

type Row = typeof psaConnections.$inferSelect;

/** A connection as everything but the connector sees it: no credentials, no secret. */
export interface PsaConnection {
  id: string;
  workspaceId: string;
  connector: ConnectorName;
  status: 'preview' | 'active';
  priorityMap: Record<string, string>;
  cursor: Date | null;
  lastSuccessAt: Date | null;
  failingSince: Date | null;
  lastError: string | null;
  createdByUserId: string | null;
  createdAt: Date;
}

/** A connection with what the connector needs to talk to the PSA, opened with the key. */
export interface OpenedConnection extends PsaConnection {
  credentials: Record<string, string>;
  webhookSecret: string;
}

const view = (r: Row): PsaConnection => ({
  id: r.id,
  workspaceId: r.workspaceId,
  connector: r.connector,
  status: r.status,
  priorityMap: r.priorityMap,
  cursor: r.cursor,
  lastSuccessAt: r.lastSuccessAt,
  failingSince: r.failingSince,
  lastError: r.lastError,
  createdByUserId: r.createdByUserId,
  createdAt: r.createdAt,
});

export function openConnection(key: Buffer, row: Row): OpenedConnection {
  return { ...view(row), credentials: JSON.parse(openSecret(key, row.credentials)) as Record<string, string>, webhookSecret: openSecret(key, row.webhookSecret) };
}

/**
 * Stores (or replaces) the workspace's connection to `connector` in preview: the
 * first import has not run. A replaced connection keeps its tickets and mapping,
 * and gets a new webhook secret.
 */
export async function saveConnection(
  db: Db,
  workspaceId: string,
  input: { connector: ConnectorName; credentials: Record<string, string>; key: Buffer },
  actor: { userId: string | null; now: Date },
): Promise<OpenedConnection> {
  const sealed = { credentials: sealSecret(input.key, JSON.stringify(input.credentials)), webhookSecret: sealSecret(input.key, newWebhookSecret()) };
  const [row] = await db
    .insert(psaConnections)
    .values({ workspaceId, connector: input.connector, ...sealed, createdByUserId: actor.userId, createdAt: actor.now })
    .onConflictDoUpdate({
      target: [psaConnections.workspaceId, psaConnections.connector],
      set: { ...sealed, status: 'preview', failingSince: null, lastError: null, createdByUserId: actor.userId },
    })
    .returning();
  await recordAudit(db, workspaceId, { actorUserId: actor.userId, at: actor.now, entityType: 'psa-connection', entityId: row!.id, action: 'connect', after: { connector: input.connector } });
  return openConnection(input.key, row!);
}

export async function findConnection(db: Db, workspaceId: string, connector: ConnectorName): Promise<PsaConnection | undefined> {
  const [row] = await db.select().from(psaConnections).where(and(eq(psaConnections.workspaceId, workspaceId), eq(psaConnections.connector, connector)));
  return row && view(row);
}

/** The connection a webhook URL names, opened; undefined for an unknown id. */
export async function connectionForWebhook(db: Db, connectionId: string, key: Buffer): Promise<OpenedConnection | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(connectionId)) return undefined;
  const [row] = await db.select().from(psaConnections).where(eq(psaConnections.id, connectionId));
  return row && openConnection(key, row);
}

export async function openedConnection(db: Db, workspaceId: string, connector: ConnectorName, key: Buffer): Promise<OpenedConnection | undefined> {
  const [row] = await db.select().from(psaConnections).where(and(eq(psaConnections.workspaceId, workspaceId), eq(psaConnections.connector, connector)));
  return row && openConnection(key, row);
}

/** Every confirmed connection of every workspace, for the poll. */
export async function activeConnections(db: Db): Promise<{ id: string; workspaceId: string; connector: ConnectorName }[]> {
  return db
    .select({ id: psaConnections.id, workspaceId: psaConnections.workspaceId, connector: psaConnections.connector })
    .from(psaConnections)
    .where(eq(psaConnections.status, 'active'))
    .orderBy(asc(psaConnections.createdAt));
}

/** A connection as listings see it (nothing opened), by id. */
export async function connectionSummary(db: Db, connectionId: string): Promise<PsaConnection | undefined> {
  const [row] = await db.select().from(psaConnections).where(eq(psaConnections.id, connectionId));
  return row && view(row);
}

export async function connectionById(db: Db, connectionId: string, key: Buffer): Promise<OpenedConnection | undefined> {
  const [row] = await db.select().from(psaConnections).where(eq(psaConnections.id, connectionId));
  return row && openConnection(key, row);
}

/** The workspace a connection belongs to (its business hours, its platform for notices). */
export async function connectionWorkspace(db: Db, workspaceId: string): Promise<Workspace> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!row) throw new Error(`workspace ${workspaceId} is gone`);
  return row;
}

/** Who set the connection up: told privately when it stops working. */
export async function connectionOwner(db: Db, connection: Pick<PsaConnection, 'workspaceId' | 'createdByUserId'>): Promise<User | undefined> {
  if (!connection.createdByUserId) return undefined;
  const [row] = await db.select().from(users).where(and(eq(users.workspaceId, connection.workspaceId), eq(users.id, connection.createdByUserId)));
  return row;
}

export interface ListedConnection extends PsaConnection {
  createdByName: string | null;
  tickets: number;
  aside: number;
}

export async function listConnections(db: Db, workspaceId: string): Promise<ListedConnection[]> {
  // The outer table named in full in the counts: a bare column would bind to the subquery's own.
  const rows = await db
    .select({
      row: psaConnections,
      createdByName: users.displayName,
      tickets: sql<number>`(select count(*)::int from ${psaTickets} t where t.workspace_id = "psa_connections"."workspace_id" and t.connector = "psa_connections"."connector" and t.ticket_id is not null)`,
      aside: sql<number>`(select count(*)::int from ${psaTickets} t where t.workspace_id = "psa_connections"."workspace_id" and t.connector = "psa_connections"."connector" and t.ticket_id is null)`,
    })
    .from(psaConnections)
    .leftJoin(users, eq(users.id, psaConnections.createdByUserId))
    .where(eq(psaConnections.workspaceId, workspaceId))
    .orderBy(asc(psaConnections.connector));
  return rows.map((r) => ({ ...view(r.row), createdByName: r.createdByName, tickets: Number(r.tickets), aside: Number(r.aside) }));
}

export async function activateConnection(db: Db, workspaceId: string, connectionId: string, actor: { userId: string | null; now: Date }): Promise<void> {
  await db.update(psaConnections).set({ status: 'active' }).where(and(eq(psaConnections.id, connectionId), eq(psaConnections.workspaceId, workspaceId)));
  await recordAudit(db, workspaceId, { actorUserId: actor.userId, at: actor.now, entityType: 'psa-connection', entityId: connectionId, action: 'activate' });
}

/**
 * Removes the connection and its credentials. Tickets already synced stay Tenure
 * tickets (their history is the customer's); the kept-aside ones and the company
 * mapping go with the connection.
 */
export async function removeConnection(
  db: Db,
  workspaceId: string,
  connector: ConnectorName,
  actor: { userId: string | null; now: Date },
  /** The audit entry's action: 'undo-connect' when the Undo on the import's confirmation removes it. */
  action: 'remove' | 'undo-connect' = 'remove',
): Promise<boolean> {
  const [row] = await db
    .delete(psaConnections)
    .where(and(eq(psaConnections.workspaceId, workspaceId), eq(psaConnections.connector, connector)))
    .returning({ id: psaConnections.id });
  if (!row) return false;
  await db.delete(psaTickets).where(and(eq(psaTickets.workspaceId, workspaceId), eq(psaTickets.connector, connector), sql`${psaTickets.ticketId} is null`));
  await db.delete(psaCompanies).where(and(eq(psaCompanies.workspaceId, workspaceId), eq(psaCompanies.connector, connector)));
  await recordAudit(db, workspaceId, { actorUserId: actor.userId, at: actor.now, entityType: 'psa-connection', entityId: row.id, action, before: { connector } });
  return true;
}

/** Moves the poll's cursor forward (never back), in the transaction that stored the page. */
export async function advanceCursor(db: Db, connectionId: string, to: Date): Promise<void> {
  await db
    .update(psaConnections)
    .set({ cursor: sql`greatest(${psaConnections.cursor}, ${to.toISOString()}::timestamptz)` })
    .where(eq(psaConnections.id, connectionId));
}

export async function recordSyncSuccess(db: Db, connectionId: string, now: Date): Promise<void> {
  await db.update(psaConnections).set({ lastSuccessAt: now, failingSince: null, lastError: null }).where(eq(psaConnections.id, connectionId));
}

/**
 * Records a failed sync; returns when this run of failures began (the first
 * failure's time), which names the one notice the admin gets for it.
 */
export async function recordSyncFailure(db: Db, connectionId: string, error: string, now: Date): Promise<Date> {
  const [row] = await db
    .update(psaConnections)
    .set({ failingSince: sql`coalesce(${psaConnections.failingSince}, ${now.toISOString()}::timestamptz)`, lastError: error.slice(0, 500) })
    .where(eq(psaConnections.id, connectionId))
    .returning({ failingSince: psaConnections.failingSince });
  return row?.failingSince ?? now;
}

/** Sets (or with `null`, resets to the connector's default) the severity of one PSA priority. */
export async function setPriorityMapping(
  db: Db,
  workspaceId: string,
  connector: ConnectorName,
  priority: string,
  severity: string | null,
  actor: { userId: string; now: Date },
): Promise<void> {
  const connection = await findConnection(db, workspaceId, connector);
  if (!connection) throw new UserError(`There is no ${connector} connection here.`, { hint: `Connect it first with /tenure connect ${connector}.` });
  const map = { ...connection.priorityMap };
  if (severity === null) delete map[priority.toLowerCase()];
  else map[priority.toLowerCase()] = severity;
  await db.update(psaConnections).set({ priorityMap: map }).where(eq(psaConnections.id, connection.id));
  await recordAudit(db, workspaceId, {
    actorUserId: actor.userId,
    at: actor.now,
    entityType: 'psa-connection',
    entityId: connection.id,
    action: 'priority',
    before: { [priority]: connection.priorityMap[priority.toLowerCase()] ?? null },
    after: { [priority]: severity },
  });
}

/** Whether any workspace has a PSA connection (TENURE_SECRET_KEY is then required). */
export async function anyConnection(db: Db): Promise<boolean> {
  const [row] = await db.select({ id: psaConnections.id }).from(psaConnections).where(isNotNull(psaConnections.id)).limit(1);
  return row !== undefined;
}
