// Taking back what was done to a ticket, and reopening one. Reopen (anyone: a fix that
// did not hold) puts a resolved ticket back to where it was before the resolution.
// Undo (the person who did it, for a day) takes back an opening (the ticket is
// deleted: it was a mistake, not a closed case), an acknowledgement (the first
// response is cleared and the SLA clock runs again) or a resolution (as reopen, and
// a first response the resolution itself counted is cleared too). Each writes the
// ticket's history and an audit entry.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog, tickets, ticketEvents, users } from '../../db/schema.js';
import { recordAudit } from './audit.js';
import { UserError } from './errors.js';
import type { Ticket } from './tickets.js';
import { undoRefusal, type UndoActor } from './undo.js';

export type UndoableTicketChange = 'open' | 'ack' | 'resolve';

async function lockTicket(tx: Db, workspaceId: string, which: { id: string } | { number: number }): Promise<Ticket> {
  const [row] = await tx
    .select()
    .from(tickets)
    .where(and(eq(tickets.workspaceId, workspaceId), 'id' in which ? eq(tickets.id, which.id) : eq(tickets.number, which.number)))
    .for('update');
  if (!row) {
    throw new UserError('number' in which ? `There is no ticket #${which.number} here.` : 'That ticket was deleted meanwhile (its opening was undone).', { hint: 'See /ticket list all.' });
  }
  return row;
}

async function nameOf(tx: Db, workspaceId: string, userId: string | null): Promise<string | null> {
  if (!userId) return null;
  const [row] = await tx.select({ name: users.displayName }).from(users).where(and(eq(users.workspaceId, workspaceId), eq(users.id, userId)));
  return row?.name ?? null;
}

async function history(tx: Db, workspaceId: string, ticketId: string, kind: string, actor: { userId: string; now: Date }, note: string | null = null): Promise<void> {
  await tx.insert(ticketEvents).values({ workspaceId, ticketId, kind, at: actor.now, userId: actor.userId, note });
}

/** The fields a resolution set, cleared; a first response the resolution counted (same moment, same person) goes too. */
function unresolved(t: Ticket) {
  const respondedByResolution = t.firstResponseAt !== null && t.resolvedAt !== null && t.firstResponseAt.getTime() === t.resolvedAt.getTime() && t.firstResponseByUserId === t.resolvedByUserId;
  const firstResponse = respondedByResolution ? { firstResponseAt: null, firstResponseByUserId: null } : {};
  const responded = respondedByResolution ? false : t.firstResponseAt !== null;
  return { status: responded ? ('acknowledged' as const) : ('open' as const), resolvedAt: null, resolvedByUserId: null, resolutionNote: null, ...firstResponse };
}

/** Reopens a resolved ticket (anyone may: the fix did not hold), with the reason in its history. */
export async function reopenTicket(db: Db, workspaceId: string, number: number, reason: string | null, actor: { userId: string; now: Date }): Promise<Ticket> {
  return db.transaction(async (tx) => {
    const t = await lockTicket(tx, workspaceId, { number });
    if (t.status !== 'resolved') throw new UserError(`Ticket #${t.number} is not resolved (it is ${t.status}): there is nothing to reopen.`, { hint: `See it with /ticket ${t.number}.` });
    // A reopened ticket keeps its first response: the customer was answered; the resolution is what is taken back.
    const back = { status: t.firstResponseAt ? ('acknowledged' as const) : ('open' as const), resolvedAt: null, resolvedByUserId: null, resolutionNote: null };
    const [after] = await tx.update(tickets).set(back).where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, t.id))).returning();
    await history(tx, workspaceId, t.id, 'reopened', actor, reason);
    await recordAudit(tx, workspaceId, {
      actorUserId: actor.userId,
      at: actor.now,
      entityType: 'ticket',
      entityId: t.id,
      action: 'reopen',
      before: { status: t.status, resolvedAt: t.resolvedAt?.toISOString() ?? null, resolvedByUserId: t.resolvedByUserId, note: t.resolutionNote },
      after: { status: back.status, reason },
    });
    return after!;
  });
}

const WHAT: Record<UndoableTicketChange, string> = { open: 'opening', ack: 'acknowledgement', resolve: 'resolution' };

/**
 * Undoes the opening, acknowledgement or resolution of a ticket, for the person who
 * made it, for a day, while it is still the ticket's latest step. Returns the ticket
 * as it is now (as it was, for an undone opening: it is gone).
 */
export async function undoTicketChange(db: Db, workspaceId: string, ticketId: string, change: UndoableTicketChange, actor: UndoActor): Promise<Ticket> {
  return db.transaction(async (tx) => {
    const t = await lockTicket(tx, workspaceId, { id: ticketId });
    const step = { open: { by: t.openedByUserId, at: t.openedAt }, ack: { by: t.firstResponseByUserId, at: t.firstResponseAt }, resolve: { by: t.resolvedByUserId, at: t.resolvedAt } }[change];
    const latest = change === 'open' ? t.status === 'open' && t.firstResponseAt === null : change === 'ack' ? t.status === 'acknowledged' : t.status === 'resolved';
    if (!latest || !step.at) {
      throw new UserError(`Ticket #${t.number} has moved on since its ${WHAT[change]} (it is ${t.status} now), so there is no ${WHAT[change]} to undo.`, {
        hint: t.status === 'resolved' ? `Reopen it with /ticket reopen ${t.number}.` : `See it with /ticket ${t.number}.`,
      });
    }
    const refusal = undoRefusal({ what: `The ${WHAT[change]} of ticket #${t.number}`, madeBy: step.by, madeByName: await nameOf(tx, workspaceId, step.by), at: step.at }, actor, `See it with /ticket ${t.number}.`);
    if (refusal) throw refusal;
    const before = { status: t.status, number: t.number, accountId: t.accountId, title: t.title };
    let after: Ticket = t;
    if (change === 'open') {
      // Its history goes with it (ticket_events cascade); the audit entry keeps what it was.
      await tx.delete(tickets).where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, t.id)));
    } else {
      const back = change === 'ack' ? { status: 'open' as const, firstResponseAt: null, firstResponseByUserId: null } : unresolved(t);
      [after] = (await tx.update(tickets).set(back).where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, t.id))).returning()) as [Ticket];
      await history(tx, workspaceId, t.id, `${change === 'ack' ? 'acknowledgement' : 'resolution'} undone`, actor);
    }
    await recordAudit(tx, workspaceId, { actorUserId: actor.userId, at: actor.now, entityType: 'ticket', entityId: t.id, action: `undo-${change}`, before, after: { status: change === 'open' ? 'deleted' : after.status } });
    return after;
  });
}

/**
 * Takes back a reopen (`at`: when it was made): the ticket is resolved again as it was
 * (when, by whom, with its note), for the person who reopened it, for a day, while
 * nothing has happened to it since.
 */
export async function undoTicketReopen(db: Db, workspaceId: string, target: { ticketId: string; at: Date }, actor: UndoActor): Promise<Ticket> {
  return db.transaction(async (tx) => {
    const t = await lockTicket(tx, workspaceId, { id: target.ticketId });
    const [entry] = await tx
      .select({ before: auditLog.before, after: auditLog.after, actorUserId: auditLog.actorUserId, actorName: users.displayName })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorUserId))
      .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.entityType, 'ticket'), eq(auditLog.entityId, t.id), eq(auditLog.action, 'reopen'), eq(auditLog.at, target.at)));
    const before = entry?.before as { resolvedAt?: string | null; resolvedByUserId?: string | null; note?: string | null } | null | undefined;
    if (!entry || !before?.resolvedAt) throw new UserError(`That reopening of ticket #${t.number} is not in the audit log, so it cannot be undone.`, { hint: `Resolve it again with /ticket resolve ${t.number}.` });
    const refusal = undoRefusal({ what: `Reopening ticket #${t.number}`, madeBy: entry.actorUserId, madeByName: entry.actorName, at: target.at }, actor, `Resolve it with /ticket resolve ${t.number} <note>.`);
    if (refusal) throw refusal;
    if (t.status !== (entry.after as { status?: string } | null)?.status) {
      throw new UserError(`Ticket #${t.number} has moved on since it was reopened (it is ${t.status} now), so the reopening cannot be undone.`, { hint: `Resolve it with /ticket resolve ${t.number} <note>.` });
    }
    const [after] = await tx
      .update(tickets)
      .set({ status: 'resolved', resolvedAt: new Date(before.resolvedAt), resolvedByUserId: before.resolvedByUserId ?? null, resolutionNote: before.note ?? null })
      .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, t.id)))
      .returning();
    await history(tx, workspaceId, t.id, 'reopening undone', actor);
    await recordAudit(tx, workspaceId, { actorUserId: actor.userId, at: actor.now, entityType: 'ticket', entityId: t.id, action: 'undo-reopen', before: { status: t.status }, after: { status: 'resolved' } });
    return after!;
  });
}
