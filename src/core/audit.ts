// The audit trail: who changed which record when, with before and after values.
import { and, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog, surveys, tickets, users } from '../../db/schema.js';

export interface AuditEntry {
  actorUserId: string | null;
  actorLabel?: string;
  at: Date;
  entityType: string;
  entityId: string;
  action: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** Records the entry; its id lets an Undo button name the change it takes back. */
export async function recordAudit(db: Db, workspaceId: string, entry: AuditEntry): Promise<string> {
  const [row] = await db.insert(auditLog).values(auditRow(workspaceId, entry)).returning({ id: auditLog.id });
  return row!.id;
}

/** The audit_log row of an entry. */
export function auditRow(workspaceId: string, entry: AuditEntry): typeof auditLog.$inferInsert {
  return {
    workspaceId,
    actorUserId: entry.actorUserId,
    actorLabel: entry.actorLabel ?? null,
    at: entry.at,
    entityType: entry.entityType,
    entityId: entry.entityId,
    action: entry.action,
    before: entry.before ?? null,
    after: entry.after ?? null,
  };
}

/** Only the keys whose values differ, for a compact before/after pair. */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    const x = before[key] instanceof Date ? (before[key] as Date).toISOString() : before[key];
    const y = after[key] instanceof Date ? (after[key] as Date).toISOString() : after[key];
    if (JSON.stringify(x) !== JSON.stringify(y)) {
      b[key] = x ?? null;
      a[key] = y ?? null;
    }
  }
  return { before: b, after: a };
}

export interface HistoryEntry {
  at: Date;
  actorName: string | null;
  actorLabel: string | null;
  entityType: string;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/**
 * The latest changes touching one account: its own entries and those of its
 * check-ins, tickets and surveys (found by the accountId they carry, or by id).
 */
export async function accountHistory(db: Db, workspaceId: string, accountId: string, limit = 20): Promise<HistoryEntry[]> {
  const rows = await db
    .select({
      at: auditLog.at,
      actorName: users.displayName,
      actorLabel: auditLog.actorLabel,
      entityType: auditLog.entityType,
      action: auditLog.action,
      before: auditLog.before,
      after: auditLog.after,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(
      and(
        eq(auditLog.workspaceId, workspaceId),
        or(
          and(eq(auditLog.entityType, 'account'), eq(auditLog.entityId, accountId)),
          sql`${auditLog.after}->>'accountId' = ${accountId}`,
          and(
            eq(auditLog.entityType, 'ticket'),
            inArray(auditLog.entityId, db.select({ id: sql<string>`${tickets.id}::text` }).from(tickets).where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.accountId, accountId)))),
          ),
          and(
            eq(auditLog.entityType, 'survey'),
            inArray(auditLog.entityId, db.select({ id: sql<string>`${surveys.id}::text` }).from(surveys).where(and(eq(surveys.workspaceId, workspaceId), eq(surveys.accountId, accountId)))),
          ),
        ),
      ),
    )
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
  return rows;
}
