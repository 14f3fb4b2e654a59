// What an account's fields must agree on, checked where every write of them passes
// (createAccount / updateAccount: chat, the CSV import, the ingest API, /usage): no
// more active users than licensed seats (adoption above 100 % scores nonsense), and
// no renewal before the contract starts. A change is checked against the value it
// will meet — given with it, or stored — so setting one field alone cannot break the
// pair. Only a change that touches a pair is checked: an account stored before these
// rules, with a broken pair, can still have its other fields changed.
import type { AccountFields } from './accounts.js';
import { UserError } from './errors.js';

type Pairs = Pick<AccountFields, 'activeUsers' | 'licensedUsers' | 'contractStart' | 'renewalDate'>;

/** Refuses a change that would leave the account with more active users than licensed, or renewing before it starts. */
export function checkAccountChange(change: AccountFields, stored: Pairs | null): void {
  checkSeats(change, stored);
  checkContractDates(change, stored);
}

function checkSeats(change: AccountFields, stored: Pairs | null): void {
  if (change.activeUsers === undefined && change.licensedUsers === undefined) return;
  const active = change.activeUsers !== undefined ? change.activeUsers : (stored?.activeUsers ?? null);
  const licensed = change.licensedUsers !== undefined ? change.licensedUsers : (stored?.licensedUsers ?? null);
  if (active === null || licensed === null || active <= licensed) return;
  if (change.activeUsers !== undefined && change.licensedUsers !== undefined) {
    throw new UserError(`active=${active} is more than licensed=${licensed}: an account cannot have more active users than seats; check the numbers, or give the seats it has now, e.g. licensed=${active} active=${active}.`);
  }
  if (change.activeUsers !== undefined) {
    throw new UserError(`active=${active} is more than licensed=${licensed} (the seats on record): set licensed first or both at once, e.g. licensed=${active} active=${active}, or check the number of active users.`);
  }
  throw new UserError(`licensed=${licensed} is less than active=${active} (the active users on record): lower active first or both at once, e.g. licensed=${licensed} active=${licensed}, or check the number of seats.`);
}

function checkContractDates(change: AccountFields, stored: Pairs | null): void {
  if (change.renewalDate === undefined && change.contractStart === undefined) return;
  const renewal = change.renewalDate !== undefined ? change.renewalDate : (stored?.renewalDate ?? null);
  const start = change.contractStart !== undefined ? change.contractStart : (stored?.contractStart ?? null);
  // ISO dates compare as text.
  if (renewal === null || start === null || renewal >= start) return;
  if (change.renewalDate !== undefined && change.contractStart !== undefined) {
    throw new UserError(`renewal=${renewal} is before start=${start}: a contract renews after it starts; check the dates (the renewal is when the contract ends or renews, often a year after the start).`);
  }
  if (change.renewalDate !== undefined) {
    throw new UserError(`renewal=${renewal} is before start=${start} (the contract start on record): give a renewal on or after ${start}, or correct the start with it, e.g. start=… renewal=${renewal}.`);
  }
  throw new UserError(`start=${start} is after renewal=${renewal} (the renewal date on record): give a start on or before ${renewal}, or move the renewal with it, e.g. start=${start} renewal=….`);
}
