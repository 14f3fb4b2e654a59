// The audit entry an Undo takes back: the change of one record (`entityType`,
// `entityId`) by its action — at the moment the button names, else its only one
// (a creation) — with who made it, by name, for core/undo.ts's refusal.
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog, users } from '../../db/schema.js';

export interface AuditedChange {
  at: Date;
  action: string;
  actorUserId: string | null;
  actorName: string | null;
}

export async function auditedChange(db: Db, workspaceId: string, change: { entityType: string; entityId: string; actions: string[]; at?: Date }): Promise<AuditedChange | undefined> {
  const [entry] = await db
    .select({ at: auditLog.at, action: auditLog.action, actorUserId: auditLog.actorUserId, actorName: users.displayName })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(
      and(
        eq(auditLog.workspaceId, workspaceId),
        eq(auditLog.entityType, change.entityType),
        eq(auditLog.entityId, change.entityId),
        inArray(auditLog.action, change.actions),
        change.at ? eq(auditLog.at, change.at) : undefined,
      ),
    )
    .limit(1);
  return entry;
}
