// What a command will not do in a customer channel, said the same way everywhere:
// why (the customer reads this channel) and where to do it instead. What may be
// *shown* there is the posting rule's (src/core/posting-rule.ts); this is for
// commands whose whole point is to post something internal here.
import { UserError } from '../src/core/errors.js';
import type { ChannelStanding } from '../src/core/channel-kinds.js';
import type { CommandContext } from './context.js';

/** What the command's channel counts as; unlinked outside the registry (a command called directly). */
export async function standingOf(ctx: CommandContext): Promise<ChannelStanding | undefined> {
  return ctx.standing?.();
}

/** The customer channel's account, in words: "Acme Corp's customer channel". */
export function customerChannelName(standing: ChannelStanding | undefined): string {
  const account = standing?.account?.name;
  return account ? `${account}’s customer channel` : 'a customer channel (shared with another organisation)';
}

export async function inCustomerChannel(ctx: CommandContext): Promise<boolean> {
  return (await standingOf(ctx))?.kind === 'customer';
}

/** Throws when typed in a customer channel: `what` cannot happen here, `instead` says where it can. */
export async function refuseInCustomerChannel(ctx: CommandContext, what: string, instead: string): Promise<void> {
  const standing = await standingOf(ctx);
  if (standing?.kind !== 'customer') return;
  throw new UserError(`This is ${customerChannelName(standing)}: the customer reads it, so ${what}.`, { hint: instead });
}
