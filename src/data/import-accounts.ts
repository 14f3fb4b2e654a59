// Applies account rows (from a CSV file or the ingest API) to one workspace:
// upsert by external id, else by name (case-insensitive); a contact on the row
// is added to the account once. Blank cells leave a field as it is, so
// re-importing the same file — or a partial file — changes nothing else.
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts, CONTACT_ROLES, contacts, LIFECYCLE_STAGES, workspaces } from '../../db/schema.js';
import { readMoney } from '../../commands/money-input.js';
import { parseCount } from '../../commands/parse.js';
import { createAccount, updateAccount, type Account, type AccountFields, type Actor } from '../core/accounts.js';
import { recordAudit } from '../core/audit.js';
import { accountName, cleanName } from '../core/names.js';
import { readDate, type DateOrder, type DateReadingOptions } from '../core/date-reading.js';
import { formatMoney } from '../core/money.js';
import { dateOrderFor } from '../core/settings.js';
import { formatDay } from '../core/time.js';
import { ensureUser, findUserByName } from '../core/workspaces.js';
import type { Cells } from './columns.js';

export type RowOutcome = 'created' | 'updated' | 'unchanged';

export class RowError extends Error {}

/**
 * What an import wrote, kept so it can be taken back exactly (src/data/import-undo.ts):
 * the accounts it created, the fields it changed (their values before and after) and
 * the contacts it added.
 */
export interface ImportJournal {
  created: string[];
  updated: { accountId: string; before: Record<string, unknown>; after: Record<string, unknown> }[];
  contacts: { contactId: string; accountId: string }[];
}

export const emptyJournal = (): ImportJournal => ({ created: [], updated: [], contacts: [] });

/** Notes a change in the journal; a second row for the same account keeps the first before and the last after. */
function journalUpdate(journal: ImportJournal, accountId: string, before: Account, after: Account, keys: string[]): void {
  if (journal.created.includes(accountId)) return;
  const pick = (row: Account) => Object.fromEntries(keys.map((k) => [k, (row as unknown as Record<string, unknown>)[k] ?? null]));
  const entry = journal.updated.find((u) => u.accountId === accountId);
  if (!entry) {
    journal.updated.push({ accountId, before: pick(before), after: pick(after) });
    return;
  }
  for (const k of keys) if (!(k in entry.before)) entry.before[k] = (before as unknown as Record<string, unknown>)[k] ?? null;
  Object.assign(entry.after, pick(after));
}

type ContactRole = (typeof CONTACT_ROLES)[number];
const ROLE_WORDS: Record<string, ContactRole> = {
  programmanager: 'program_manager',
  cloudprogrammanager: 'program_manager',
  pm: 'program_manager',
  executivesponsor: 'executive_sponsor',
  sponsor: 'executive_sponsor',
  executive: 'executive_sponsor',
  technicalcontact: 'technical_contact',
  technical: 'technical_contact',
  tech: 'technical_contact',
};

/**
 * A date cell as people write it (2027-03-31, 31 Mar 2027, 31/03/2027 in the
 * workspace's date order; an ambiguous 12/01/2027 is refused with both readings),
 * read in the workspace's zone on the day of the import.
 */
export function parseDateCell(what: string, v: string, reading: DateReadingOptions): string {
  const read = readDate(v, reading);
  if (!read.ok) throw new RowError(`${what} ${read.problem}`);
  return read.date;
}
/** An amount in the workspace's currency; one in another currency is refused, never converted. */
export function parseMoneyCell(what: string, v: string, currency: string): number {
  const read = readMoney(v, currency);
  if (!read.ok) throw new RowError(`${what} ${read.problem}`);
  return read.cents;
}
export function parseCountCell(what: string, v: string): number {
  const n = parseCount(v);
  if (n === null) throw new RowError(`${what} "${v}" is not a whole number; write it like 100 or 1,200`);
  return n;
}

/** Keeps every account of the workspace in memory: a file's rows are looked up, not queried. */
export class AccountIndex {
  private byName = new Map<string, Account>();
  private byExternal = new Map<string, Account>();
  private contactKeys = new Set<string>();
  /** The console knows people by name only: an unknown owner there is a new person. */
  createsOwners = false;
  /** The workspace's currency: amounts in the file are read in it. */
  currency = 'USD';
  /** The workspace's zone and numeric date order: dates in the file are read in them. */
  timezone = 'UTC';
  dateOrder: DateOrder | undefined;

  static async load(db: Db, workspaceId: string): Promise<AccountIndex> {
    const index = new AccountIndex();
    const [ws] = await db
      .select({ platform: workspaces.platform, currency: workspaces.currency, timezone: workspaces.timezone, settings: workspaces.settings })
      .from(workspaces)
      .where(eq(workspaces.id, workspaceId));
    index.createsOwners = ws?.platform === 'console';
    if (ws) {
      index.currency = ws.currency;
      index.timezone = ws.timezone;
      index.dateOrder = dateOrderFor(ws);
    }
    for (const a of await db.select().from(accounts).where(eq(accounts.workspaceId, workspaceId))) index.put(a);
    const rows = await db
      .select({ accountId: contacts.accountId, name: contacts.name, email: contacts.email })
      .from(contacts)
      .where(eq(contacts.workspaceId, workspaceId));
    for (const c of rows) index.contactKeys.add(contactKey(c.accountId, c.name, c.email));
    return index;
  }

  put(account: Account, previous?: Account): void {
    if (previous) {
      this.byName.delete(previous.name.toLowerCase());
      if (previous.externalId) this.byExternal.delete(previous.externalId);
    }
    this.byName.set(account.name.toLowerCase(), account);
    if (account.externalId) this.byExternal.set(account.externalId, account);
  }

  find(cells: Cells): Account | undefined {
    if (cells.externalId) {
      const hit = this.byExternal.get(cells.externalId);
      if (hit) return hit;
    }
    // Cleaned as every name lookup is (src/core/names.ts): invisible controls in a cell do not hide the account.
    return cells.name ? this.byName.get(cleanName(cells.name).toLowerCase()) : undefined;
  }

  hasContact(key: string): boolean {
    return this.contactKeys.has(key);
  }
  addContact(key: string): void {
    this.contactKeys.add(key);
  }
}

function contactKey(accountId: string, name: string, email: string | null): string {
  return `${accountId}|${email ? email.toLowerCase() : `name:${name.toLowerCase()}`}`;
}

/** The row's fields as typed values; the first bad cell is a RowError. */
async function fieldsOf(db: Db, workspaceId: string, cells: Cells, index: AccountIndex, now: Date): Promise<AccountFields> {
  const f: AccountFields = {};
  const dates = { now, timeZone: index.timezone, order: index.dateOrder };
  if (cells.name !== undefined) {
    if (cells.name.length > 120) throw new RowError('the account name is too long (at most 120 characters)');
    f.name = cells.name;
  }
  if (cells.externalId !== undefined) f.externalId = cells.externalId;
  if (cells.arr !== undefined) f.arrCents = parseMoneyCell('arr', cells.arr, index.currency);
  if (cells.renewal !== undefined) f.renewalDate = parseDateCell('renewal date', cells.renewal, { ...dates, direction: 'future' });
  if (cells.start !== undefined) f.contractStart = parseDateCell('contract start', cells.start, dates);
  if (cells.churned !== undefined) {
    // A churn date makes the row a churned account (whatever its stage column says):
    // the KPIs count its ARR as lost from that day.
    f.churnedOn = parseDateCell('churn date', cells.churned, { ...dates, direction: 'past' });
  }
  if (cells.kickoff !== undefined) f.kickoffDate = parseDateCell('kickoff date', cells.kickoff, dates);
  if (cells.licensed !== undefined) f.licensedUsers = parseCountCell('licensed users', cells.licensed);
  if (cells.active !== undefined) f.activeUsers = parseCountCell('active users', cells.active);
  if (cells.tier !== undefined) f.tier = cells.tier.slice(0, 40);
  if (cells.stage !== undefined) {
    const stage = LIFECYCLE_STAGES.find((s) => s === cells.stage!.toLowerCase());
    if (!stage) throw new RowError(`stage "${cells.stage}" is not a lifecycle stage; use one of ${LIFECYCLE_STAGES.join(', ')}`);
    f.stage = stage;
  }
  if (f.churnedOn !== undefined) {
    if (f.stage !== undefined && f.stage !== 'churned') throw new RowError(`the row has a churn date (${cells.churned}) but stage "${cells.stage}"; leave the stage empty or write churned`);
    f.stage = 'churned';
    if (f.contractStart && f.churnedOn! < f.contractStart) throw new RowError(`the churn date ${formatDay(f.churnedOn!)} is before the contract start ${formatDay(f.contractStart)}`);
  }
  if (cells.owner !== undefined) {
    const name = cells.owner.replace(/^@/, '');
    const owner =
      (await findUserByName(db, workspaceId, name)) ??
      (index.createsOwners ? await ensureUser(db, workspaceId, { platformUserId: name.toLowerCase(), displayName: name }) : undefined);
    if (!owner) throw new RowError(`owner "${cells.owner}" has not used Tenure in this workspace yet`);
    f.ownerUserId = owner.id;
  }
  return f;
}

function contactOf(cells: Cells): { name: string; email: string | null; role: ContactRole } | undefined {
  if (!cells.contactName && !cells.contactEmail) return undefined;
  const email = cells.contactEmail ?? null;
  // A dot inside the domain, neither first nor last. [^\s@]+\.[^\s@]+ says the same but
  // is quadratic in the number of dots; finding the first dot after the domain's first
  // character needs no backtracking.
  if (email && !/^[^\s@]+@[^\s@][^\s@.]*\.[^\s@]+$/.test(email)) throw new RowError(`contact email "${email}" is not an email address`);
  let role: ContactRole = 'technical_contact';
  if (cells.contactRole) {
    const hit = ROLE_WORDS[cells.contactRole.toLowerCase().replace(/[^a-z]/g, '')];
    if (!hit) throw new RowError(`contact role "${cells.contactRole}" is not known; use program manager, executive sponsor or technical contact`);
    role = hit;
  }
  return { name: cells.contactName ?? email!, email, role };
}

/** Account fields as the CSV calls them, for the dry-run's list of changes. */
const FIELD_NAMES: Record<string, string> = {
  externalId: 'external id',
  arrCents: 'arr',
  renewalDate: 'renewal',
  contractStart: 'start',
  churnedOn: 'churned',
  kickoffDate: 'kickoff',
  licensedUsers: 'licensed',
  activeUsers: 'active',
  ownerUserId: 'owner',
};

const DATE_FIELDS = new Set(['renewalDate', 'contractStart', 'churnedOn', 'kickoffDate']);

/** A field's value as the preview says it: dates in words, money in the workspace's currency. */
function valueInWords(key: string, value: unknown, index: AccountIndex, owner: string | undefined): string {
  if (value === null || value === undefined) return 'none';
  if (DATE_FIELDS.has(key)) return formatDay(String(value));
  if (key === 'arrCents') return formatMoney(Number(value), index.currency);
  if (key === 'ownerUserId') return `@${(owner ?? '').replace(/^@/, '')}`;
  if (key === 'name' || key === 'externalId') return `"${String(value)}"`;
  return String(value);
}

/** "arr $90,000, renewal Wed 30 Jun 2027" — with "(was …)" for what a change replaces. */
function fieldsInWords(fields: Record<string, unknown>, index: AccountIndex, owner: string | undefined, was?: Account): string {
  return Object.entries(fields)
    .filter(([k, v]) => v !== undefined && !(was === undefined && k === 'name'))
    .map(([k, v]) => {
      const previous = was ? (was as unknown as Record<string, unknown>)[k] : undefined;
      // The owner before is known by id only: the new one is named, the old one not guessed at.
      const before = was && previous !== null && previous !== undefined && k !== 'ownerUserId' ? ` (was ${valueInWords(k, previous, index, undefined)})` : '';
      return `${FIELD_NAMES[k] ?? k} ${valueInWords(k, v, index, owner)}${before}`;
    })
    .join(', ');
}

/**
 * A renewal before the contract start, in the words a file's reader needs: the dates
 * as read, in words, and which one is on record (core's own check, which names the
 * key=value a chat command typed, would follow; this one answers first).
 */
function checkContractDates(fields: AccountFields, existing: Account | undefined): void {
  const start = fields.contractStart ?? existing?.contractStart ?? null;
  const renewal = fields.renewalDate ?? existing?.renewalDate ?? null;
  if (!start || !renewal || renewal >= start) return;
  if (fields.renewalDate === undefined) {
    throw new RowError(`the contract start ${formatDay(start)} is after the renewal date on record, ${formatDay(renewal)}: give a start on or before it, or move the renewal in the same row`);
  }
  if (fields.contractStart === undefined) {
    throw new RowError(`the renewal date ${formatDay(renewal)} is before the contract start on record, ${formatDay(start)}: give a renewal on or after it, or correct the start in the same row`);
  }
  throw new RowError(`the renewal date ${formatDay(renewal)} is before the contract start ${formatDay(start)}: a contract renews after it starts; check the dates`);
}

/** Only the fields whose values differ from the stored account. */
function patchFor(account: Account, fields: AccountFields): AccountFields {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if ((account as unknown as Record<string, unknown>)[key] !== value) patch[key] = value;
  }
  return patch as AccountFields;
}

export async function applyAccountRow(
  db: Db,
  workspaceId: string,
  index: AccountIndex,
  cells: Cells,
  actor: Actor,
  /** Told what the row did, in words ("create …", "update …: renewal Wed 31 Mar 2027 (was …)"), for dry runs. */
  note: (change: string) => void = () => undefined,
  /** Told what the row wrote, when the import is to be undoable. */
  journal?: ImportJournal,
): Promise<RowOutcome> {
  if (!cells.name && !cells.externalId) throw new RowError('the account name is missing');
  // Matched and stored by the one rule for names, as if typed in chat (a UserError is this row's error).
  if (cells.name !== undefined) cells = { ...cells, name: accountName(cells.name) };
  const fields = await fieldsOf(db, workspaceId, cells, index, actor.now);
  const contact = contactOf(cells);
  const existing = index.find(cells);
  checkContractDates(fields, existing);
  let account: Account;
  let outcome: RowOutcome;
  if (!existing) {
    if (!fields.name) throw new RowError(`no account with external id "${cells.externalId}", and no name to create one`);
    account = await createAccount(db, workspaceId, { ...fields, name: fields.name }, actor);
    index.put(account);
    journal?.created.push(account.id);
    outcome = 'created';
    const said = fieldsInWords(fields as Record<string, unknown>, index, cells.owner);
    note(`create "${account.name}"${said ? `: ${said}` : ''}`);
  } else {
    const patch = patchFor(existing, fields);
    // Found by name (matched without regard to case): "beta" in a file keeps "Beta".
    if (!(cells.externalId && existing.externalId === cells.externalId)) delete patch.name;
    if (patch.name !== undefined && index.find({ name: patch.name }) && patch.name.toLowerCase() !== existing.name.toLowerCase()) {
      throw new RowError(`another account is already called "${patch.name}"`);
    }
    if (Object.keys(patch).length > 0) {
      const { after, changed } = await updateAccount(db, workspaceId, existing.id, patch, actor);
      index.put(after, existing);
      if (journal) journalUpdate(journal, existing.id, existing, after, changed);
      account = after;
      outcome = 'updated';
      note(`update "${existing.name}": ${fieldsInWords(patch as Record<string, unknown>, index, cells.owner, existing)}`);
    } else {
      account = existing;
      outcome = 'unchanged';
    }
  }
  if (contact) {
    const key = contactKey(account.id, contact.name, contact.email);
    if (!index.hasContact(key)) {
      const [row] = await db
        .insert(contacts)
        .values({ workspaceId, accountId: account.id, ...contact, createdAt: actor.now })
        .returning({ id: contacts.id });
      journal?.contacts.push({ contactId: row!.id, accountId: account.id });
      await recordAudit(db, workspaceId, {
        actorUserId: actor.userId,
        actorLabel: actor.label,
        at: actor.now,
        entityType: 'account',
        entityId: account.id,
        action: 'add-contact',
        after: { contactId: row!.id, ...contact },
      });
      index.addContact(key);
      if (outcome === 'unchanged') outcome = 'updated';
      note(`add contact ${contact.name} to "${account.name}"`);
    }
  }
  return outcome;
}
