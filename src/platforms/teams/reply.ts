// Every part of a Reply, delivered in Teams within the turn that asked: the update
// replaces the card a button was on, a form is a card, messages are cards in the
// conversation, files are signed download links (a bot cannot upload into a
// channel) and deliveries are proactive posts elsewhere. Teams has no ephemeral
// messages: a message meant for the asker alone (visibility 'ephemeral'), asked
// for in a channel or group chat, goes to their personal chat with the bot; in
// that chat it is answered in place. SDK types only: the lazy loader imports this
// without loading the SDK.
import type { CommandContext } from '../../../commands/context.js';
import type { Workspace } from '../../core/workspaces.js';
import type { Logger } from '../../log.js';
import { notice } from '../../messages/builders.js';
import type { Message, Reply } from '../../messages/message.js';
import { cardActivity, messageActivity } from './cards.js';
import type { TeamsDelivery } from './delivery.js';
import { downloadsActivity, type TeamsDownloads } from './downloads.js';
import { toFormCard } from './form-card.js';
import type { InboundActivity } from './inbound.js';

export type OutgoingActivity = ReturnType<typeof cardActivity>;

/** The conversation a turn came from, as the handlers answer in it. */
export interface TeamsTurn {
  activity: InboundActivity;
  /** Sends into the turn's conversation (a channel thread, a chat); resolves to the new message's id. */
  send(activity: OutgoingActivity): Promise<string | undefined>;
  /** Replaces a message the bot sent in the turn's conversation. */
  update(activityId: string, activity: OutgoingActivity): Promise<void>;
  /** Sends to the asker alone, in their personal chat with the bot (stored under `workspace`); false when Teams would not open one. */
  sendPrivately(activity: OutgoingActivity, workspace?: Workspace): Promise<boolean>;
  /** Our public origin as the Bot connector reached it (for download links). */
  origin?: string;
}

export interface TeamsReplyTarget {
  turn: TeamsTurn;
  /** Who asked, where: without it (they could not be identified) files and deliveries have no workspace to go to. */
  ctx?: CommandContext;
  /**
   * Where a private answer cannot reach the person: `notice` (a typed command) tells
   * the conversation so, without the answer; `drop` (a button press, such as a
   * customer answering a survey in a shared channel) leaves it at the log, since the
   * press already shows where it was made.
   */
  unreachable?: 'notice' | 'drop';
  /**
   * A form sent from the asker's personal chat that was opened in a channel: what the
   * channel should read (visibility 'channel') is posted there, as a new post.
   */
  publicTo?: string;
}

export type TeamsReplyDelivery = (reply: Reply, target: TeamsReplyTarget) => Promise<void>;

export interface TeamsReplyDeps {
  delivery: TeamsDelivery;
  logger: Logger;
  /** Exports arrive as signed download links. */
  downloads?: TeamsDownloads;
}

/** Replaces the card a button or submit came from; where Teams cannot (or there is none), posts it instead. */
export async function replaceCard(turn: TeamsTurn, activity: OutgoingActivity, logger: Logger): Promise<void> {
  const id = turn.activity.replyToId;
  if (id) {
    try {
      await turn.update(id, activity);
      return;
    } catch (err) {
      logger.warn({ err }, 'could not update the card in place; sending it again');
    }
  }
  await turn.send(activity);
}

/** A conversation more than the asker reads: a channel or a group chat (the emulator's chats are one-to-one). */
export function isShared(activity: InboundActivity): boolean {
  const type = activity.conversation.conversationType;
  return type === 'channel' || type === 'groupChat';
}

const NO_PRIVATE_CHAT =
  "I could not reach you in a private chat, and this answer is for you alone. Add Tenure for yourself (Apps → Tenure → Add), or open a chat with it, and run the command again there.";

export function teamsReplyDelivery(deps: TeamsReplyDeps): TeamsReplyDelivery {
  const { logger } = deps;

  interface Card {
    activity: OutgoingActivity;
    visibility: Message['visibility'];
    /** Where it cannot reach the person privately, the conversation is told so (a form, a typed command's answer). */
    sayIfUnreachable: boolean;
  }

  /** Cards in place, or the asker's own ones privately where others read the conversation. */
  const sendCards = async (turn: TeamsTurn, cards: Card[], target: Omit<TeamsReplyTarget, 'turn'>) => {
    const shared = isShared(turn.activity);
    const workspace = target.ctx?.workspace;
    let unreachable = false;
    for (const { activity, visibility, sayIfUnreachable } of cards) {
      if (visibility === 'channel' && target.publicTo && workspace) {
        await deps.delivery.postActivity(workspace, target.publicTo, activity);
        continue;
      }
      if (!shared || visibility === 'channel') {
        await turn.send(activity);
        continue;
      }
      if (unreachable) continue;
      if (!(await turn.sendPrivately(activity, workspace))) {
        // Said once, without the answer: it is not the conversation's to read.
        unreachable = true;
        if (sayIfUnreachable) await turn.send(messageActivity(notice(`⚠️ ${NO_PRIVATE_CHAT}`, { tone: 'error' })));
      }
    }
  };

  return async (reply, { turn, ...target }) => {
    const { ctx } = target;
    const told = (target.unreachable ?? 'notice') === 'notice';
    if (reply.update) await replaceCard(turn, messageActivity(reply.update), logger);
    const cards: Card[] = [];
    // A form is the asker's to fill in, like Slack's modal: in a channel it could show a
    // customer every account's name (its pick list), so it goes to the personal chat too.
    if (reply.form) cards.push({ activity: cardActivity(toFormCard(reply.form), reply.form.title), visibility: 'ephemeral', sayIfUnreachable: true });
    for (const m of reply.messages) cards.push({ activity: messageActivity(m), visibility: m.visibility, sayIfUnreachable: told });
    // A download link opens for anyone who has it: it goes where the export's answer goes, never to a customer's eyes.
    const downloads = ctx && reply.files?.length && deps.downloads ? downloadsActivity(turn.origin, deps.downloads, ctx.workspace.id, reply.files, ctx.now) : undefined;
    if (downloads) cards.push({ activity: downloads, visibility: 'ephemeral', sayIfUnreachable: told });
    await sendCards(turn, cards, target);
    if (!ctx) return;
    for (const delivery of reply.deliveries ?? []) {
      try {
        await deps.delivery.postToConversation(ctx.workspace, delivery.channelId, delivery.message);
      } catch (err) {
        logger.error({ err, workspaceId: ctx.workspace.id, channelId: delivery.channelId }, 'could not deliver a message to Teams');
      }
    }
  };
}
