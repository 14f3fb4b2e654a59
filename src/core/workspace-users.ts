// The people of a workspace as chat knows them (platform user id and name), by
// our user id: whom an account owner's reminder goes to and how an alert names them.
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema.js';

export interface ChatPerson {
  platformUserId: string;
  name: string;
}

export async function chatPeopleById(db: Db, workspaceId: string): Promise<Map<string, ChatPerson>> {
  const rows = await db.select({ id: users.id, platformUserId: users.platformUserId, name: users.displayName }).from(users).where(eq(users.workspaceId, workspaceId));
  return new Map(rows.map((r) => [r.id, { platformUserId: r.platformUserId, name: r.name }]));
}
