// Every part of a Reply, delivered in Slack the way the request it answers allows:
// a form opens as a modal, the pressed message is replaced by its update, messages
// answer the person where they asked, files are uploaded into the channel and
// deliveries are posted elsewhere. Slash commands, buttons, modal submissions and
// shared files differ only in their target: what the request still lets us say
// (an ack that is waiting, a response_url, a trigger_id), and where it came from.
import type { RespondArguments, ViewResponseAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../log.js';
import { notice } from '../../messages/builders.js';
import type { Form, Message, Reply } from '../../messages/message.js';
import { toSlackMessage } from './blocks.js';
import { toModal } from './modal.js';
import { postOnce } from './post.js';

/** What a modal carries through Slack besides its form's state: where its answer goes. */
export interface ModalOrigin extends Record<string, string> {
  channelId: string;
  responseUrl: string;
}

/**
 * An ack Slack is still waiting for. A slash command's ack may carry the first
 * message (no second round trip for quick answers); a view submission's may carry
 * the next modal, which replaces the one submitted (a push would leave the
 * submitted form underneath, to be sent twice).
 */
export type PendingAck =
  | { kind: 'command'; ack(body?: RespondArguments): Promise<void> }
  | { kind: 'view'; ack(body?: ViewResponseAction): Promise<void> };

export interface SlackReplyTarget {
  /** The Web API client authorized for the request's workspace. */
  client: WebClient;
  /** Who asked: private answers are theirs. */
  userId: string;
  /** Where they asked; none in App Home, whose answers go to the app's messages tab. */
  channelId?: string;
  /** A thread the answer belongs in (a shared file's). Private answers go there only when the person was already in it: a thread opened by our own post is easy to miss. */
  thread?: { ts: string; joined: boolean };
  /** The request's ack, when it has not been sent yet. */
  pending?: PendingAck;
  /** Answers through the request's response_url (Bolt's respond); throws when Slack refuses. */
  respond?: (body: RespondArguments) => Promise<unknown>;
  /** The request is a button on a message: an `update` replaces that message. */
  fromMessage?: boolean;
  /** Opens a modal (views.open); absent where Slack gave none (events). */
  triggerId?: string;
  /** Where the answer to a form opened from here goes. */
  formOrigin?: ModalOrigin;
}

export type SlackReplyDelivery = (reply: Reply, target: SlackReplyTarget) => Promise<void>;

function responseFor(message: Message): RespondArguments {
  const { text, blocks } = toSlackMessage(message);
  return { response_type: message.visibility === 'channel' ? 'in_channel' : 'ephemeral', text, blocks: blocks as never } as RespondArguments;
}

/** A modal for `form`, carrying its state and where its answer goes. */
function modalFor(form: Form, origin: ModalOrigin | undefined) {
  return toModal(form, { privateMetadata: JSON.stringify({ ...form.state, ...origin }) });
}

export function slackReplyDelivery(deps: { logger: Logger }): SlackReplyDelivery {
  const { logger } = deps;

  return async (reply, target) => {
    const { client } = target;
    let pending = target.pending;
    /** Sends the waiting ack, empty, if it has not gone yet. */
    const acknowledge = async () => {
      const waiting = pending;
      pending = undefined;
      await waiting?.ack();
    };

    const post = async (message: Message) => {
      const { text, blocks } = toSlackMessage(message);
      const rendered = { text, blocks: blocks as never };
      const { channelId, thread, userId } = target;
      if (!channelId) {
        await postOnce(() => client.chat.postMessage({ channel: userId, ...rendered }), { logger });
      } else if (message.visibility === 'channel') {
        await postOnce(() => client.chat.postMessage({ channel: channelId, ...(thread ? { thread_ts: thread.ts } : {}), ...rendered }), { logger });
      } else {
        await postOnce(() => client.chat.postEphemeral({ channel: channelId, user: userId, ...(thread?.joined ? { thread_ts: thread.ts } : {}), ...rendered }), { logger });
      }
    };

    /** Answers the person: in the waiting ack, else through response_url, else (or when that refuses) as a post. */
    const say = async (message: Message) => {
      const body = responseFor(message);
      if (pending?.kind === 'command') {
        const waiting = pending;
        pending = undefined;
        return waiting.ack(body);
      }
      if (target.respond) {
        try {
          await target.respond(target.fromMessage ? { ...body, replace_original: false } : body);
          return;
        } catch (err) {
          logger.warn({ err }, 'response_url refused the answer; posting instead');
        }
      }
      await post(message);
    };

    const sayOrLog = (message: Message, what: string) =>
      say(message).catch((err: unknown) => logger.error({ err, channel: target.channelId }, what));

    // First, while the trigger_id is fresh (Slack honours it for three seconds).
    if (reply.form) {
      const view = modalFor(reply.form, target.formOrigin);
      if (pending?.kind === 'view') {
        const waiting = pending;
        pending = undefined;
        await waiting.ack({ response_action: 'update', view });
      } else if (target.triggerId) {
        // A slash command's ack goes first, empty: Slack would otherwise show a time-out while the modal opens.
        await acknowledge();
        try {
          await client.views.open({ trigger_id: target.triggerId, view: view as never });
        } catch (err) {
          logger.warn({ err }, 'could not open a modal');
          await sayOrLog(notice('The form could not be opened in time. Please run the command again.'), 'could not say the form did not open');
        }
      } else {
        logger.warn({ form: reply.form.id }, 'a reply brought a form where Slack gives no trigger to open it');
        await sayOrLog(notice('The form cannot be opened from here. Please run the command again.'), 'could not say the form did not open');
      }
    }
    // A submitted modal closes now: Slack waits for that ack before anything slower.
    if (pending?.kind === 'view') await acknowledge();

    if (reply.update) {
      let replaced = false;
      if (target.fromMessage && target.respond) {
        try {
          await target.respond({ ...responseFor(reply.update), replace_original: true });
          replaced = true;
        } catch (err) {
          logger.warn({ err }, 'could not replace the message in place; sending it again');
        }
      }
      // Nothing to replace (a command, a form, App Home): the new version is an answer like any other.
      if (!replaced) await sayOrLog(reply.update, 'could not answer in Slack');
    }

    for (const message of reply.messages) await sayOrLog(message, 'could not answer in Slack');
    await acknowledge();

    for (const file of reply.files ?? []) {
      try {
        await client.files.uploadV2({ channel_id: target.channelId ?? target.userId, filename: file.filename, title: file.title, content: file.content });
      } catch (err) {
        // Most often the bot is not in the channel (not_in_channel): say how to fix it.
        logger.warn({ err, filename: file.filename }, 'could not upload a file to Slack');
        await sayOrLog(
          notice(`I could not upload ${file.filename} here. Invite me to this channel (/invite @Tenure) and try again, or run npm run export on the server.`),
          'could not say an upload failed',
        );
      }
    }

    // Messages for other places (an owner's DM, an alert channel): posted, never twice.
    for (const delivery of reply.deliveries ?? []) {
      const { text, blocks } = toSlackMessage(delivery.message);
      try {
        await postOnce(() => client.chat.postMessage({ channel: delivery.channelId, text, blocks: blocks as never }), { logger });
      } catch (err) {
        logger.error({ err, channel: delivery.channelId }, 'could not deliver a message');
      }
    }
  };
}
