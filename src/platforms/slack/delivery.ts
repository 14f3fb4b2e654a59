// Scheduled posts into Slack (digests, alerts, survey closings and reminders):
// the workspace's own bot token, the no-double-post rule, and DeliveryNotSent
// whenever Slack provably took nothing, so the job may try again later.
import type { InstallationStore } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Workspace } from '../../core/workspaces.js';
import { DeliveryNotSent, type ChannelAudience, type ChannelDelivery, type Delivered } from '../../jobs/delivery.js';
import type { Logger } from '../../log.js';
import type { Message } from '../../messages/message.js';
import { toSlackMessage } from './blocks.js';
import { postOnce, provablyNotPosted, slackClientOptions } from './post.js';

export interface SlackDeliveryDeps {
  /** Single-workspace mode: the one bot client. */
  client?: WebClient;
  /** OAuth mode: where each workspace's bot token lives. */
  installationStore?: InstallationStore;
  apiUrl?: string;
  logger: Logger;
}

export class SlackDelivery implements ChannelDelivery, ChannelAudience {
  private readonly clients = new Map<string, WebClient>();

  constructor(private readonly deps: SlackDeliveryDeps) {}

  private async clientFor(workspace: Workspace): Promise<WebClient> {
    if (this.deps.client) return this.deps.client;
    const cached = this.clients.get(workspace.externalId);
    if (cached) return cached;
    const installation = await this.deps.installationStore!.fetchInstallation({ teamId: workspace.externalId, enterpriseId: undefined, isEnterpriseInstall: false });
    const token = installation.bot?.token;
    if (!token) throw new DeliveryNotSent(`no bot token for Slack team ${workspace.externalId}`);
    const client = new WebClient(token, slackClientOptions(this.deps.apiUrl));
    this.clients.set(workspace.externalId, client);
    return client;
  }

  private async send<T>(workspace: Workspace, call: (client: WebClient) => Promise<T>): Promise<T> {
    const client = await this.clientFor(workspace);
    try {
      return await postOnce(() => call(client), { logger: this.deps.logger });
    } catch (err) {
      if (provablyNotPosted(err) !== null) throw new DeliveryNotSent('Slack did not take the post', { cause: err });
      throw err;
    }
  }

  async post(workspace: Workspace, channelId: string, message: Message): Promise<Delivered> {
    const { text, blocks } = toSlackMessage(message);
    const res = await this.send(workspace, (client) => client.chat.postMessage({ channel: channelId, text, blocks: blocks as never }));
    return res.ts ? { ref: res.ts } : {};
  }

  async members(workspace: Workspace, channelId: string): Promise<string[] | null> {
    const client = await this.clientFor(workspace);
    const members: string[] = [];
    let cursor: string | undefined;
    try {
      do {
        const page = await client.conversations.members({ channel: channelId, limit: 500, ...(cursor ? { cursor } : {}) });
        members.push(...(page.members ?? []));
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
    } catch (err) {
      this.deps.logger.warn({ err, channelId }, 'could not read the channel members');
      return null;
    }
    return members;
  }

  async postPrivately(workspace: Workspace, channelId: string, userId: string, message: Message): Promise<void> {
    const { text, blocks } = toSlackMessage(message);
    await this.send(workspace, (client) => client.chat.postEphemeral({ channel: channelId, user: userId, text, blocks: blocks as never }));
  }
}
