// Channel-level settings: a channel's own time zone, the workspace's alert
// channel (where alerts go for accounts that have no channel of their own), and
// the channels that take the weekly digest.
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { channelSettings, workspaces } from '../../db/schema.js';
import { recordAudit } from './audit.js';

/** The zone times are shown in for a channel: its own if set, else the workspace's. */
export async function channelTimezone(db: Db, workspaceId: string, channelId: string, workspaceTimezone: string): Promise<string> {
  const [row] = await db
    .select({ timezone: channelSettings.timezone })
    .from(channelSettings)
    .where(and(eq(channelSettings.workspaceId, workspaceId), eq(channelSettings.channelId, channelId)));
  return row?.timezone ?? workspaceTimezone;
}

/** The workspace's alert channel, if one is set. */
export async function alertChannel(db: Db, workspaceId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ channelId: channelSettings.channelId })
    .from(channelSettings)
    .where(and(eq(channelSettings.workspaceId, workspaceId), eq(channelSettings.isAlertChannel, true)))
    .orderBy(asc(channelSettings.updatedAt))
    .limit(1);
  return row?.channelId;
}

/**
 * Makes `channelId` the workspace's one alert channel (null: none). Run it in a
 * transaction: the old flag is cleared and the new one set together, under the
 * workspace row's lock, so two changes at once (or a change and its Undo) take turns
 * and each records the channel it really replaced. Returns the
 * channel before and the audit entry's id (an Undo button names it); `auditAction` is
 * 'undo-alert-channel' when the change takes back an earlier one.
 */
export async function setAlertChannel(
  db: Db,
  workspaceId: string,
  channelId: string | null,
  actor: { userId: string | null; now: Date },
  auditAction: 'alert-channel' | 'undo-alert-channel' = 'alert-channel',
): Promise<{ previous: string | undefined; auditId: string }> {
  await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, workspaceId)).for('update');
  const previous = await alertChannel(db, workspaceId);
  await db
    .update(channelSettings)
    .set({ isAlertChannel: false, updatedAt: actor.now })
    .where(and(eq(channelSettings.workspaceId, workspaceId), eq(channelSettings.isAlertChannel, true)));
  if (channelId !== null) {
    await db
      .insert(channelSettings)
      .values({ workspaceId, channelId, isAlertChannel: true, updatedAt: actor.now })
      .onConflictDoUpdate({ target: [channelSettings.workspaceId, channelSettings.channelId], set: { isAlertChannel: true, updatedAt: actor.now } });
  }
  const auditId = await recordAudit(db, workspaceId, {
    actorUserId: actor.userId,
    at: actor.now,
    entityType: 'workspace',
    entityId: workspaceId,
    action: auditAction,
    before: { channelId: previous ?? null },
    after: { channelId },
  });
  return { previous, auditId };
}

/** The channels of a workspace that asked for the weekly digest, with their day, time and zone. */
export async function digestChannels(db: Db, workspaceId: string): Promise<(typeof channelSettings.$inferSelect)[]> {
  return db
    .select()
    .from(channelSettings)
    .where(and(eq(channelSettings.workspaceId, workspaceId), eq(channelSettings.digestEnabled, true)));
}
