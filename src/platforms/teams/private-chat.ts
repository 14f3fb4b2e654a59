// Teams has no ephemeral messages: what Slack shows one person inside a channel,
// Teams gets in that person's personal chat with the bot. This opens it (the Bot
// connector's create-conversation, as Microsoft documents for proactive 1:1
// messages; it works where the app is installed for the person or their team) or
// reuses the one stored, and posts there. It also lists a channel's members from the
// connector (no Graph), so a survey can remind those who have not answered: the
// ChannelAudience of Teams.
import type { Workspace } from '../../core/workspaces.js';
import type { ChannelAudience } from '../../jobs/delivery.js';
import type { Logger } from '../../log.js';
import type { Message } from '../../messages/message.js';
import { messageActivity } from './cards.js';
import type { ConnectorFor, ProactiveDelivery } from './delivery.js';
import type { ActivityAccount } from './inbound.js';
import type { ConversationReferences, StoredReference } from './references.js';
import type { OutgoingActivity } from './reply.js';

/** Where the bot meets the person: the conversation's serviceUrl, tenant and the bot's own account. */
export interface MeetingPlace {
  serviceUrl: string;
  tenantId?: string;
  bot: ActivityAccount;
  channelId?: string;
  /** A conversation the person is in (to look up their Teams id from their Entra object id). */
  conversationId: string;
}

export interface PrivateChatDeps {
  connector: ConnectorFor;
  references: ConversationReferences;
  delivery: ProactiveDelivery;
  logger: Logger;
}

export class PrivateChats implements ChannelAudience {
  constructor(private readonly deps: PrivateChatDeps) {}

  /**
   * Posts `message` to `person` alone. `workspace` (when known) is where their chat
   * is stored and found again. False when Teams would not open the chat (the app
   * is not installed for them): the caller says so without the message.
   */
  send(workspace: Workspace | undefined, person: Partial<ActivityAccount>, place: MeetingPlace, message: Message): Promise<boolean> {
    return this.sendActivity(workspace, person, place, messageActivity(message));
  }

  /** As send, for a message already rendered. */
  async sendActivity(workspace: Workspace | undefined, person: Partial<ActivityAccount>, place: MeetingPlace, activity: OutgoingActivity): Promise<boolean> {
    const personId = person.aadObjectId ?? person.id;
    try {
      if (workspace && personId) {
        const stored = await this.deps.references.find(workspace.id, personId);
        if (stored?.active && stored.scope === 'personal') {
          const result = await this.deps.delivery.postActivity(workspace, stored.conversationId, activity);
          if (result.status === 'delivered') return true;
        }
      }
      const api = this.deps.connector(place.serviceUrl);
      const key = `${workspace?.id ?? '-'}|private|${personId}`;
      const member = person.id ? { id: person.id, ...(person.name ? { name: person.name } : {}) } : await this.memberById(place, personId!);
      const opened = await this.deps.delivery.retrying(key, () =>
        api.conversations.create({
          isGroup: false,
          bot: { id: place.bot.id },
          members: [{ id: member.id } as never],
          ...(place.tenantId ? { tenantId: place.tenantId, channelData: { tenant: { id: place.tenantId } } } : {}),
        }),
      );
      const reference: StoredReference = {
        serviceUrl: place.serviceUrl,
        channelId: place.channelId ?? 'msteams',
        bot: place.bot,
        user: { id: member.id, ...(person.aadObjectId ? { aadObjectId: person.aadObjectId } : {}), ...(person.name ? { name: person.name } : {}) },
        conversation: { id: opened.id, conversationType: 'personal', ...(place.tenantId ? { tenantId: place.tenantId } : {}) },
      };
      if (workspace) await this.deps.references.store(workspace.id, 'personal', reference, { force: true });
      await this.deps.delivery.retrying(`${workspace?.id ?? '-'}|${opened.id}`, () =>
        api.conversations.activities(opened.id).create({ ...activity, from: place.bot } as never),
      );
      return true;
    } catch (err) {
      this.deps.logger.warn({ err, workspaceId: workspace?.id, person: personId }, 'could not reach a person in a private Teams chat');
      return false;
    }
  }

  /** ChannelAudience: the Entra object ids of a stored conversation's members, from the Bot connector; null when it cannot be asked. */
  async members(workspace: Workspace, channelId: string): Promise<string[] | null> {
    const place = await this.placeOf(workspace, channelId);
    if (!place) return null;
    try {
      const api = this.deps.connector(place.serviceUrl);
      const ids: string[] = [];
      let continuationToken: string | undefined;
      do {
        const page = await this.deps.delivery.retrying(`${workspace.id}|members|${channelId}`, () => api.conversations.members(place.conversationId).getPaged(500, continuationToken));
        for (const m of page.members ?? []) {
          const id = (m as { aadObjectId?: string; objectId?: string }).aadObjectId ?? (m as { objectId?: string }).objectId;
          if (id) ids.push(id);
        }
        continuationToken = page.continuationToken || undefined;
      } while (continuationToken);
      return ids;
    } catch (err) {
      this.deps.logger.warn({ err, workspaceId: workspace.id, channelId }, 'could not list the members of a Teams conversation');
      return null;
    }
  }

  /** ChannelAudience: a survey reminder in the member's personal chat (Teams has no message only one person sees in a channel). */
  async postPrivately(workspace: Workspace, channelId: string, userId: string, message: Message): Promise<void> {
    const place = await this.placeOf(workspace, channelId);
    if (!place) throw new Error(`no Teams conversation reference stored for ${channelId}`);
    if (!(await this.send(workspace, { aadObjectId: userId }, place, message))) throw new Error(`Teams would not open a private chat with ${userId}`);
  }

  /**
   * An alert for a person (an account's owner) from a job, which has no conversation of
   * its own: their stored personal chat, else one opened through a team conversation
   * of the workspace they are in. False when there is none to meet them through.
   */
  async postToPerson(workspace: Workspace, personId: string, message: Message): Promise<boolean> {
    const row = await this.deps.references.anyTeamConversation(workspace.id);
    const place = row ? await this.placeOf(workspace, row.conversationId) : undefined;
    if (!place) return false;
    return this.send(workspace, { aadObjectId: personId }, place, message);
  }

  /** Whether the connector lists `personId` (a Teams id) among the members of a stored conversation. */
  async isMember(workspace: Workspace, conversationId: string, personId: string): Promise<boolean> {
    const place = await this.placeOf(workspace, conversationId);
    if (!place) return false;
    try {
      await this.deps.connector(place.serviceUrl).conversations.members(place.conversationId).getById(personId);
      return true;
    } catch (err) {
      this.deps.logger.info({ err, workspaceId: workspace.id, conversationId }, 'not a member of the conversation a form came from');
      return false;
    }
  }

  private async placeOf(workspace: Workspace, channelId: string): Promise<MeetingPlace | undefined> {
    const row = await this.deps.references.find(workspace.id, channelId);
    const ref = row?.reference;
    if (!row?.active || !ref?.serviceUrl || !ref.bot || !ref.conversation?.id) return undefined;
    const tenantId = ref.conversation.tenantId;
    return { serviceUrl: ref.serviceUrl, bot: ref.bot, conversationId: ref.conversation.id, ...(tenantId ? { tenantId } : {}), ...(ref.channelId ? { channelId: ref.channelId } : {}) };
  }

  /** The person's Teams account from their Entra object id (the connector takes either). */
  private async memberById(place: MeetingPlace, id: string): Promise<ActivityAccount> {
    const member = await this.deps.connector(place.serviceUrl).conversations.members(place.conversationId).getById(id);
    return { id: member.id, ...(member.name ? { name: member.name } : {}) };
  }
}
