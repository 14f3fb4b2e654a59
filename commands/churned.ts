// How a churned account reads wherever it appears: its stage as "churned (was $X
// ARR)" (a churn keeps the ARR it lost, which would otherwise read as current), and
// the note on a check-in or ticket recorded for it — accepted, but it raises no
// alerts, so the person is told rather than left waiting for one.
import type { Account } from '../src/core/accounts.js';
import { formatMoney, formatMoneyShort } from '../src/core/money.js';
import { formatDay } from '../src/core/time.js';
import { context } from '../src/messages/builders.js';
import type { Message } from '../src/messages/message.js';

export const isChurned = (account: Pick<Account, 'stage'>): boolean => account.stage === 'churned';

/** "churned (was $120,000 ARR)" for a churned account (short amounts for lists), else the stage. */
export function stageText(account: Pick<Account, 'stage' | 'arrCents'>, currency: string, options: { short?: boolean } = {}): string {
  if (!isChurned(account)) return account.stage;
  if (account.arrCents === null) return 'churned';
  return `churned (was ${(options.short ? formatMoneyShort : formatMoney)(account.arrCents, currency)} ARR)`;
}

const WHAT_STILL_HAPPENS: Record<'check-in' | 'ticket', string> = {
  'check-in': 'the touch is logged, and churned accounts get no check-in reminders',
  ticket: 'the ticket is open, and no SLA warnings or breach alerts are sent for it',
};

/** The note a reply about a churned account's check-in or ticket carries; undefined for any other account. */
export function churnedAccountNote(account: Pick<Account, 'name' | 'stage' | 'churnedOn'>, what: 'check-in' | 'ticket'): string | undefined {
  if (!isChurned(account)) return undefined;
  const since = account.churnedOn ? ` since ${formatDay(account.churnedOn)}` : '';
  return `ℹ️ ${account.name} is a churned account${since}: ${WHAT_STILL_HAPPENS[what]}.`;
}

/** `reply` with the churned-account note after its first block, when the account has churned. */
export function withChurnedNote(reply: Message, account: Pick<Account, 'name' | 'stage' | 'churnedOn'>, what: 'check-in' | 'ticket'): Message {
  const note = churnedAccountNote(account, what);
  if (!note) return reply;
  return { ...reply, text: `${reply.text} (${account.name} is a churned account.)`, blocks: [reply.blocks[0]!, context(note), ...reply.blocks.slice(1)] };
}
