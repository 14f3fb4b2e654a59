// Check-ins: every customer touch (call, meeting, QBR…). The last touch drives the
// cadence status and, later, the health score's engagement component.
import { randomUUID } from 'node:crypto';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { preparedQuery } from '../../db/statements.js';
import { auditLog, checkins } from '../../db/schema.js';

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

const value = (name: string) => sql.placeholder(name);

/**
 * Writes a touch and its audit row and reads the touch before it, all in one
 * statement (WITH: a select and two inserts; atomic without a transaction around
 * it): one round trip for the busiest command instead of five with BEGIN and COMMIT,
 * and no moment where the touch is written but the answer about it could fail.
 * The previous touch is the latest strictly before this one; the statement's reads
 * do not see its own insert either way. Built once (db/statements.ts): /checkin is
 * the command people type most.
 */
const checkinStatement = preparedQuery('log-checkin', (db) => {
  const previous = db.$with('previous').as(
    db
      .select()
      .from(checkins)
      .where(and(eq(checkins.workspaceId, value('workspaceId')), eq(checkins.accountId, value('accountId')), lt(checkins.occurredAt, value('occurredAtIso'))))
      .orderBy(desc(checkins.occurredAt))
      .limit(1),
  );
  const inserted = db.$with('inserted').as(
    db
      .insert(checkins)
      .values({
        id: value('id'),
        workspaceId: value('workspaceId'),
        accountId: value('accountId'),
        userId: value('userId'),
        type: value('type'),
        occurredAt: value('occurredAt'),
        notes: value('notes'),
        sentiment: value('sentiment'),
        nextStepDate: value('nextStepDate'),
        channelId: value('channelId'),
        createdAt: value('now'),
      })
      .returning(),
  );
  const audited = db.$with('audited').as(
    db
      .insert(auditLog)
      .values({
        workspaceId: value('workspaceId'),
        actorUserId: value('userId'),
        actorLabel: null,
        at: value('now'),
        entityType: 'checkin',
        entityId: value('id'),
        action: 'create',
        before: null,
        after: value('after'),
      })
      .returning({ id: auditLog.id }),
  );
  return db.with(previous, inserted, audited).select().from(inserted).leftJoin(previous, sql`true`).prepare('log-checkin');
});

export async function logCheckin(
  db: Db,
  workspaceId: string,
  input: CheckinInput,
  now: Date,
): Promise<{ checkin: Checkin; previous: Checkin | undefined }> {
  // The id is made here so that the audit row can name it within the same statement.
  const id = randomUUID();
  const [row] = await checkinStatement(db).execute({
    ...input,
    id,
    workspaceId,
    occurredAtIso: input.occurredAt.toISOString(),
    now,
    after: { accountId: input.accountId, type: input.type, occurredAt: input.occurredAt.toISOString(), sentiment: input.sentiment },
  });
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
