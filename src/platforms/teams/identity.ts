// Who is asking, and where, from a Bot Framework activity: the tenant is the
// workspace, the person is their Entra object id (from.aadObjectId; the emulator
// has none, so its from.id stands in), and the conversation id without Teams'
// `;messageid=` thread suffix is the channel every command and job sees.
import type { Activity } from 'botbuilder';
import { contextFor, type CommandContext } from '../../../commands/context.js';
import type { Db } from '../../../db/client.js';

/** Where activities without a tenant (Bot Framework Emulator) live in local mode. */
export const EMULATOR_TENANT = 'emulator';

/** `19:abc@thread.tacv2;messageid=1700000000000` → `19:abc@thread.tacv2`: posts go to the channel, not a thread. */
export function baseConversationId(conversationId: string): string {
  const cut = conversationId.indexOf(';messageid=');
  return cut === -1 ? conversationId : conversationId.slice(0, cut);
}

interface TeamsChannelData {
  tenant?: { id?: string };
  team?: { id?: string; name?: string };
  channel?: { id?: string; name?: string };
}

export function channelDataOf(activity: Partial<Activity>): TeamsChannelData {
  const data = activity.channelData as unknown;
  return data && typeof data === 'object' ? (data as TeamsChannelData) : {};
}

/** The activity's tenant; undefined when it carries none (the emulator). */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  return activity.conversation?.tenantId || channelDataOf(activity).tenant?.id || undefined;
}

export interface TeamsIdentity {
  tenantId: string;
  teamName?: string;
  userId: string;
  userName: string;
  conversationId: string;
  conversationName?: string;
}

export function identityOf(activity: Partial<Activity>, fallbackTenant: string): TeamsIdentity {
  const data = channelDataOf(activity);
  const from = activity.from;
  const userId = from?.aadObjectId || from?.id || 'unknown';
  const name = data.channel?.name ?? activity.conversation?.name;
  return {
    tenantId: tenantOf(activity) ?? fallbackTenant,
    ...(data.team?.name ? { teamName: data.team.name } : {}),
    userId,
    userName: from?.name?.trim() || userId,
    conversationId: baseConversationId(activity.conversation?.id ?? userId),
    ...(name ? { conversationName: name } : {}),
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
    },
    deps.now,
  );
}

/**
 * The command typed, as the registry reads it. Teams AI has already removed the
 * bot's own <at> mention; other mentions keep their display name, and Teams'
 * HTML entities and non-breaking spaces become plain text.
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
