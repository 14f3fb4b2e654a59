// Check-ins: every customer touch (call, meeting, QBR…). The last touch drives the
// cadence status and, later, the health score's engagement component.
import { randomUUID } from 'node:crypto';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog, checkins } from '../../db/schema.js';
import { auditRow } from './audit.js';

export type Checkin = typeof checkins.$inferSelect;
export type CheckinType = Checkin['type'];
export type Sentiment = Checkin['sentiment'];

export interface CheckinInput {
  accountId: string;
  userId: string | null;
  type: CheckinType;
  occurredAt: Date;
  notes: string;
  sentiment: Sentiment;
  nextStepDate: string | null;
  channelId: string | null;
}

/** The touch before `before` (the previous one, for "days since the previous touch"). */
function previousTouchQuery(db: Db, workspaceId: string, accountId: string, before: Date) {
  return db
    .select()
    .from(checkins)
    .where(and(eq(checkins.workspaceId, workspaceId), eq(checkins.accountId, accountId), lt(checkins.occurredAt, before)))
    .orderBy(desc(checkins.occurredAt))
    .limit(1);
}

/**
 * Writes a touch and its audit row and reads the touch before it, all in one
 * statement (WITH: a select and two inserts; atomic without a transaction around
 * it): one round trip for the busiest command instead of five with BEGIN and COMMIT,
 * and no moment where the touch is written but the answer about it could fail.
 * The previous touch is the latest strictly before this one; the statement's reads
 * do not see its own insert either way.
 */
export async function logCheckin(
  db: Db,
  workspaceId: string,
  input: CheckinInput,
  now: Date,
): Promise<{ checkin: Checkin; previous: Checkin | undefined }> {
  // The id is made here so that the audit row can name it within the same statement.
  const id = randomUUID();
  const previous = db.$with('previous').as(previousTouchQuery(db, workspaceId, input.accountId, input.occurredAt));
  const inserted = db.$with('inserted').as(
    db
      .insert(checkins)
      .values({ ...input, id, workspaceId, createdAt: now })
      .returning(),
  );
  const audited = db.$with('audited').as(
    db
      .insert(auditLog)
      .values(
        auditRow(workspaceId, {
          actorUserId: input.userId,
          at: now,
          entityType: 'checkin',
          entityId: id,
          action: 'create',
          after: { accountId: input.accountId, type: input.type, occurredAt: input.occurredAt.toISOString(), sentiment: input.sentiment },
        }),
      )
      .returning({ id: auditLog.id }),
  );
  const [row] = await db.with(previous, inserted, audited).select().from(inserted).leftJoin(previous, sql`true`);
  return { checkin: row!.inserted, previous: row!.previous ?? undefined };
}

export async function recentCheckins(db: Db, workspaceId: string, accountId: string, limit = 5): Promise<Checkin[]> {
  return db
    .select()
    .from(checkins)
    .where(and(eq(checkins.workspaceId, workspaceId), eq(checkins.accountId, accountId)))
    .orderBy(desc(checkins.occurredAt))
    .limit(limit);
}
