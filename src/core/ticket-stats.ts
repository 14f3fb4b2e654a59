// Service-desk KPIs over a window of days, and the ticket signals the health
// score reads (open critical tickets, SLA breaches of the last 90 days).
//
// Definitions, as implemented:
// - The window holds the tickets *opened* in the last `days` days (up to `now`).
// - SLA attainment = met ÷ (met + missed). Met: first response at or before the
//   deadline. Missed: first response after it, or none and the deadline passed.
//   Tickets still inside their window without a response are pending and left out.
// - First response time: business minutes from opening to first response (the
//   workspace's current business hours), over the tickets that have one; mean and
//   median (the mean of the two middle values for an even count).
// - Time to resolve: elapsed (calendar) minutes from opening to resolution, over
//   the tickets of the window that are resolved; mean.
// - An SLA breach (health): a ticket whose deadline fell in the last 90 days and was
//   missed (answered late, or not answered by now).
import { and, eq, gt, gte, inArray, lte, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts, TICKET_SEVERITIES, tickets } from '../../db/schema.js';
import { businessMinutesBetween, type BusinessHours, type Severity } from './sla.js';
import { MS_PER_DAY } from './time.js';


export interface TicketStats {
  days: number;
  since: Date;
  opened: number;
  bySeverity: Record<Severity, number>;
  /** Most tickets first, then by name. */
  byAccount: { accountId: string; accountName: string; count: number }[];
  byTechnology: { technology: string; count: number }[];
  sla: { met: number; missed: number; pending: number; /** 0–100, null when nothing was decided */ attainmentPct: number | null };
  firstResponse: { count: number; meanMinutes: number | null; medianMinutes: number | null };
  resolution: { count: number; meanMinutes: number | null };
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

export async function ticketStats(db: Db, workspaceId: string, options: { now: Date; days: number; hours: BusinessHours }): Promise<TicketStats> {
  const since = new Date(options.now.getTime() - options.days * MS_PER_DAY);
  const rows = await db
    .select({
      accountId: tickets.accountId,
      accountName: accounts.name,
      severity: tickets.severity,
      technology: tickets.technology,
      openedAt: tickets.openedAt,
      slaDueAt: tickets.slaDueAt,
      firstResponseAt: tickets.firstResponseAt,
      resolvedAt: tickets.resolvedAt,
    })
    .from(tickets)
    .innerJoin(accounts, eq(accounts.id, tickets.accountId))
    .where(and(eq(tickets.workspaceId, workspaceId), gte(tickets.openedAt, since), lte(tickets.openedAt, options.now)));

  const bySeverity = Object.fromEntries(TICKET_SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byAccount = new Map<string, { accountId: string; accountName: string; count: number }>();
  const byTechnology = new Map<string, number>();
  const sla = { met: 0, missed: 0, pending: 0 };
  const responseMinutes: number[] = [];
  const resolveMinutes: number[] = [];

  for (const r of rows) {
    bySeverity[r.severity]++;
    const entry = byAccount.get(r.accountId) ?? { accountId: r.accountId, accountName: r.accountName, count: 0 };
    entry.count++;
    byAccount.set(r.accountId, entry);
    if (r.technology) byTechnology.set(r.technology, (byTechnology.get(r.technology) ?? 0) + 1);

    // A response recorded after `now` (a clock set back in a test) counts as none yet.
    const responded = r.firstResponseAt && r.firstResponseAt <= options.now ? r.firstResponseAt : null;
    if (responded) {
      if (responded <= r.slaDueAt) sla.met++;
      else sla.missed++;
      responseMinutes.push(businessMinutesBetween(r.openedAt, responded, options.hours));
    } else if (options.now > r.slaDueAt) sla.missed++;
    else sla.pending++;

    if (r.resolvedAt && r.resolvedAt <= options.now) resolveMinutes.push((r.resolvedAt.getTime() - r.openedAt.getTime()) / 60_000);
  }

  const decided = sla.met + sla.missed;
  return {
    days: options.days,
    since,
    opened: rows.length,
    bySeverity,
    byAccount: [...byAccount.values()].sort((a, b) => b.count - a.count || a.accountName.localeCompare(b.accountName)),
    byTechnology: [...byTechnology.entries()].map(([technology, count]) => ({ technology, count })).sort((a, b) => b.count - a.count || a.technology.localeCompare(b.technology)),
    sla: { ...sla, attainmentPct: decided === 0 ? null : (sla.met / decided) * 100 },
    firstResponse: { count: responseMinutes.length, meanMinutes: mean(responseMinutes), medianMinutes: median(responseMinutes) },
    resolution: { count: resolveMinutes.length, meanMinutes: mean(resolveMinutes) },
  };
}

export interface TicketHealthSignals {
  /** Critical tickets not yet resolved. */
  openCritical: number;
  /** Tickets whose first-response deadline fell in the window and was missed. */
  slaBreaches: number;
}

/**
 * The ticket side of the health score, for many accounts in one grouped query.
 * Accounts without tickets get zeros. `accountIds` undefined: every account.
 */
export async function ticketHealthSignals(
  db: Db,
  workspaceId: string,
  accountIds: string[] | undefined,
  options: { now: Date; days?: number },
): Promise<Map<string, TicketHealthSignals>> {
  const result = new Map<string, TicketHealthSignals>();
  for (const id of accountIds ?? []) result.set(id, { openCritical: 0, slaBreaches: 0 });
  if (accountIds && accountIds.length === 0) return result;
  const since = new Date(options.now.getTime() - (options.days ?? 90) * MS_PER_DAY);
  const nowIso = options.now.toISOString();
  const rows = await db
    .select({
      accountId: tickets.accountId,
      openCritical: sql<number>`count(*) filter (where ${tickets.status} <> 'resolved' and ${tickets.severity} = 'critical')::int`,
      slaBreaches: sql<number>`count(*) filter (where ${tickets.slaDueAt} > ${since.toISOString()}::timestamptz and ${tickets.slaDueAt} <= ${nowIso}::timestamptz
        and (${tickets.firstResponseAt} is null or ${tickets.firstResponseAt} > ${tickets.slaDueAt}))::int`,
    })
    .from(tickets)
    .where(
      and(
        eq(tickets.workspaceId, workspaceId),
        accountIds && accountIds.length <= 500 ? inArray(tickets.accountId, accountIds) : undefined,
        or(ne(tickets.status, 'resolved'), gt(tickets.slaDueAt, since)),
      ),
    )
    .groupBy(tickets.accountId);
  for (const r of rows) {
    if (accountIds && !result.has(r.accountId)) continue;
    result.set(r.accountId, { openCritical: Number(r.openCritical), slaBreaches: Number(r.slaBreaches) });
  }
  return result;
}
