// What a churned account still takes: check-ins and tickets are recorded (their
// replies say the account has churned; no cadence reminders, no SLA alerts), and
// earlier surveys keep their results. A new survey is refused: it would ask people
// who have left to rate a relationship that has ended, and its answers would count
// in NPS and CSAT as if they were still customers.
import type { Account } from './accounts.js';
import { UserError } from './errors.js';
import { formatDay } from './time.js';

/** Throws the reason a survey about this account cannot start, when it has churned. */
export function refuseSurveyOfChurned(account: Pick<Account, 'name' | 'stage' | 'churnedOn'>): void {
  if (account.stage !== 'churned') return;
  throw new UserError(`${account.name} churned${account.churnedOn ? ` on ${formatDay(account.churnedOn)}` : ''}: Tenure does not survey a customer who has left, and their answers would count in NPS and CSAT as a customer's.`, {
    hint: `Its earlier surveys stay: /survey list "${account.name}". If the customer is back, set its stage first with /account set "${account.name}" stage=renew.`,
  });
}
