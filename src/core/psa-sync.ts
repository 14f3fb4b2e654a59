// PSA tickets into Tenure tickets: the one write path for every connector, whether
// the change came by webhook, poll or first import. A ticket is applied only when
// the PSA's last-updated stamp is newer than the one stored (psa_tickets, unique per
// workspace, connector and PSA id), so a change delivered twice, or seen by a
// webhook and a poll, changes the ticket once. Opening, first response and
// resolution go through core/tickets.ts like a typed ticket's (events, audit, the
// business-hours deadline); a ticket whose company maps to no account is kept aside
// with its data and attached when the company is mapped.
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts, psaCompanies, psaTickets, ticketEvents, tickets } from '../../db/schema.js';
import { findAccountByName } from './accounts.js';
import { recordAudit } from './audit.js';
import { slaDueAt, type BusinessHours, type Severity } from './sla.js';
import type { ConnectorName, PriorityDefaults, SourceCompany, SourceTicket } from './ticket-sources.js';
import { acknowledgeTicket, findTicketById, openTicket, resolveTicket } from './tickets.js';

export type ApplyOutcome = 'created' | 'updated' | 'unchanged' | 'aside';

export interface SyncTarget {
  workspaceId: string;
  connector: ConnectorName;
  /** The workspace's overrides (lower-cased priority → severity). */
  priorityMap: Record<string, string>;
  defaults: PriorityDefaults;
  hours: BusinessHours;
  /**
   * Company → account as already looked up in this run (null: unmatched), so a page of
   * tickets does not ask once per ticket. Made fresh for each run or webhook.
   */
  companies?: Map<string, string | null>;
}

const SEVERITIES = new Set<string>(['critical', 'major', 'minor', 'cosmetic']);

/** The severity of a PSA priority: the workspace's mapping, else the connector's default, else its fallback. */
export function severityFor(priority: string, target: Pick<SyncTarget, 'priorityMap' | 'defaults'>): Severity {
  const key = priority.trim().toLowerCase();
  const own = target.priorityMap[key];
  if (own && SEVERITIES.has(own)) return own as Severity;
  for (const [name, severity] of Object.entries(target.defaults.map)) if (name.toLowerCase() === key) return severity;
  return target.defaults.fallback;
}

/**
 * The account a PSA company maps to: the mapping already stored (a person's choice
 * or an earlier match), else an account whose external id is the company's id,
 * else one whose name is the company's (case-insensitive). Records the company.
 */
export async function accountForCompany(db: Db, workspaceId: string, connector: ConnectorName, company: SourceCompany, now: Date): Promise<string | null> {
  const [known] = await db
    .select({ accountId: psaCompanies.accountId, name: psaCompanies.name })
    .from(psaCompanies)
    .where(and(eq(psaCompanies.workspaceId, workspaceId), eq(psaCompanies.connector, connector), eq(psaCompanies.externalId, company.externalId)));
  if (known?.accountId) {
    if (known.name !== company.name) await renameCompany(db, workspaceId, connector, company, now);
    return known.accountId;
  }
  const [byId] = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.externalId, company.externalId)));
  const accountId = byId?.id ?? (await findAccountByName(db, workspaceId, company.name))?.id ?? null;
  await db
    .insert(psaCompanies)
    .values({ workspaceId, connector, externalId: company.externalId, name: company.name, accountId, seenAt: now })
    .onConflictDoUpdate({
      target: [psaCompanies.workspaceId, psaCompanies.connector, psaCompanies.externalId],
      set: { name: company.name, seenAt: now, accountId: sql`coalesce(${psaCompanies.accountId}, excluded.account_id)` },
    });
  return accountId;
}

async function renameCompany(db: Db, workspaceId: string, connector: ConnectorName, company: SourceCompany, now: Date): Promise<void> {
  await db
    .update(psaCompanies)
    .set({ name: company.name, seenAt: now })
    .where(and(eq(psaCompanies.workspaceId, workspaceId), eq(psaCompanies.connector, connector), eq(psaCompanies.externalId, company.externalId)));
}

/** Records every company and matches what can be matched; the matched and unmatched counts. */
export async function recordCompanies(db: Db, workspaceId: string, connector: ConnectorName, companies: SourceCompany[], now: Date): Promise<{ matched: number; unmatched: number }> {
  let matched = 0;
  for (const company of companies) if (await accountForCompany(db, workspaceId, connector, company, now)) matched++;
  return { matched, unmatched: companies.length - matched };
}

const stored = (t: SourceTicket): Record<string, unknown> => ({
  ...t,
  openedAt: t.openedAt.toISOString(),
  firstResponseAt: t.firstResponseAt?.toISOString() ?? null,
  resolvedAt: t.resolvedAt?.toISOString() ?? null,
  updatedAt: t.updatedAt.toISOString(),
});

function fromStored(d: Record<string, unknown>): SourceTicket {
  const date = (v: unknown) => (typeof v === 'string' ? new Date(v) : null);
  return { ...(d as unknown as SourceTicket), openedAt: new Date(String(d.openedAt)), firstResponseAt: date(d.firstResponseAt), resolvedAt: date(d.resolvedAt), updatedAt: new Date(String(d.updatedAt)) };
}

const SYNC_ACTOR = 'PSA sync';

/**
 * Applies one PSA ticket as of its `updatedAt`. Run it in a transaction: the
 * psa_tickets row is claimed (inserted, or locked) first, so two deliveries of one
 * change at once wait for each other and the second finds it applied.
 */
export async function applySourceTicket(db: Db, target: SyncTarget, ticket: SourceTicket, now: Date): Promise<ApplyOutcome> {
  const { workspaceId, connector } = target;
  const key = and(eq(psaTickets.workspaceId, workspaceId), eq(psaTickets.connector, connector), eq(psaTickets.externalId, ticket.externalId));
  const fresh = await db
    .insert(psaTickets)
    .values({
      workspaceId,
      connector,
      externalId: ticket.externalId,
      externalNumber: ticket.number,
      url: ticket.url,
      companyExternalId: ticket.companyExternalId,
      // Older than any real stamp: the first apply below always counts as newer.
      externalUpdatedAt: new Date(0),
      data: stored(ticket),
    })
    .onConflictDoNothing()
    .returning({ ticketId: psaTickets.ticketId });
  const [row] = fresh.length > 0 ? [{ ticketId: null, externalUpdatedAt: new Date(0) }] : await db.select({ ticketId: psaTickets.ticketId, externalUpdatedAt: psaTickets.externalUpdatedAt }).from(psaTickets).where(key).for('update');
  if (row!.externalUpdatedAt >= ticket.updatedAt) return 'unchanged';

  const cached = target.companies?.get(ticket.companyExternalId);
  const accountId = cached !== undefined ? cached : await accountForCompany(db, workspaceId, connector, { externalId: ticket.companyExternalId, name: ticket.companyName }, now);
  target.companies?.set(ticket.companyExternalId, accountId);
  let outcome: ApplyOutcome;
  let ticketId = row!.ticketId;
  if (!accountId && !ticketId) outcome = 'aside';
  else if (!ticketId) {
    ticketId = await createFromSource(db, target, accountId!, ticket);
    outcome = 'created';
  } else {
    await updateFromSource(db, target, ticketId, ticket, now);
    outcome = 'updated';
  }
  await db
    .update(psaTickets)
    .set({ ticketId, externalNumber: ticket.number, url: ticket.url, companyExternalId: ticket.companyExternalId, externalUpdatedAt: ticket.updatedAt, data: stored(ticket) })
    .where(key);
  return outcome;
}

async function createFromSource(db: Db, target: SyncTarget, accountId: string, t: SourceTicket): Promise<string> {
  const { workspaceId, hours } = target;
  const opened = await openTicket(db, workspaceId, { accountId, severity: severityFor(t.priority, target), title: clip(t.title), channelId: null }, hours, { userId: null, now: t.openedAt });
  if (t.firstResponseAt && !t.resolvedAt) await acknowledgeTicket(db, workspaceId, opened.number, hours, { userId: null, now: t.firstResponseAt });
  if (t.resolvedAt) {
    if (t.firstResponseAt && t.firstResponseAt < t.resolvedAt) await acknowledgeTicket(db, workspaceId, opened.number, hours, { userId: null, now: t.firstResponseAt });
    await resolveTicket(db, workspaceId, opened.number, null, { userId: null, now: t.resolvedAt });
  }
  return opened.id;
}

const clip = (title: string) => (title.trim() === '' ? '(no summary in the PSA)' : title.trim().slice(0, 200));

/** Brings a synced ticket to the PSA's state: title, severity (and so its deadline), first response, resolution or reopening. */
async function updateFromSource(db: Db, target: SyncTarget, ticketId: string, t: SourceTicket, now: Date): Promise<void> {
  const { workspaceId, hours } = target;
  const before = await findTicketById(db, workspaceId, ticketId);
  if (!before) return;
  const severity = severityFor(t.priority, target);
  const title = clip(t.title);
  if (severity !== before.severity || title !== before.title) {
    const dueAt = severity !== before.severity ? slaDueAt(before.openedAt, severity, hours) : before.slaDueAt;
    await db.update(tickets).set({ severity, title, slaDueAt: dueAt }).where(and(eq(tickets.id, ticketId), eq(tickets.workspaceId, workspaceId)));
    await recordAudit(db, workspaceId, {
      actorUserId: null,
      actorLabel: SYNC_ACTOR,
      at: now,
      entityType: 'ticket',
      entityId: ticketId,
      action: 'sync',
      before: { severity: before.severity, title: before.title, slaDueAt: before.slaDueAt.toISOString() },
      after: { severity, title, slaDueAt: dueAt.toISOString() },
    });
  }
  if (before.status === 'resolved' && !t.resolvedAt) {
    const status = before.firstResponseAt ? 'acknowledged' : 'open';
    await db.update(tickets).set({ status, resolvedAt: null, resolvedByUserId: null, resolutionNote: null }).where(and(eq(tickets.id, ticketId), eq(tickets.workspaceId, workspaceId)));
    await db.insert(ticketEvents).values({ workspaceId, ticketId, kind: 'reopened', at: t.updatedAt, userId: null, note: 'reopened in the PSA' });
    await recordAudit(db, workspaceId, { actorUserId: null, actorLabel: SYNC_ACTOR, at: now, entityType: 'ticket', entityId: ticketId, action: 'reopen', before: { status: 'resolved' }, after: { status } });
    return;
  }
  if (before.status === 'open' && t.firstResponseAt && !t.resolvedAt) await acknowledgeTicket(db, workspaceId, before.number, hours, { userId: null, now: t.firstResponseAt });
  if (before.status !== 'resolved' && t.resolvedAt) {
    if (before.status === 'open' && t.firstResponseAt && t.firstResponseAt < t.resolvedAt) await acknowledgeTicket(db, workspaceId, before.number, hours, { userId: null, now: t.firstResponseAt });
    await resolveTicket(db, workspaceId, before.number, null, { userId: null, now: t.resolvedAt });
  }
}

export interface UnmatchedCompany {
  externalId: string;
  name: string;
  /** Tickets kept aside for it. */
  tickets: number;
}

/** Companies of the PSA that map to no account, with how many tickets wait for each, most first. */
export async function unmatchedCompanies(db: Db, workspaceId: string, connector: ConnectorName): Promise<UnmatchedCompany[]> {
  const rows = await db
    .select({
      externalId: psaCompanies.externalId,
      name: psaCompanies.name,
      // The outer table named in full: a bare column here would bind to the subquery's own (ARCHITECTURE.md, pitfalls).
      tickets: sql<number>`(select count(*)::int from ${psaTickets} t where t.workspace_id = "psa_companies"."workspace_id" and t.connector = "psa_companies"."connector" and t.company_external_id = "psa_companies"."external_id" and t.ticket_id is null)`,
    })
    .from(psaCompanies)
    .where(and(eq(psaCompanies.workspaceId, workspaceId), eq(psaCompanies.connector, connector), isNull(psaCompanies.accountId)))
    .orderBy(asc(sql`lower(${psaCompanies.name})`));
  return rows.map((r) => ({ ...r, tickets: Number(r.tickets) })).sort((a, b) => b.tickets - a.tickets);
}

/** The PSA company a person names: by its PSA id, else by name (case-insensitive). */
export async function findCompany(db: Db, workspaceId: string, connector: ConnectorName, typed: string): Promise<{ externalId: string; name: string; accountId: string | null } | undefined> {
  const base = and(eq(psaCompanies.workspaceId, workspaceId), eq(psaCompanies.connector, connector));
  const select = { externalId: psaCompanies.externalId, name: psaCompanies.name, accountId: psaCompanies.accountId };
  const [byId] = await db.select(select).from(psaCompanies).where(and(base, eq(psaCompanies.externalId, typed)));
  if (byId) return byId;
  const [byName] = await db.select(select).from(psaCompanies).where(and(base, sql`lower(${psaCompanies.name}) = lower(${typed})`));
  return byName;
}

/**
 * Maps a PSA company to an account and attaches the tickets kept aside for it,
 * oldest first, each as the PSA last described it. Run it in a transaction.
 */
export async function mapCompany(
  db: Db,
  target: SyncTarget,
  companyExternalId: string,
  accountId: string,
  actor: { userId: string | null; now: Date },
): Promise<{ attached: number }> {
  const { workspaceId, connector } = target;
  const [company] = await db
    .update(psaCompanies)
    .set({ accountId })
    .where(and(eq(psaCompanies.workspaceId, workspaceId), eq(psaCompanies.connector, connector), eq(psaCompanies.externalId, companyExternalId)))
    .returning({ name: psaCompanies.name });
  await recordAudit(db, workspaceId, { actorUserId: actor.userId, at: actor.now, entityType: 'psa-company', entityId: `${connector}:${companyExternalId}`, action: 'map', after: { accountId, name: company?.name ?? null } });
  const aside = await db
    .select({ externalId: psaTickets.externalId, data: psaTickets.data })
    .from(psaTickets)
    .where(and(eq(psaTickets.workspaceId, workspaceId), eq(psaTickets.connector, connector), eq(psaTickets.companyExternalId, companyExternalId), isNull(psaTickets.ticketId)))
    .orderBy(asc(sql`(${psaTickets.data} ->> 'openedAt')`));
  for (const entry of aside) {
    const ticketId = await createFromSource(db, target, accountId, fromStored(entry.data));
    await db
      .update(psaTickets)
      .set({ ticketId })
      .where(and(eq(psaTickets.workspaceId, workspaceId), eq(psaTickets.connector, connector), eq(psaTickets.externalId, entry.externalId)));
  }
  return { attached: aside.length };
}

export interface SyncedTicketLink {
  connector: ConnectorName;
  number: string;
  url: string;
}

/** Where a synced ticket lives in its PSA; undefined for a ticket typed in chat. */
export async function syncedTicketLink(db: Db, workspaceId: string, ticketNumber: number): Promise<SyncedTicketLink | undefined> {
  const [row] = await db
    .select({ connector: psaTickets.connector, number: psaTickets.externalNumber, url: psaTickets.url })
    .from(psaTickets)
    .innerJoin(tickets, eq(tickets.id, psaTickets.ticketId))
    .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.number, ticketNumber)));
  return row;
}

/** How many tickets and which companies a set of PSA tickets touches: the dry-run preview's figures. */
export async function previewCounts(
  db: Db,
  workspaceId: string,
  connector: ConnectorName,
  companies: SourceCompany[],
  ticketCompanies: Map<string, number>,
): Promise<{ tickets: number; companies: number; unmatched: string[] }> {
  let total = 0;
  const unmatched: string[] = [];
  const names = new Map(companies.map((c) => [c.externalId, c.name]));
  for (const [companyId, count] of ticketCompanies) {
    total += count;
    const name = names.get(companyId) ?? companyId;
    const [known] = await db
      .select({ accountId: psaCompanies.accountId })
      .from(psaCompanies)
      .where(and(eq(psaCompanies.workspaceId, workspaceId), eq(psaCompanies.connector, connector), eq(psaCompanies.externalId, companyId)));
    if (known?.accountId) continue;
    const [byId] = await db.select({ id: accounts.id }).from(accounts).where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.externalId, companyId)));
    if (byId || (await findAccountByName(db, workspaceId, name))) continue;
    unmatched.push(name);
  }
  return { tickets: total, companies: ticketCompanies.size, unmatched: unmatched.sort((a, b) => a.localeCompare(b)) };
}

/** Tickets of this workspace that came from a PSA (for tests and the benchmark's checks). */
export async function countSyncedTickets(db: Db, workspaceId: string, connector: ConnectorName): Promise<{ synced: number; aside: number; events: number }> {
  const [row] = await db
    .select({
      synced: sql<number>`count(*) filter (where ${psaTickets.ticketId} is not null)::int`,
      aside: sql<number>`count(*) filter (where ${psaTickets.ticketId} is null)::int`,
      events: sql<number>`(select count(*)::int from ${ticketEvents} e where e.workspace_id = ${workspaceId})`,
    })
    .from(psaTickets)
    .where(and(eq(psaTickets.workspaceId, workspaceId), eq(psaTickets.connector, connector)));
  return { synced: Number(row!.synced), aside: Number(row!.aside), events: Number(row!.events) };
}
