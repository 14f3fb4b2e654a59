// Tickets: open, first-respond (acknowledge), resolve, list and show one with its
// history. The first-response deadline is fixed when the ticket opens, in the
// workspace's business hours; every change is a ticket event and an audit entry.
import { and, asc, desc, eq, isNull, lte, ne, not, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import { qualified } from '../../db/qualified.js';
import { accounts, ticketEvents, tickets, users } from '../../db/schema.js';
import { recordAudit } from './audit.js';
import { runIs } from './ledger.js';
import { UserError } from './errors.js';
import { businessMinutesBetween, slaDueAt, type BusinessHours, type Severity } from './sla.js';
import { nextNumber } from './workspaces.js';

export type Ticket = typeof tickets.$inferSelect;
export type TicketStatus = Ticket['status'];
export type TicketEventKind = 'opened' | 'acknowledged' | 'resolved' | 'sla-warning' | 'sla-breach';

/** A ticket with the names a person reads: account, owner and who did what. */
export interface TicketView extends Ticket {
  accountName: string;
  accountOwnerUserId: string | null;
  accountOwnerName: string | null;
  /** The owner's platform user id, so an alert can mention (notify) them. */
  accountOwnerPlatformId: string | null;
  openedByName: string | null;
  firstResponseByName: string | null;
  resolvedByName: string | null;
}

export interface TicketActor {
  userId: string | null;
  now: Date;
}

export interface TicketHistoryEntry {
  kind: string;
  at: Date;
  userName: string | null;
  note: string | null;
}

const openedBy = alias(users, 'opened_by');
const respondedBy = alias(users, 'responded_by');
const resolvedBy = alias(users, 'resolved_by');
const owner = alias(users, 'owner');

function viewQuery(db: Db) {
  return db
    .select({
      ticket: tickets,
      accountName: accounts.name,
      accountOwnerUserId: accounts.ownerUserId,
      accountOwnerName: owner.displayName,
      accountOwnerPlatformId: owner.platformUserId,
      openedByName: openedBy.displayName,
      firstResponseByName: respondedBy.displayName,
      resolvedByName: resolvedBy.displayName,
    })
    .from(tickets)
    .innerJoin(accounts, eq(accounts.id, tickets.accountId))
    .leftJoin(owner, eq(owner.id, accounts.ownerUserId))
    .leftJoin(openedBy, eq(openedBy.id, tickets.openedByUserId))
    .leftJoin(respondedBy, eq(respondedBy.id, tickets.firstResponseByUserId))
    .leftJoin(resolvedBy, eq(resolvedBy.id, tickets.resolvedByUserId));
}

type ViewRow = Awaited<ReturnType<ReturnType<typeof viewQuery>['execute']>>[number];
const toView = (r: ViewRow): TicketView => ({
  ...r.ticket,
  accountName: r.accountName,
  accountOwnerUserId: r.accountOwnerUserId,
  accountOwnerName: r.accountOwnerName,
  accountOwnerPlatformId: r.accountOwnerPlatformId,
  openedByName: r.openedByName,
  firstResponseByName: r.firstResponseByName,
  resolvedByName: r.resolvedByName,
});

export async function recordTicketEvent(
  db: Db,
  workspaceId: string,
  event: { ticketId: string; kind: TicketEventKind; at: Date; userId: string | null; note?: string | null },
): Promise<void> {
  await db.insert(ticketEvents).values({ workspaceId, ticketId: event.ticketId, kind: event.kind, at: event.at, userId: event.userId, note: event.note ?? null });
}

/** The first-response deadline; a calendar without working time (all days holidays) is the user's to fix. */
function deadline(openedAt: Date, severity: Severity, hours: BusinessHours): Date {
  try {
    return slaDueAt(openedAt, severity, hours);
  } catch {
    throw new UserError('The business hours leave no working time in the coming year, so no deadline can be set.', {
      hint: 'Check the working days with /ticket hours and the dates with /ticket holidays.',
    });
  }
}

/** Opens a ticket with the next #number and its first-response deadline. Run it in a transaction. */
export async function openTicket(
  db: Db,
  workspaceId: string,
  input: { accountId: string; severity: Severity; title: string; technology?: string | null; channelId: string | null },
  hours: BusinessHours,
  actor: TicketActor,
): Promise<Ticket> {
  const dueAt = deadline(actor.now, input.severity, hours);
  const number = await nextNumber(db, workspaceId, 'ticket');
  const [ticket] = await db
    .insert(tickets)
    .values({
      workspaceId,
      number,
      accountId: input.accountId,
      severity: input.severity,
      title: input.title,
      technology: input.technology ?? null,
      status: 'open',
      openedByUserId: actor.userId,
      openedAt: actor.now,
      slaDueAt: dueAt,
      channelId: input.channelId,
    })
    .returning();
  await recordTicketEvent(db, workspaceId, { ticketId: ticket!.id, kind: 'opened', at: actor.now, userId: actor.userId });
  await recordAudit(db, workspaceId, {
    actorUserId: actor.userId,
    at: actor.now,
    entityType: 'ticket',
    entityId: ticket!.id,
    action: 'create',
    after: { number, accountId: input.accountId, severity: input.severity, slaDueAt: ticket!.slaDueAt.toISOString() },
  });
  return ticket!;
}

export async function findTicket(db: Db, workspaceId: string, number: number): Promise<TicketView | undefined> {
  const [row] = await viewQuery(db).where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.number, number)));
  return row ? toView(row) : undefined;
}

export async function findTicketById(db: Db, workspaceId: string, ticketId: string): Promise<TicketView | undefined> {
  const [row] = await viewQuery(db).where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, ticketId)));
  return row ? toView(row) : undefined;
}

/** The ticket #number of this workspace, or a UserError (another workspace's tickets do not exist here). */
export async function requireTicket(db: Db, workspaceId: string, number: number): Promise<TicketView> {
  const ticket = await findTicket(db, workspaceId, number);
  if (!ticket) throw new UserError(`There is no ticket #${number} here.`, { hint: 'See /ticket list for the open tickets, or /ticket list all.' });
  return ticket;
}

function alreadyResolved(ticket: TicketView): UserError {
  return new UserError(`Ticket #${ticket.number} is already resolved${ticket.resolvedByName ? ` (by @${ticket.resolvedByName})` : ''}; nothing was changed.`, {
    hint: `See its history with /ticket ${ticket.number}.`,
  });
}

/**
 * Records the first response. The update only matches an unanswered ticket, so
 * two people acknowledging at once cannot both succeed.
 */
export async function acknowledgeTicket(
  db: Db,
  workspaceId: string,
  number: number,
  hours: BusinessHours,
  actor: TicketActor,
): Promise<{ ticket: Ticket; businessMinutes: number; met: boolean }> {
  const before = await requireTicket(db, workspaceId, number);
  const [ticket] = await db
    .update(tickets)
    .set({ status: 'acknowledged', firstResponseAt: actor.now, firstResponseByUserId: actor.userId })
    .where(and(eq(tickets.id, before.id), eq(tickets.workspaceId, workspaceId), eq(tickets.status, 'open'), isNull(tickets.firstResponseAt)))
    .returning();
  if (!ticket) {
    const now = (await findTicketById(db, workspaceId, before.id)) ?? before;
    if (now.status === 'resolved') throw alreadyResolved(now);
    throw new UserError(`Ticket #${number} was already acknowledged${now.firstResponseByName ? ` by @${now.firstResponseByName}` : ''}; nothing was changed.`, {
      hint: `Resolve it with /ticket resolve ${number} <note>.`,
    });
  }
  await recordTicketEvent(db, workspaceId, { ticketId: ticket.id, kind: 'acknowledged', at: actor.now, userId: actor.userId });
  await recordAudit(db, workspaceId, {
    actorUserId: actor.userId,
    at: actor.now,
    entityType: 'ticket',
    entityId: ticket.id,
    action: 'acknowledge',
    before: { status: before.status },
    after: { status: ticket.status, firstResponseAt: actor.now.toISOString() },
  });
  return { ticket, businessMinutes: businessMinutesBetween(ticket.openedAt, actor.now, hours), met: actor.now <= ticket.slaDueAt };
}

/**
 * Resolves a ticket. A ticket resolved without an acknowledgement gets its first
 * response at the resolution: the customer's first answer was the fix.
 */
export async function resolveTicket(
  db: Db,
  workspaceId: string,
  number: number,
  note: string | null,
  actor: TicketActor,
): Promise<{ ticket: Ticket; respondedNow: boolean }> {
  const before = await requireTicket(db, workspaceId, number);
  if (before.status === 'resolved') throw alreadyResolved(before);
  const [ticket] = await db
    .update(tickets)
    .set({
      status: 'resolved',
      resolvedAt: actor.now,
      resolvedByUserId: actor.userId,
      resolutionNote: note,
      firstResponseAt: sql`coalesce(${tickets.firstResponseAt}, ${actor.now.toISOString()}::timestamptz)`,
      firstResponseByUserId: sql`coalesce(${tickets.firstResponseByUserId}, ${actor.userId}::uuid)`,
    })
    .where(and(eq(tickets.id, before.id), eq(tickets.workspaceId, workspaceId), ne(tickets.status, 'resolved')))
    .returning();
  if (!ticket) throw alreadyResolved((await findTicketById(db, workspaceId, before.id)) ?? before);
  await recordTicketEvent(db, workspaceId, { ticketId: ticket.id, kind: 'resolved', at: actor.now, userId: actor.userId, note });
  await recordAudit(db, workspaceId, {
    actorUserId: actor.userId,
    at: actor.now,
    entityType: 'ticket',
    entityId: ticket.id,
    action: 'resolve',
    before: { status: before.status },
    after: { status: 'resolved', resolvedAt: actor.now.toISOString(), note },
  });
  return { ticket, respondedNow: before.firstResponseAt === null };
}

export interface TicketFilter {
  accountId?: string;
  /** 'open': not yet resolved (the default); 'all': every ticket. */
  status?: 'open' | 'all';
  limit?: number;
}

function filterWhere(workspaceId: string, filter: TicketFilter) {
  return and(
    eq(tickets.workspaceId, workspaceId),
    // An archived account's tickets are listed only when it is asked for by name.
    filter.accountId
      ? eq(tickets.accountId, filter.accountId)
      : sql`${qualified(tickets.accountId)} not in (select x.id from ${accounts} x where x.workspace_id = ${workspaceId} and x.archived_at is not null)`,
    (filter.status ?? 'open') === 'open' ? ne(tickets.status, 'resolved') : undefined,
  );
}

/**
 * Open tickets come unanswered first, soonest deadline first (what needs a reply
 * now); 'all' lists the newest first.
 */
export async function listTickets(db: Db, workspaceId: string, filter: TicketFilter = {}): Promise<TicketView[]> {
  const order =
    (filter.status ?? 'open') === 'open'
      ? [asc(sql`(${tickets.status} = 'acknowledged')`), asc(tickets.slaDueAt), asc(tickets.number)]
      : [desc(tickets.number)];
  const rows = await viewQuery(db)
    .where(filterWhere(workspaceId, filter))
    .orderBy(...order)
    .limit(filter.limit ?? 50);
  return rows.map(toView);
}

export async function countTickets(db: Db, workspaceId: string, filter: TicketFilter = {}): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(tickets).where(filterWhere(workspaceId, filter));
  return Number(row!.n);
}

export async function ticketHistory(db: Db, workspaceId: string, ticketId: string): Promise<TicketHistoryEntry[]> {
  return db
    .select({ kind: ticketEvents.kind, at: ticketEvents.at, userName: users.displayName, note: ticketEvents.note })
    .from(ticketEvents)
    .leftJoin(users, eq(users.id, ticketEvents.userId))
    .where(and(eq(ticketEvents.workspaceId, workspaceId), eq(ticketEvents.ticketId, ticketId)))
    .orderBy(asc(ticketEvents.at), asc(sql`case ${ticketEvents.kind} when 'opened' then 0 when 'acknowledged' then 1 when 'resolved' then 3 else 2 end`));
}

/**
 * Tickets still waiting for a first response (the SLA watcher's work list), oldest
 * deadline first; churned accounts' tickets are left out (they are recorded, but a
 * customer who has left is owed no first-response SLA, so nobody is alerted). `skipFinishedBy`: leave out tickets whose run of that job the
 * ledger holds as finished (those fully dealt with), so the list stays short however
 * many old, unanswered tickets a workspace keeps; a run still 'running' stays in,
 * since its claimer may never finish it.
 */
export async function unansweredTickets(db: Db, workspaceId: string, options: { now: Date; limit?: number; skipFinishedBy?: string }): Promise<TicketView[]> {
  const skip = options.skipFinishedBy ? not(runIs(options.skipFinishedBy, sql`${tickets.id}::text`, 'finished')) : undefined;
  const rows = await viewQuery(db)
    .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.status, 'open'), isNull(tickets.firstResponseAt), lte(tickets.openedAt, options.now), ne(accounts.stage, 'churned'), isNull(accounts.archivedAt), skip))
    .orderBy(asc(tickets.slaDueAt))
    .limit(options.limit ?? 1000);
  return rows.map(toView);
}
