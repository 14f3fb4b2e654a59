// Who is asking, from the signed payload only: team and user ids come from the
// request Slack signed; display names come from users.info, cached, with the
// payload's user name as the fallback when Slack is slow.
import type { WebClient } from '@slack/web-api';
import { contextFor, type CommandContext } from '../../../commands/context.js';
import type { Db } from '../../../db/client.js';
import type { ChannelSharing } from './channel-sharing.js';

const NAME_TTL_MS = 60 * 60 * 1000;
const NAME_LOOKUP_BUDGET_MS = 700;

export interface SlackIdentity {
  teamId: string;
  teamName?: string;
  userId: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
}

/** A person as a Slack request names them, and the client that may look up their display name. */
export interface SlackPerson {
  identity: SlackIdentity;
  client?: WebClient;
}

export class DisplayNames {
  private readonly cache = new Map<string, { name: string; expires: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  async lookup(client: WebClient | undefined, teamId: string, userId: string, fallback: string | undefined): Promise<string> {
    const key = `${teamId}:${userId}`;
    const hit = this.cache.get(key);
    if (hit && hit.expires > this.clock()) return hit.name;
    if (!client) return fallback ?? userId;
    const lookup = client.users
      .info({ user: userId })
      .then((res) => {
        const profile = res.user?.profile;
        const name = profile?.display_name || profile?.real_name || res.user?.name || fallback || userId;
        this.cache.set(key, { name, expires: this.clock() + NAME_TTL_MS });
        return name;
      })
      .catch(() => fallback ?? userId);
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve(fallback ?? userId), NAME_LOOKUP_BUDGET_MS).unref());
    return Promise.race([lookup, timeout]);
  }
}

export async function slackContext(
  db: Db,
  who: SlackIdentity,
  deps: { client?: WebClient; names: DisplayNames; sharing?: ChannelSharing; timezone: string; currency?: string; now: Date },
): Promise<CommandContext> {
  const [userName, shared] = await Promise.all([
    deps.names.lookup(deps.client, who.teamId, who.userId, who.userName),
    deps.sharing?.lookup(deps.client, who.teamId, who.channelId),
  ]);
  return contextFor(
    db,
    {
      platform: 'slack',
      workspaceExternalId: who.teamId,
      workspaceName: who.teamName ?? who.teamId,
      defaultTimezone: deps.timezone,
      defaultCurrency: deps.currency,
      userId: who.userId,
      userName,
      // App Home and DMs have no channel: the user's own id stands in for it.
      channelId: who.channelId ?? who.userId,
      ...(who.channelName ? { channelName: who.channelName } : {}),
      ...(shared !== undefined ? { channelSharedExternally: shared } : {}),
    },
    deps.now,
  );
}
