// What a command will not do in a customer channel, said the same way everywhere:
// why (the customer reads this channel) and where to do it instead. What may be
// *shown* there is the posting rule's (src/core/posting-rule.ts); this is for
// commands whose whole point is to post something internal here.
import { UserError } from '../src/core/errors.js';
import type { CommandContext } from './context.js';

/** The customer channel's account, in words: "Acme Corp's customer channel". */
export function customerChannelName(ctx: CommandContext): string {
  const account = ctx.standing?.account?.name;
  return account ? `${account}’s customer channel` : 'a customer channel (shared with another organisation)';
}

export function inCustomerChannel(ctx: CommandContext): boolean {
  return ctx.standing?.kind === 'customer';
}

/** Throws when typed in a customer channel: `what` cannot happen here, `instead` says where it can. */
export function refuseInCustomerChannel(ctx: CommandContext, what: string, instead: string): void {
  if (!inCustomerChannel(ctx)) return;
  throw new UserError(`This is ${customerChannelName(ctx)}: the customer reads it, so ${what}.`, { hint: instead });
}
