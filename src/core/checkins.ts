// Check-ins: every customer touch (call, meeting, QBR…). The last touch drives the
// cadence status and, later, the health score's engagement component.
import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { preparedSql, rowFromJson } from '../../db/statements.js';
import { checkins } from '../../db/schema.js';

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
}

const value = (name: string) => sql.placeholder(name);

/** The account the touch is for: by its id, or by its name (case-insensitively, as findAccountByName). */
const BY_ID = sql`id = ${value('accountId')}::uuid`;
const BY_NAME = sql`lower(name) = lower(${value('accountName')})`;

/**
 * Writes a touch and its audit row and reads the touch before it, all in one
 * statement (WITH: the account, a select and two inserts; atomic without a
 * transaction around it): one round trip for the busiest command instead of five
 * with BEGIN and COMMIT, and no moment where the touch is written but the answer
 * about it could fail. Finding the account in the same statement saves /checkin
 * another round trip when the name is typed plainly; no such account, no rows, and
 * nothing is written. The previous touch is the latest strictly before this one; the
 * statement's reads do not see its own insert either way. Built once per session
 * (db/statements.ts): /checkin is the command people type most.
 */
function checkinStatement(name: string, account: SQL) {
  return preparedSql<{ account_name: string; inserted: unknown; previous: unknown }>(
    name,
    () => sql`with account as (
        select id, name from accounts where workspace_id = ${value('workspaceId')}::uuid and ${account}
      ), previous as (
        select c.* from checkins c
        where c.workspace_id = ${value('workspaceId')}::uuid and c.account_id = (select id from account)
          and c.occurred_at < ${value('occurredAt')}::timestamptz
        order by c.occurred_at desc limit 1
      ), inserted as (
        insert into checkins (id, workspace_id, account_id, user_id, type, occurred_at, notes, sentiment, next_step_date, channel_id, created_at)
        select ${value('id')}::uuid, ${value('workspaceId')}::uuid, account.id, ${value('userId')}::uuid, ${value('type')}, ${value('occurredAt')}::timestamptz,
          ${value('notes')}, ${value('sentiment')}, ${value('nextStepDate')}::date, ${value('channelId')}, ${value('now')}::timestamptz
        from account
        returning *
      ), audited as (
        insert into audit_log (workspace_id, actor_user_id, at, entity_type, entity_id, action, after)
        select ${value('workspaceId')}::uuid, ${value('userId')}::uuid, ${value('now')}::timestamptz, 'checkin', ${value('id')}, 'create',
          jsonb_build_object('accountId', account.id, 'type', ${value('type')}::text, 'occurredAt', ${value('occurredAt')}::text, 'sentiment', ${value('sentiment')}::text)
        from account
        returning id
      )
      select account.name as account_name, to_jsonb(inserted) as inserted, to_jsonb(previous) as previous
      from inserted cross join account left join previous on true`,
  );
}
const checkinForAccountId = checkinStatement('log-checkin', BY_ID);
const checkinForAccountName = checkinStatement('log-checkin-by-name', BY_NAME);

export interface LoggedCheckin {
  checkin: Checkin;
  previous: Checkin | undefined;
  account: { id: string; name: string };
}

async function writeCheckin(
  db: Db,
  statement: typeof checkinForAccountId,
  workspaceId: string,
  account: { accountId: string } | { accountName: string },
  input: Omit<CheckinInput, 'accountId'>,
  now: Date,
): Promise<LoggedCheckin | undefined> {
  // The id is made here so that the audit row can name it within the same statement.
  const id = randomUUID();
  const [row] = await statement(db).execute({
    ...account,
    id,
    workspaceId,
    userId: input.userId,
    type: input.type,
    occurredAt: input.occurredAt.toISOString(),
    notes: input.notes,
    sentiment: input.sentiment,
    nextStepDate: input.nextStepDate,
    channelId: input.channelId,
    now: now.toISOString(),
  });
  if (!row) return undefined;
  const checkin = rowFromJson(checkins, row.inserted);
  return { checkin, previous: row.previous ? rowFromJson(checkins, row.previous) : undefined, account: { id: checkin.accountId, name: row.account_name } };
}

export async function logCheckin(db: Db, workspaceId: string, input: CheckinInput, now: Date): Promise<{ checkin: Checkin; previous: Checkin | undefined }> {
  const logged = await writeCheckin(db, checkinForAccountId, workspaceId, { accountId: input.accountId }, input, now);
  // Only an account that was deleted meanwhile gets here: the caller had just read it.
  if (!logged) throw new Error(`account ${input.accountId} not found in workspace ${workspaceId}`);
  return logged;
}

/** The same for an account named in the command: undefined (and nothing written) when no account has that name. */
export function logCheckinByAccountName(db: Db, workspaceId: string, accountName: string, input: Omit<CheckinInput, 'accountId'>, now: Date): Promise<LoggedCheckin | undefined> {
  return writeCheckin(db, checkinForAccountName, workspaceId, { accountName: accountName.trim() }, input, now);
}

export async function recentCheckins(db: Db, workspaceId: string, accountId: string, limit = 5): Promise<Checkin[]> {
  return db
    .select()
    .from(checkins)
    .where(and(eq(checkins.workspaceId, workspaceId), eq(checkins.accountId, accountId)))
    .orderBy(desc(checkins.occurredAt))
    .limit(limit);
}
