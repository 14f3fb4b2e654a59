// Channel-level settings: a channel's own time zone, the workspace's alert
// channel (where alerts go for accounts that have no channel of their own), and
// the channels that take the weekly digest.
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accountChannels, channelSettings } from '../../db/schema.js';
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
 * transaction: the old flag is cleared and the new one set together.
 */
export async function setAlertChannel(db: Db, workspaceId: string, channelId: string | null, actor: { userId: string | null; now: Date }): Promise<string | undefined> {
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
  await recordAudit(db, workspaceId, {
    actorUserId: actor.userId,
    at: actor.now,
    entityType: 'workspace',
    entityId: workspaceId,
    action: 'alert-channel',
    before: { channelId: previous ?? null },
    after: { channelId },
  });
  return previous;
}

/**
 * Where an account's alerts go: the channel linked to it first, else the
 * workspace's alert channel; undefined when there is neither.
 */
export async function alertDestination(db: Db, workspaceId: string, accountId: string): Promise<{ channelId: string; via: 'account' | 'alert-channel' } | undefined> {
  const [linked] = await db
    .select({ channelId: accountChannels.channelId })
    .from(accountChannels)
    .where(and(eq(accountChannels.workspaceId, workspaceId), eq(accountChannels.accountId, accountId)))
    .orderBy(asc(accountChannels.linkedAt), asc(accountChannels.channelId))
    .limit(1);
  if (linked) return { channelId: linked.channelId, via: 'account' };
  const fallback = await alertChannel(db, workspaceId);
  return fallback ? { channelId: fallback, via: 'alert-channel' } : undefined;
}

/** The channels of a workspace that asked for the weekly digest, with their day, time and zone. */
export async function digestChannels(db: Db, workspaceId: string): Promise<(typeof channelSettings.$inferSelect)[]> {
  return db
    .select()
    .from(channelSettings)
    .where(and(eq(channelSettings.workspaceId, workspaceId), eq(channelSettings.digestEnabled, true)));
}
