// Every part of a Reply, delivered in Teams within the turn that asked: the update
// replaces the card a button was on, a form is a card, messages are cards in the
// conversation, files are signed download links (a bot cannot upload into a
// channel) and deliveries are proactive posts elsewhere. SDK types only: the lazy
// loader imports this without loading the SDK.
import type { TurnContext } from 'botbuilder';
import type { CommandContext } from '../../../commands/context.js';
import type { Logger } from '../../log.js';
import type { Reply } from '../../messages/message.js';
import { cardActivity, messageActivity } from './cards.js';
import type { TeamsDelivery } from './delivery.js';
import { downloadsActivity, type TeamsDownloads } from './downloads.js';
import { toFormCard } from './form-card.js';

export interface TeamsReplyTarget {
  turn: TurnContext;
  /** Who asked, where: without it (they could not be identified) files and deliveries have no workspace to go to. */
  ctx?: CommandContext;
}

export type TeamsReplyDelivery = (reply: Reply, target: TeamsReplyTarget) => Promise<void>;

export interface TeamsReplyDeps {
  delivery: TeamsDelivery;
  logger: Logger;
  /** Exports arrive as signed download links. */
  downloads?: TeamsDownloads;
}

/** Replaces the card a button or submit came from; where Teams cannot (or there is none), posts it instead. */
export async function replaceCard(turn: TurnContext, activity: ReturnType<typeof cardActivity>, logger: Logger): Promise<void> {
  const id = turn.activity.replyToId;
  if (id) {
    try {
      await turn.updateActivity({ ...activity, id });
      return;
    } catch (err) {
      logger.warn({ err }, 'could not update the card in place; sending it again');
    }
  }
  await turn.sendActivity(activity);
}

export function teamsReplyDelivery(deps: TeamsReplyDeps): TeamsReplyDelivery {
  const { logger } = deps;
  return async (reply, { turn, ctx }) => {
    if (reply.update) await replaceCard(turn, messageActivity(reply.update), logger);
    if (reply.form) await turn.sendActivity(cardActivity(toFormCard(reply.form), reply.form.title));
    for (const m of reply.messages) await turn.sendActivity(messageActivity(m));
    if (!ctx) return;
    if (reply.files?.length && deps.downloads) {
      const card = downloadsActivity(turn, deps.downloads, ctx.workspace.id, reply.files, ctx.now);
      if (card) await turn.sendActivity(card);
    }
    for (const delivery of reply.deliveries ?? []) {
      try {
        await deps.delivery.postToConversation(ctx.workspace, delivery.channelId, delivery.message);
      } catch (err) {
        logger.error({ err, workspaceId: ctx.workspace.id, channelId: delivery.channelId }, 'could not deliver a message to Teams');
      }
    }
  };
}
