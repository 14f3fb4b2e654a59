// Taking back a PSA connection: the Undo on the confirmed first import removes the
// connection as /tenure connect remove does (removeConnection: credentials deleted,
// tickets already synced kept as Tenure tickets, those kept aside and the company
// mapping gone), for the person who confirmed it, for a day, while it is still the
// connection they made: connected again with other credentials, a company mapped or
// a priority set since, and the undo is refused rather than lose that work.
import { and, eq, gt, like, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog, psaConnections, psaTickets, users } from '../../db/schema.js';
import { UserError } from './errors.js';
import { removeConnection } from './psa-connections.js';
import type { ConnectorName } from './ticket-sources.js';
import { formatDateTimeInZone } from './time.js';
import { undoRefusal, type UndoActor } from './undo.js';

export interface ConnectionUndone {
  connector: ConnectorName;
  /** Tickets it synced, which stay in Tenure. */
  ticketsKept: number;
  /** Tickets of unmatched companies it kept aside, which go with it. */
  asideRemoved: number;
}

/** The later audit entries that make the connection no longer the one the undo names, in words. */
const CHANGES: Record<string, string> = { connect: 'it was connected again with other credentials', priority: 'a priority was mapped', map: 'a company was mapped' };

export async function undoConnect(db: Db, workspaceId: string, target: { connectionId: string; at: Date }, actor: UndoActor & { label: string }): Promise<ConnectionUndone> {
  return db.transaction(async (tx) => {
    const [entry] = await tx
      .select({ actorUserId: auditLog.actorUserId, actorName: users.displayName, after: auditLog.after })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorUserId))
      .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.entityType, 'psa-connection'), eq(auditLog.entityId, target.connectionId), eq(auditLog.action, 'activate'), eq(auditLog.at, target.at)));
    const instead = 'Disconnect it with /tenure connect remove <connector> (admins).';
    if (!entry) throw new UserError(`That import from ${actor.label} is not in the audit log, so it cannot be undone from here.`, { hint: instead });
    const [undone] = await tx
      .select({ at: auditLog.at, name: users.displayName })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorUserId))
      .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.entityType, 'psa-connection'), eq(auditLog.entityId, target.connectionId), eq(auditLog.action, 'undo-connect')));
    if (undone) {
      throw new UserError(`Connecting ${actor.label} was already undone${undone.name ? ` by @${undone.name}` : ''} on ${formatDateTimeInZone(undone.at, actor.timezone)}.`, {
        hint: 'Connect it again with /tenure connect <connector> (admins).',
      });
    }
    const refusal = undoRefusal({ what: `Connecting ${actor.label}`, madeBy: entry.actorUserId, madeByName: entry.actorName, at: target.at }, actor, instead);
    if (refusal) throw refusal;
    // Locked: a second press, or a remove typed at the same moment, waits for this one.
    const [row] = await tx
      .select({ connector: psaConnections.connector })
      .from(psaConnections)
      .where(and(eq(psaConnections.workspaceId, workspaceId), eq(psaConnections.id, target.connectionId)))
      .for('update');
    if (!row) throw new UserError(`${actor.label} was disconnected since, so there is nothing to undo.`, { hint: 'See /tenure connect list.' });
    const later = await tx
      .selectDistinct({ action: auditLog.action })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.workspaceId, workspaceId),
          gt(auditLog.at, target.at),
          or(
            and(eq(auditLog.entityType, 'psa-connection'), eq(auditLog.entityId, target.connectionId)),
            and(eq(auditLog.entityType, 'psa-company'), like(auditLog.entityId, `${row.connector}:%`)),
          ),
        ),
      );
    const changes = later.map((l) => CHANGES[l.action]).filter((c): c is string => c !== undefined);
    if (changes.length > 0) {
      throw new UserError(`${actor.label} has changed since (${changes.join(', ')}), so undoing the connection would lose that.`, {
        hint: `Disconnect it with /tenure connect remove ${row.connector} if that is still what you want.`,
      });
    }
    const [counts] = await tx
      .select({
        kept: sql<number>`count(*) filter (where ${psaTickets.ticketId} is not null)::int`,
        aside: sql<number>`count(*) filter (where ${psaTickets.ticketId} is null)::int`,
      })
      .from(psaTickets)
      .where(and(eq(psaTickets.workspaceId, workspaceId), eq(psaTickets.connector, row.connector)));
    await removeConnection(tx, workspaceId, row.connector, { userId: actor.userId, now: actor.now }, 'undo-connect');
    return { connector: row.connector, ticketsKept: Number(counts?.kept ?? 0), asideRemoved: Number(counts?.aside ?? 0) };
  });
}
