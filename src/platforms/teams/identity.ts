// Who is asking, and where, from a Bot Framework activity: the tenant is the
// workspace, the person is their Entra object id (from.aadObjectId; the emulator
// has none, so its from.id stands in), and the conversation id without Teams'
// `;messageid=` thread suffix is the channel every command and job sees.
import { contextFor, type CommandContext } from '../../../commands/context.js';
import type { Db } from '../../../db/client.js';
import type { InboundActivity, TeamsChannelData } from './inbound.js';

/** Where activities without a tenant (an emulator: Agents Playground, Bot Framework Emulator) live in local mode. */
export const EMULATOR_TENANT = 'emulator';

/** `19:abc@thread.tacv2;messageid=1700000000000` → `19:abc@thread.tacv2`: posts go to the channel, not a thread. */
export function baseConversationId(conversationId: string): string {
  const cut = conversationId.indexOf(';messageid=');
  return cut === -1 ? conversationId : conversationId.slice(0, cut);
}

export function channelDataOf(activity: Partial<InboundActivity>): TeamsChannelData {
  const data = activity.channelData as unknown;
  return data && typeof data === 'object' ? (data as TeamsChannelData) : {};
}

/** The activity's tenant; undefined when it carries none (the emulator). */
export function tenantOf(activity: Partial<InboundActivity>): string | undefined {
  return activity.conversation?.tenantId || channelDataOf(activity).tenant?.id || undefined;
}

export interface TeamsIdentity {
  tenantId: string;
  teamName?: string;
  userId: string;
  userName: string;
  conversationId: string;
  conversationName?: string;
  /** Teams' word on whether people of another organisation read the conversation (see sharedExternallyOf). */
  sharedExternally?: boolean;
}

/**
 * What the activity tells about who reads the conversation: a shared channel
 * (channelData.channel.type 'shared', Teams Connect: shared across teams and
 * organisations) counts as shared. Anything else is left unknown: a standard or
 * private channel, a group chat and even a personal chat may hold guests of
 * another organisation, and the activity does not say so.
 */
export function sharedExternallyOf(activity: Partial<InboundActivity>): true | undefined {
  return activity.conversation?.conversationType === 'channel' && channelDataOf(activity).channel?.type === 'shared' ? true : undefined;
}

export function identityOf(activity: Partial<InboundActivity>, fallbackTenant: string): TeamsIdentity {
  const data = channelDataOf(activity);
  const from = activity.from;
  const userId = from?.aadObjectId || from?.id || 'unknown';
  const name = data.channel?.name ?? activity.conversation?.name;
  const shared = sharedExternallyOf(activity);
  return {
    tenantId: tenantOf(activity) ?? fallbackTenant,
    ...(data.team?.name ? { teamName: data.team.name } : {}),
    userId,
    userName: from?.name?.trim() || userId,
    conversationId: baseConversationId(activity.conversation?.id ?? userId),
    ...(name ? { conversationName: name } : {}),
    ...(shared !== undefined ? { sharedExternally: shared } : {}),
  };
}

export function teamsContext(db: Db, who: TeamsIdentity, deps: { timezone: string; currency?: string; now: Date }): Promise<CommandContext> {
  return contextFor(
    db,
    {
      platform: 'teams',
      workspaceExternalId: who.tenantId,
      workspaceName: who.teamName ?? (who.tenantId === EMULATOR_TENANT ? 'Bot Framework Emulator' : 'Microsoft Teams'),
      defaultTimezone: deps.timezone,
      defaultCurrency: deps.currency,
      userId: who.userId,
      userName: who.userName,
      channelId: who.conversationId,
      ...(who.conversationName ? { channelName: who.conversationName } : {}),
      ...(who.sharedExternally !== undefined ? { channelSharedExternally: who.sharedExternally } : {}),
    },
    deps.now,
  );
}

/**
 * The command typed, as the registry reads it. mentions.ts has already removed the
 * bot's own <at> mention and written people's as `<@id|name>`; what <at> markup is
 * left (a tag or channel mention) keeps its display name, and Teams' HTML entities
 * and non-breaking spaces become plain text.
 */
export function commandText(text: string | undefined): string {
  return (text ?? '')
    .replace(/<\/?at>/g, '')
    .replace(/&nbsp;|\u00a0/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}
