// Taking back a /digest schedule or /digest off: the channel's schedule goes back to
// what the change's audit entry says it was, for the person who changed it, for a day,
// while the schedule is still as they left it. Saved through setDigestSchedule, so it
// is audited as any change of the schedule.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog, channelSettings, users } from '../../db/schema.js';
import type { Weekday } from './digest.js';
import { setDigestSchedule, type DigestScheduleChange } from './digest-schedule.js';
import { UserError } from './errors.js';
import { undoRefusal, type UndoActor } from './undo.js';

type Schedule = { digestEnabled?: boolean; digestDay?: Weekday | null; digestTime?: string | null; timezone?: string | null };

export async function undoDigestSchedule(db: Db, workspaceId: string, target: { channelId: string; at: Date }, actor: UndoActor): Promise<Schedule> {
  const [entry] = await db
    .select({ before: auditLog.before, after: auditLog.after, actorUserId: auditLog.actorUserId, actorName: users.displayName })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.entityType, 'channel'), eq(auditLog.entityId, target.channelId), eq(auditLog.action, 'digest-schedule'), eq(auditLog.at, target.at)));
  if (!entry?.before || !entry.after) throw new UserError('That change of the digest schedule is not in the audit log (nothing changed then), so there is nothing to undo.', { hint: 'See the schedule with /digest schedule; set it with /digest schedule <day> <time>, or /digest off.' });
  const refusal = undoRefusal({ what: 'That change of the digest schedule', madeBy: entry.actorUserId, madeByName: entry.actorName, at: target.at }, actor, 'Set it again with /digest schedule <day> <time>, or /digest off.');
  if (refusal) throw refusal;
  const [current] = await db
    .select({ digestEnabled: channelSettings.digestEnabled, digestDay: channelSettings.digestDay, digestTime: channelSettings.digestTime, timezone: channelSettings.timezone })
    .from(channelSettings)
    .where(and(eq(channelSettings.workspaceId, workspaceId), eq(channelSettings.channelId, target.channelId)));
  const after = entry.after as Schedule;
  const now = (current ?? {}) as Record<string, unknown>;
  if (Object.entries(after).some(([k, v]) => JSON.stringify(now[k] ?? null) !== JSON.stringify(v ?? null))) {
    throw new UserError('The digest schedule has changed since, so undoing that change would overwrite the newer one.', { hint: 'Set it with /digest schedule <day> <time>, or /digest off.' });
  }
  const before = entry.before as Schedule;
  const change: DigestScheduleChange = {
    digestEnabled: before.digestEnabled ?? current?.digestEnabled ?? false,
    ...('digestDay' in before && before.digestDay ? { digestDay: before.digestDay } : {}),
    ...('digestTime' in before && before.digestTime ? { digestTime: before.digestTime } : {}),
    ...('timezone' in before && before.timezone ? { timezone: before.timezone } : {}),
  };
  await setDigestSchedule(db, workspaceId, target.channelId, change, { userId: actor.userId, now: actor.now });
  return { ...current, ...change };
}
