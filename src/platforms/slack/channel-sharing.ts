// Whether a Slack channel is shared with another organisation (Slack Connect), from
// conversations.info: such a channel is a customer channel whatever it was linked
// as (core/channel-kinds.ts). Cached per channel, and asked within a budget so a
// slow Slack never delays an answer past its ack: unknown then, and the stored
// word from an earlier request stands.
import type { WebClient } from '@slack/web-api';

const SHARING_TTL_MS = 10 * 60 * 1000;
const SHARING_LOOKUP_BUDGET_MS = 700;

/** What conversations.info says about a channel's sharing (the fields Tenure reads). */
export interface SlackChannelSharing {
  is_ext_shared?: boolean;
  is_pending_ext_shared?: boolean;
  is_shared?: boolean;
  is_org_shared?: boolean;
}

/**
 * Shared with another organisation: externally shared or about to be (an invitation
 * out), or shared and not merely across an Enterprise Grid's own workspaces.
 */
export function sharedWithAnotherOrganisation(channel: SlackChannelSharing): boolean {
  return channel.is_ext_shared === true || channel.is_pending_ext_shared === true || (channel.is_shared === true && channel.is_org_shared !== true);
}

/** Channels only: a DM (D…) or a user's own id (App Home) is never shared. */
const isChannelId = (id: string) => /^[CG][A-Z0-9]+$/.test(id);

export class ChannelSharing {
  private readonly cache = new Map<string, { shared: boolean; expires: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** The platform said the channel's sharing changed: ask again next time. */
  forget(teamId: string, channelId: string): void {
    this.cache.delete(`${teamId}:${channelId}`);
  }

  async lookup(client: WebClient | undefined, teamId: string, channelId: string | undefined): Promise<boolean | undefined> {
    if (!client || !channelId || !isChannelId(channelId)) return undefined;
    const key = `${teamId}:${channelId}`;
    const hit = this.cache.get(key);
    if (hit && hit.expires > this.clock()) return hit.shared;
    const lookup = client.conversations
      .info({ channel: channelId })
      .then((res) => {
        if (!res.channel) return undefined;
        const shared = sharedWithAnotherOrganisation(res.channel as SlackChannelSharing);
        this.cache.set(key, { shared, expires: this.clock() + SHARING_TTL_MS });
        return shared;
      })
      // Not in the channel, no scope, Slack away: unknown, not "not shared".
      .catch(() => undefined);
    const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), SHARING_LOOKUP_BUDGET_MS).unref());
    return Promise.race([lookup, timeout]);
  }
}
