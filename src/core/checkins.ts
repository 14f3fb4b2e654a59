// Check-ins: every customer touch (call, meeting, QBR…). The last touch drives the
// cadence status and, later, the health score's engagement component.
import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { preparedSql, rowFromJson } from '../../db/statements.js';
import { checkins } from '../../db/schema.js';
import { cleanName } from './names.js';
import { namePartMatches } from './account-lookup.js';
import { getAccount, requireLiveAccount, type LifecycleStage } from './accounts.js';

export type Checkin = typeof checkins.$inferSelect;
export type CheckinType = Checkin['type'];
export type Sentiment = Checkin['sentiment'];

export interface CheckinInput {
  accountId: string;
  userId: string | null;
  type: CheckinType;
  occurredAt: Date;
  notes: string;
  sentiment: Sentiment;
  nextStepDate: string | null;
  channelId: string | null;
  /** A touch logged from a chat message: who wrote the message, and a link back to it. */
  sourceAuthor?: string | null;
  sourceLink?: string | null;
}

/** Who logged the touch, when it happened, how it went, what comes next and where it was logged. */
export type TouchDetails = Omit<CheckinInput, 'accountId' | 'type' | 'notes'>;

/**
 * One way a /checkin's text may name its account, with the touch's type and note
 * as that reading of the text has them.
 */
export interface CheckinReading {
  /**
   * An account by name (found as findAccountByName finds it), or the account linked
   * to a channel unless some account is named `unlessNamed` (the word that would
   * otherwise be the touch type).
   */
  account: { name: string } | { linkedTo: string; unlessNamed: string };
  type: CheckinType;
  /** Null when this reading has no usable note: if its account is the one found, nothing is written. */
  notes: string | null;
}

const value = (name: string) => sql.placeholder(name);
const workspace = sql`${value('workspaceId')}::uuid`;

/** The account the touch is for, with the touch's type and notes: by the account's id. */
const BY_ID = sql`select id, name, stage, churned_on, archived_at, ${value('type')}::text as type, ${value('notes')}::text as notes
  from accounts where workspace_id = ${workspace} and id = ${value('accountId')}::uuid`;

/**
 * The same for the first reading (by its place in the list) that names an account: by
 * its whole name, as the channel's linked one, or by a part of its name that fits no
 * other (core/account-lookup.ts), as resolveAccount finds it.
 */
const readings = sql`jsonb_to_recordset(${value('readings')}::text::jsonb) as r(ord int, name text, linked_to text, unless_named text, type text, notes text)`;
const BY_READING = sql`select id, name, stage, churned_on, archived_at, type, notes from (
    select 0 as rank, r.ord, a.id, a.name, a.stage, a.churned_on, a.archived_at, r.type, r.notes from ${readings}
    join accounts a on a.workspace_id = ${workspace} and lower(a.name) = lower(r.name)
    union all
    select 0 as rank, r.ord, a.id, a.name, a.stage, a.churned_on, a.archived_at, r.type, r.notes from ${readings}
    join account_channels l on l.workspace_id = ${workspace} and l.channel_id = r.linked_to
    join accounts a on a.workspace_id = ${workspace} and a.id = l.account_id
    where not exists (select 1 from accounts n where n.workspace_id = ${workspace} and lower(n.name) = lower(r.unless_named))
    union all
    select 1 as rank, r.ord, a.id, a.name, a.stage, a.churned_on, a.archived_at, r.type, r.notes from ${readings}
    join accounts a on a.workspace_id = ${workspace} and a.archived_at is null and ${namePartMatches(sql`a.name`, sql`r.name`)}
    where not exists (select 1 from accounts n where n.workspace_id = ${workspace} and lower(n.name) = lower(r.name))
      and (select count(*) from accounts p where p.workspace_id = ${workspace} and p.archived_at is null and ${namePartMatches(sql`p.name`, sql`r.name`)}) = 1
  ) found order by rank, ord limit 1`;

/**
 * Writes a touch and its audit row and reads the touch before it, all in one
 * statement (WITH: the account, a select and two inserts; atomic without a
 * transaction around it): one round trip for the busiest command instead of five
 * with BEGIN and COMMIT, and no moment where the touch is written but the answer
 * about it could fail. Finding the account in the same statement saves /checkin
 * the round trips of looking it up first; no such account (or no note), no rows,
 * and nothing is written. The previous touch is the latest strictly before this
 * one; the statement's reads do not see its own insert either way. Built once
 * (db/statements.ts): /checkin is the command people type most. Given a time zone
 * and not forced, a touch identical to one already logged that day (same account,
 * kind and note: most likely the same touch sent twice) is not written either: the
 * row names the one there is, for the caller to ask. An archived account takes no
 * new touch (accounts.ts archivedAccountError): found, but nothing is written.
 */
function checkinStatement(name: string, account: SQL) {
  return preparedSql<{ account_name: string; account_stage: LifecycleStage; account_churned_on: string | null; inserted: unknown; previous: unknown; duplicate: unknown }>(
    name,
    () => sql`with account as (${account}
      ), duplicate as (
        select d.* from checkins d join account on d.account_id = account.id
        where account.archived_at is null and ${value('timezone')}::text is not null and d.workspace_id = ${workspace} and d.type = account.type and d.notes = account.notes
          and (d.occurred_at at time zone ${value('timezone')}::text)::date = (${value('occurredAt')}::timestamptz at time zone ${value('timezone')}::text)::date
        order by d.created_at desc limit 1
      ), previous as (
        select c.* from checkins c
        where c.workspace_id = ${workspace} and c.account_id = (select id from account)
          and c.occurred_at < ${value('occurredAt')}::timestamptz
        order by c.occurred_at desc limit 1
      ), inserted as (
        insert into checkins (id, workspace_id, account_id, user_id, type, occurred_at, notes, sentiment, next_step_date, channel_id, source_author, source_link, created_at)
        select ${value('id')}::uuid, ${workspace}, account.id, ${value('userId')}::uuid, account.type, ${value('occurredAt')}::timestamptz,
          account.notes, ${value('sentiment')}, ${value('nextStepDate')}::date, ${value('channelId')}, ${value('sourceAuthor')}::text, ${value('sourceLink')}::text, ${value('now')}::timestamptz
        from account where account.notes is not null and account.archived_at is null and not exists (select 1 from duplicate)
        returning *
      ), audited as (
        insert into audit_log (workspace_id, actor_user_id, at, entity_type, entity_id, action, after)
        select ${workspace}, ${value('userId')}::uuid, ${value('now')}::timestamptz, 'checkin', ${value('id')}, 'create',
          jsonb_build_object('accountId', inserted.account_id, 'type', inserted.type, 'occurredAt', ${value('occurredAt')}::text, 'sentiment', ${value('sentiment')}::text)
        from inserted
        returning id
      )
      select account.name as account_name, account.stage as account_stage, account.churned_on::text as account_churned_on, to_jsonb(inserted) as inserted, to_jsonb(previous) as previous,
        (select to_jsonb(duplicate) from duplicate) as duplicate
      from account left join inserted on true left join previous on true
      where inserted.id is not null or exists (select 1 from duplicate)`,
  );
}
const checkinForAccountId = checkinStatement('log-checkin', BY_ID);
const checkinForReading = checkinStatement('log-checkin-by-reading', BY_READING);

export interface LoggedCheckin {
  checkin: Checkin;
  /** Set instead of a new touch when an identical one was logged that day (nothing written): the caller asks. */
  duplicate?: Checkin;
  previous: Checkin | undefined;
  /** The account as the statement found it: the reply names it, and says so when it has churned. */
  account: { id: string; name: string; stage: LifecycleStage; churnedOn: string | null };
}

async function writeCheckin(
  db: Db,
  statement: typeof checkinForAccountId,
  workspaceId: string,
  account: { accountId: string; type: CheckinType; notes: string } | { readings: string },
  touch: TouchDetails,
  now: Date,
  duplicates: DuplicateCheck,
): Promise<LoggedCheckin | undefined> {
  // The id is made here so that the audit row can name it within the same statement.
  const id = randomUUID();
  const [row] = await statement(db).execute({
    ...account,
    id,
    workspaceId,
    userId: touch.userId,
    occurredAt: touch.occurredAt.toISOString(),
    sentiment: touch.sentiment,
    nextStepDate: touch.nextStepDate,
    channelId: touch.channelId,
    sourceAuthor: touch.sourceAuthor ?? null,
    sourceLink: touch.sourceLink ?? null,
    timezone: duplicates.force ? null : (duplicates.timezone ?? null),
    now: now.toISOString(),
  });
  if (!row) return undefined;
  if (!row.inserted) {
    const duplicate = rowFromJson(checkins, row.duplicate);
    return { checkin: duplicate, duplicate, previous: undefined, account: { id: duplicate.accountId, name: row.account_name, stage: row.account_stage, churnedOn: row.account_churned_on } };
  }
  const checkin = rowFromJson(checkins, row.inserted);
  return { checkin, previous: row.previous ? rowFromJson(checkins, row.previous) : undefined, account: { id: checkin.accountId, name: row.account_name, stage: row.account_stage, churnedOn: row.account_churned_on } };
}

/**
 * Whether to hold back a touch identical to one logged the same day (in `timezone`):
 * without a zone, or forced (the person said it is another touch), it is written.
 */
export interface DuplicateCheck {
  timezone?: string;
  force?: boolean;
}

export async function logCheckin(db: Db, workspaceId: string, input: CheckinInput, now: Date, duplicates: DuplicateCheck = {}): Promise<{ checkin: Checkin; previous: Checkin | undefined; duplicate?: Checkin }> {
  const { accountId, type, notes, ...touch } = input;
  const logged = await writeCheckin(db, checkinForAccountId, workspaceId, { accountId, type, notes }, touch, now, duplicates);
  if (!logged) {
    // The caller had just read the account: it was archived since (a person can act on that), or deleted.
    const account = await getAccount(db, workspaceId, accountId);
    if (account) requireLiveAccount(account);
    throw new Error(`account ${input.accountId} not found in workspace ${workspaceId}`);
  }
  return logged;
}

/**
 * Logs the touch for the first reading that names an account, found in the same
 * statement that writes it. Undefined, and nothing written, when no reading names
 * an account or the first that does has no note: the caller says which.
 */
export function logCheckinByReading(db: Db, workspaceId: string, readings: CheckinReading[], touch: TouchDetails, now: Date, duplicates: DuplicateCheck = {}): Promise<LoggedCheckin | undefined> {
  const rows = readings.map((r, ord) => ({
    ord,
    // Cleaned as findAccountByName cleans a typed name, so both find the same account.
    ...('name' in r.account ? { name: cleanName(r.account.name) } : { linked_to: r.account.linkedTo, unless_named: cleanName(r.account.unlessNamed) }),
    type: r.type,
    notes: r.notes,
  }));
  return writeCheckin(db, checkinForReading, workspaceId, { readings: JSON.stringify(rows) }, touch, now, duplicates);
}

export async function recentCheckins(db: Db, workspaceId: string, accountId: string, limit = 5): Promise<Checkin[]> {
  return db
    .select()
    .from(checkins)
    .where(and(eq(checkins.workspaceId, workspaceId), eq(checkins.accountId, accountId)))
    .orderBy(desc(checkins.occurredAt))
    .limit(limit);
}
