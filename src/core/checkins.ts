// Check-ins: every customer touch (call, meeting, QBR…). The last touch drives the
// cadence status and, later, the health score's engagement component.
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { checkins } from '../../db/schema.js';
import { recordAudit } from './audit.js';

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
export async function previousTouch(db: Db, workspaceId: string, accountId: string, before: Date): Promise<Checkin | undefined> {
  const [row] = await db
    .select()
    .from(checkins)
    .where(and(eq(checkins.workspaceId, workspaceId), eq(checkins.accountId, accountId), lt(checkins.occurredAt, before)))
    .orderBy(desc(checkins.occurredAt))
    .limit(1);
  return row;
}

export async function logCheckin(
  db: Db,
  workspaceId: string,
  input: CheckinInput,
  now: Date,
): Promise<{ checkin: Checkin; previous: Checkin | undefined }> {
  const previous = await previousTouch(db, workspaceId, input.accountId, input.occurredAt);
  const [checkin] = await db
    .insert(checkins)
    .values({ ...input, workspaceId, createdAt: now })
    .returning();
  await recordAudit(db, workspaceId, {
    actorUserId: input.userId,
    at: now,
    entityType: 'checkin',
    entityId: checkin!.id,
    action: 'create',
    after: { accountId: input.accountId, type: input.type, occurredAt: input.occurredAt.toISOString(), sentiment: input.sentiment },
  });
  return { checkin: checkin!, previous };
}

export async function recentCheckins(db: Db, workspaceId: string, accountId: string, limit = 5): Promise<Checkin[]> {
  return db
    .select()
    .from(checkins)
    .where(and(eq(checkins.workspaceId, workspaceId), eq(checkins.accountId, accountId)))
    .orderBy(desc(checkins.occurredAt))
    .limit(limit);
}
