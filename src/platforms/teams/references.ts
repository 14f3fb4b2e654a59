// Conversation references (the conversation_refs table): what the bot needs to post
// into a Teams channel, group chat or personal chat later, without being asked —
// digests, alerts. Stored when the bot is installed or spoken to, marked inactive
// when it is removed or Teams answers 403. Channel references are stored under the
// conversation id without `;messageid=`, so posts start a new thread.
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { conversationRefs } from '../../../db/schema.js';
import { baseConversationId, channelDataOf } from './identity.js';

export type ConversationScope = (typeof conversationRefs.$inferSelect)['scope'];

/** A stored reference: botbuilder's, plus the team it belongs to so removing the bot from a team reaches every channel. */
export type StoredReference = Partial<ConversationReference> & { teamId?: string };

export interface ConversationRow {
  workspaceId: string;
  conversationId: string;
  scope: ConversationScope;
  reference: StoredReference;
  active: boolean;
}

export function scopeOf(activity: Partial<Activity>): ConversationScope {
  const type = activity.conversation?.conversationType;
  if (type === 'personal' || type === 'groupChat') return type;
  if (type === 'channel') {
    const teamId = channelDataOf(activity).team?.id;
    return teamId && baseConversationId(activity.conversation?.id ?? '') === teamId ? 'team' : 'channel';
  }
  // The emulator sends no conversation type: a one-to-one chat.
  return 'personal';
}

/** The reference to store for an activity's conversation: no thread, no activity to reply to. */
export function referenceOf(activity: Partial<Activity>): StoredReference {
  const { activityId: _reply, ...reference } = TurnContext.getConversationReference(activity);
  const conversation = reference.conversation ? { ...reference.conversation, id: baseConversationId(reference.conversation.id) } : reference.conversation;
  const teamId = channelDataOf(activity).team?.id;
  return { ...reference, ...(conversation ? { conversation } : {}), ...(teamId ? { teamId } : {}) };
}

/** Conversations already known active by this process, so a busy chat does not write on every message. */
const FRESH_MS = 10 * 60 * 1000;

export class ConversationReferences {
  private readonly fresh = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Stores (or re-activates) the activity's conversation. `force` skips the freshness cache (installs). */
  async remember(workspaceId: string, activity: Partial<Activity>, options: { force?: boolean } = {}): Promise<void> {
    const reference = referenceOf(activity);
    const conversationId = reference.conversation?.id;
    if (!conversationId || !reference.serviceUrl) return;
    const key = `${workspaceId}|${conversationId}|${reference.serviceUrl}`;
    const seen = this.fresh.get(key);
    if (!options.force && seen !== undefined && this.clock() - seen < FRESH_MS) return;
    const row = { workspaceId, platform: 'teams' as const, conversationId, scope: scopeOf(activity), reference: reference as Record<string, unknown>, active: true };
    await this.db
      .insert(conversationRefs)
      .values(row)
      .onConflictDoUpdate({
        target: [conversationRefs.workspaceId, conversationRefs.platform, conversationRefs.conversationId],
        set: { scope: row.scope, reference: row.reference, active: true, updatedAt: sql`now()` },
      });
    this.fresh.set(key, this.clock());
  }

  /** The bot left the conversation, or Teams refused a post with 403. */
  async deactivate(workspaceId: string, conversationId: string): Promise<void> {
    this.forget(workspaceId, (key) => key.startsWith(`${workspaceId}|${conversationId}|`));
    await this.db
      .update(conversationRefs)
      .set({ active: false, updatedAt: sql`now()` })
      .where(and(eq(conversationRefs.workspaceId, workspaceId), eq(conversationRefs.platform, 'teams'), eq(conversationRefs.conversationId, conversationId)));
  }

  /** The bot was removed from a team: every channel of it is out of reach. */
  async deactivateTeam(workspaceId: string, teamId: string): Promise<void> {
    this.forget(workspaceId, () => true);
    await this.db
      .update(conversationRefs)
      .set({ active: false, updatedAt: sql`now()` })
      .where(
        and(
          eq(conversationRefs.workspaceId, workspaceId),
          eq(conversationRefs.platform, 'teams'),
          sql`(${conversationRefs.conversationId} = ${teamId} or ${conversationRefs.reference}->>'teamId' = ${teamId})`,
        ),
      );
  }

  /** A conversation by id; for a person's id (an Entra object id), their personal chat with the bot. */
  async find(workspaceId: string, conversationOrUserId: string): Promise<ConversationRow | undefined> {
    const base = and(eq(conversationRefs.workspaceId, workspaceId), eq(conversationRefs.platform, 'teams'));
    const [direct] = await this.db.select().from(conversationRefs).where(and(base, eq(conversationRefs.conversationId, conversationOrUserId)));
    if (direct) return direct as ConversationRow;
    const [personal] = await this.db
      .select()
      .from(conversationRefs)
      .where(
        and(
          base,
          eq(conversationRefs.scope, 'personal'),
          sql`(${conversationRefs.reference}->'user'->>'aadObjectId' = ${conversationOrUserId} or ${conversationRefs.reference}->'user'->>'id' = ${conversationOrUserId})`,
        ),
      )
      .orderBy(sql`${conversationRefs.active} desc, ${conversationRefs.updatedAt} desc`)
      .limit(1);
    return personal as ConversationRow | undefined;
  }

  private forget(workspaceId: string, match: (key: string) => boolean): void {
    for (const key of this.fresh.keys()) if (key.startsWith(`${workspaceId}|`) && match(key)) this.fresh.delete(key);
  }
}
