// A channel's weekly digest schedule (day, time, zone, on or off): saving it, and
// the audit entry saying who changed which of those and from what.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { channelSettings } from '../../db/schema.js';
import type { Actor } from './accounts.js';
import { changedFields, recordAudit } from './audit.js';
import type { Weekday } from './digest.js';

/** What to change: fields left out keep their stored value (turning the digest off keeps its day and time). */
export interface DigestScheduleChange {
  digestEnabled: boolean;
  digestDay?: Weekday;
  digestTime?: string;
  timezone?: string;
  /** Who scheduled it: told privately should it be paused. */
  digestScheduledByUserId?: string | null;
  /** Cleared when it is scheduled again. */
  digestPausedAt?: Date | null;
}

/** A channel without settings yet: what its audit "before" says. */
const UNSET = { digestEnabled: false, digestDay: null, digestTime: null, timezone: null };

/**
 * Saves the channel's schedule and audits only the fields that changed (nothing
 * when none did). A stored row is locked while it is compared, so of two admins
 * saving at once the second sees the first one's values as "before".
 */
export async function setDigestSchedule(db: Db, workspaceId: string, channelId: string, change: DigestScheduleChange, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const [stored] = await tx
      .select({ digestEnabled: channelSettings.digestEnabled, digestDay: channelSettings.digestDay, digestTime: channelSettings.digestTime, timezone: channelSettings.timezone })
      .from(channelSettings)
      .where(and(eq(channelSettings.workspaceId, workspaceId), eq(channelSettings.channelId, channelId)))
      .for('update');
    await tx
      .insert(channelSettings)
      .values({ workspaceId, channelId, ...change, updatedAt: actor.now })
      .onConflictDoUpdate({
        target: [channelSettings.workspaceId, channelSettings.channelId],
        set: { ...change, updatedAt: sql`excluded.updated_at` },
      });
    const { digestScheduledByUserId: _by, digestPausedAt: _paused, ...audited } = change;
    const before = { ...UNSET, ...stored };
    const diff = changedFields(before, { ...before, ...audited });
    if (Object.keys(diff.after).length === 0) return;
    await recordAudit(tx, workspaceId, {
      actorUserId: actor.userId,
      actorLabel: actor.label,
      at: actor.now,
      entityType: 'channel',
      entityId: channelId,
      action: 'digest-schedule',
      ...diff,
    });
  });
}

/**
 * Stops a channel's digest because the channel became a customer channel (digests
 * name other customers). Returns who scheduled it, to be told; undefined when it
 * was not running (another replica paused it first).
 */
export async function pauseDigest(db: Db, workspaceId: string, channelId: string, now: Date): Promise<{ scheduledByUserId: string | null } | undefined> {
  const [paused] = await db
    .update(channelSettings)
    .set({ digestEnabled: false, digestPausedAt: now, updatedAt: now })
    .where(and(eq(channelSettings.workspaceId, workspaceId), eq(channelSettings.channelId, channelId), eq(channelSettings.digestEnabled, true)))
    .returning({ scheduledByUserId: channelSettings.digestScheduledByUserId });
  if (!paused) return undefined;
  await recordAudit(db, workspaceId, {
    actorUserId: null,
    actorLabel: 'weekly digest',
    at: now,
    entityType: 'channel',
    entityId: channelId,
    action: 'digest-paused',
    before: { digestEnabled: true },
    after: { digestEnabled: false, reason: 'customer channel' },
  });
  return paused;
}
