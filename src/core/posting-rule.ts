// The one rule of what is posted where (PRODUCT.md, "Customer channels and internal
// channels"): in a customer channel only what is written for the customer is
// public — surveys, their tallies and closings; everything else said there is
// said privately to the person who asked. Commands' answers pass through
// confineReply (the registry, for every door) and scheduled posts through
// mayPostPublicly (jobs/run-once.ts), so no command or job decides it alone.
import type { Delivery, Message, Reply } from '../messages/message.js';
import type { ChannelStanding } from './channel-kinds.js';

/** May `message` be posted for everyone to read in a channel of this kind? */
export function mayPostPublicly(kind: ChannelStanding['kind'], message: Message): boolean {
  return kind !== 'customer' || message.audience === 'customer';
}

const privately = (m: Message): Message => (m.visibility === 'ephemeral' ? m : { ...m, visibility: 'ephemeral' });

/**
 * Whether the channel matters for this reply: only a public internal message, a
 * replacing update, files or a delivery can be changed by the rule; a reply of private
 * answers (most errors) is given as it is without looking the channel up.
 */
export function mayNeedConfining(reply: Reply): boolean {
  return (
    reply.messages.some((m) => m.visibility === 'channel' && m.audience !== 'customer') ||
    (reply.update !== undefined && reply.update.audience !== 'customer') ||
    (reply.files?.length ?? 0) > 0 ||
    (reply.deliveries?.length ?? 0) > 0
  );
}

export const NO_FILES_IN_CUSTOMER_CHANNELS =
  'Files are not posted in a customer channel: the customer would read them. Run the export in one of your team’s channels or in a direct message with Tenure.';

/**
 * A reply as it may be given in the channel `here`, and the deliveries it must not
 * make (an internal message bound for a customer channel): the caller logs those.
 * `kindOf` says what each delivery's target channel is.
 */
export function confineReply(reply: Reply, here: ChannelStanding['kind'], kindOf: (channelId: string) => ChannelStanding['kind']): { reply: Reply; withheld: Delivery[] } {
  const withheld = (reply.deliveries ?? []).filter((d) => !mayPostPublicly(kindOf(d.channelId), d.message));
  const deliveries = (reply.deliveries ?? []).filter((d) => !withheld.includes(d));
  if (here !== 'customer') return { reply: withheld.length > 0 ? { ...reply, deliveries } : reply, withheld };
  const messages = reply.messages.map((m) => (m.audience === 'customer' ? m : privately(m)));
  // A press on a public customer message may replace it only with another one; anything else is said privately instead.
  const update = reply.update;
  if (update && update.audience !== 'customer') messages.push(privately(update));
  if (reply.files?.length) messages.push({ text: NO_FILES_IN_CUSTOMER_CHANNELS, blocks: [{ kind: 'text', text: `⚠️ ${NO_FILES_IN_CUSTOMER_CHANNELS}` }], visibility: 'ephemeral', tone: 'error' });
  const { files: _files, update: _update, deliveries: _deliveries, ...rest } = reply;
  return {
    reply: {
      ...rest,
      messages,
      ...(update && update.audience === 'customer' ? { update } : {}),
      ...(deliveries.length > 0 ? { deliveries } : {}),
    },
    withheld,
  };
}
