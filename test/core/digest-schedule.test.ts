// setDigestSchedule on every engine: the row is created or changed in place, and
// the audit entry carries only what changed (none when nothing did).
import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { auditLog, channelSettings } from '../../db/schema.js';
import { setDigestSchedule } from '../../src/core/digest-schedule.js';
import { ENGINES, onDatabase } from '../helpers/engines.js';
import { newContext } from '../helpers/context.js';

const NOW = new Date('2026-11-23T10:00:00Z');

describe.each(ENGINES)('setDigestSchedule on $name', (engine) => {
  let database: Database;
  onDatabase(engine, (opened) => (database = opened));

  it('saves the schedule, keeps day and time when turned off, and audits only the fields that changed', async () => {
    const ctx = await newContext(database.db, { now: NOW });
    const ws = ctx.workspace.id;
    const actor = { userId: ctx.user.id, now: NOW };
    await setDigestSchedule(database.db, ws, 'cs-team', { digestEnabled: true, digestDay: 'mon', digestTime: '09:00', timezone: 'Europe/Berlin' }, actor);
    await setDigestSchedule(database.db, ws, 'cs-team', { digestEnabled: true, digestDay: 'mon', digestTime: '09:00' }, actor);
    const later = new Date(NOW.getTime() + 60_000);
    await setDigestSchedule(database.db, ws, 'cs-team', { digestEnabled: false }, { userId: ctx.user.id, now: later });

    const [row] = await database.db.select().from(channelSettings).where(and(eq(channelSettings.workspaceId, ws), eq(channelSettings.channelId, 'cs-team')));
    expect(row).toMatchObject({ digestEnabled: false, digestDay: 'mon', digestTime: '09:00', timezone: 'Europe/Berlin', updatedAt: later });
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.workspaceId, ws)).orderBy(asc(auditLog.at));
    expect(audit.map((a) => ({ entityType: a.entityType, entityId: a.entityId, action: a.action, actorUserId: a.actorUserId, before: a.before, after: a.after }))).toEqual([
      {
        entityType: 'channel',
        entityId: 'cs-team',
        action: 'digest-schedule',
        actorUserId: ctx.user.id,
        before: { digestEnabled: false, digestDay: null, digestTime: null, timezone: null },
        after: { digestEnabled: true, digestDay: 'mon', digestTime: '09:00', timezone: 'Europe/Berlin' },
      },
      { entityType: 'channel', entityId: 'cs-team', action: 'digest-schedule', actorUserId: ctx.user.id, before: { digestEnabled: true }, after: { digestEnabled: false } },
    ]);
  });
});
