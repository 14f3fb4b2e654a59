// Conversation references (the conversation_refs table): what the bot needs to post
// into a Teams channel, group chat or personal chat later, without being asked —
// digests, alerts. Stored when the bot is installed or spoken to, marked inactive
// when it is removed or Teams answers 403. Channel references are stored under the
// conversation id without `;messageid=`, so posts start a new thread.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { conversationRefs } from '../../../db/schema.js';
import { baseConversationId, channelDataOf, tenantOf } from './identity.js';
import type { ActivityAccount, InboundActivity } from './inbound.js';

type Activity = InboundActivity;

export type ConversationScope = (typeof conversationRefs.$inferSelect)['scope'];

/**
 * A stored reference: the Bot Framework's conversation reference (the shape
 * botbuilder stored too, so rows written before read the same), plus the team it
 * belongs to so removing the bot from a team reaches every channel, and the tenant
 * a private chat with one of its people is opened in.
 */
export interface StoredReference {
  serviceUrl?: string;
  channelId?: string;
  locale?: string;
  bot?: ActivityAccount;
  user?: ActivityAccount;
  conversation?: ActivityAccount & { conversationType?: string; tenantId?: string; isGroup?: boolean };
  teamId?: string;
}

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
  const teamId = channelDataOf(activity).team?.id;
  const tenantId = tenantOf(activity);
  const conversation = activity.conversation
    ? { ...activity.conversation, id: baseConversationId(activity.conversation.id), ...(tenantId ? { tenantId } : {}) }
    : undefined;
  return {
    ...(activity.serviceUrl ? { serviceUrl: activity.serviceUrl } : {}),
    ...(activity.channelId ? { channelId: activity.channelId } : {}),
    ...(activity.locale ? { locale: activity.locale } : {}),
    ...(activity.recipient ? { bot: activity.recipient } : {}),
    ...(activity.from ? { user: activity.from } : {}),
    ...(conversation ? { conversation } : {}),
    ...(teamId ? { teamId } : {}),
  };
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
    await this.store(workspaceId, scopeOf(activity), referenceOf(activity), options);
  }

  /** Stores a conversation the bot opened itself (a personal chat for a private answer). */
  async store(workspaceId: string, scope: ConversationScope, reference: StoredReference, options: { force?: boolean } = {}): Promise<void> {
    const conversationId = reference.conversation?.id;
    if (!conversationId || !reference.serviceUrl) return;
    const key = `${workspaceId}|${conversationId}|${reference.serviceUrl}`;
    const seen = this.fresh.get(key);
    if (!options.force && seen !== undefined && this.clock() - seen < FRESH_MS) return;
    const row = { workspaceId, platform: 'teams' as const, conversationId, scope, reference: reference as Record<string, unknown>, active: true };
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

  /**
   * A team conversation of the workspace the bot is still in (a channel, else a group
   * chat), most recent first: where the bot can meet a person it has never talked to.
   */
  async anyTeamConversation(workspaceId: string): Promise<ConversationRow | undefined> {
    const [row] = await this.db
      .select()
      .from(conversationRefs)
      .where(and(eq(conversationRefs.workspaceId, workspaceId), eq(conversationRefs.platform, 'teams'), eq(conversationRefs.active, true), sql`${conversationRefs.scope} <> 'personal'`))
      .orderBy(sql`case when ${conversationRefs.scope} = 'channel' then 0 else 1 end`, sql`${conversationRefs.updatedAt} desc`)
      .limit(1);
    return row as ConversationRow | undefined;
  }

  private forget(workspaceId: string, match: (key: string) => boolean): void {
    for (const key of this.fresh.keys()) if (key.startsWith(`${workspaceId}|`) && match(key)) this.fresh.delete(key);
  }
}
