// What the scheduled survey work finds to do: surveys to close (and announce),
// open surveys still owed their mid-point reminder and who has answered them, and
// the accounts due the automatic NPS survey before renewal.
import { and, eq, gte, isNull, lte, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { qualified } from '../../db/qualified.js';
import { accountChannels, accounts, channelSettings, surveyResponses, surveys } from '../../db/schema.js';
import type { Account } from './accounts.js';
import { runIs } from './ledger.js';
import { anonymityKey, respondentKeyFor, type Survey } from './surveys.js';
import type { Workspace } from './workspaces.js';

/**
 * Open surveys whose time is up, and closed ones whose closing announcement the
 * ledger holds as still under way under `closeNoteJob` (period key: the survey id):
 * their claimer may have closed them and died before announcing.
 */
export async function surveysToClose(db: Db, workspaceId: string, options: { now: Date; closeNoteJob: string }): Promise<Survey[]> {
  return db
    .select()
    .from(surveys)
    .where(
      and(
        eq(surveys.workspaceId, workspaceId),
        or(
          and(eq(surveys.status, 'open'), lte(surveys.closesAt, options.now)),
          and(eq(surveys.status, 'closed'), runIs(options.closeNoteJob, sql`${surveys.id}::text`, 'running')),
        ),
      ),
    );
}

/** Open surveys that have not had their mid-point reminder yet. */
export async function surveysAwaitingReminder(db: Db, workspaceId: string, now: Date): Promise<Survey[]> {
  return db
    .select()
    .from(surveys)
    .where(and(eq(surveys.workspaceId, workspaceId), eq(surveys.status, 'open'), isNull(surveys.reminderSentAt), gte(surveys.closesAt, now)));
}

export async function markReminderSent(db: Db, workspaceId: string, surveyId: string, now: Date): Promise<void> {
  await db
    .update(surveys)
    .set({ reminderSentAt: now })
    .where(and(eq(surveys.workspaceId, workspaceId), eq(surveys.id, surveyId)));
}

/** Which of these platform user ids have answered, anonymous answers included (matched by their keyed hash). */
export async function membersWhoAnswered(db: Db, workspace: Pick<Workspace, 'id' | 'platform'>, survey: Survey, members: string[]): Promise<Set<string>> {
  const rows = await db
    .selectDistinct({ key: surveyResponses.respondentKey })
    .from(surveyResponses)
    .where(and(eq(surveyResponses.surveyId, survey.id), sql`${surveyResponses.score} is not null`));
  const keys = new Set(rows.map((r) => r.key));
  const secret = survey.anonymous ? await anonymityKey(db, workspace.id) : null;
  return new Set(members.filter((m) => keys.has(respondentKeyFor(survey, `${workspace.platform}:${m}`, secret))));
}

/** `ac` (an account_channels row) is a customer channel: linked so, or shared with another organisation. */
const CUSTOMER_CHANNEL = sql`(ac.kind = 'customer' or exists (select 1 from ${channelSettings} cs where cs.workspace_id = ac.workspace_id and cs.channel_id = ac.channel_id and cs.shared_externally))`;

/**
 * Accounts (not churned) renewing between `from` and `to`, with the first customer
 * channel of each (surveys go where the customer reads); those with none are left out.
 */
export async function accountsRenewingWithChannel(db: Db, workspaceId: string, window: { from: string; to: string }): Promise<{ account: Account; channelId: string }[]> {
  return db
    .select({
      account: accounts,
      channelId: sql<string>`(select ac.channel_id from ${accountChannels} ac where ac.account_id = ${qualified(accounts.id)} and ${CUSTOMER_CHANNEL} order by ac.linked_at limit 1)`,
    })
    .from(accounts)
    .where(
      and(
        eq(accounts.workspaceId, workspaceId),
        ne(accounts.stage, 'churned'),
        isNull(accounts.archivedAt),
        gte(accounts.renewalDate, window.from),
        lte(accounts.renewalDate, window.to),
        sql`exists (select 1 from ${accountChannels} ac where ac.account_id = ${qualified(accounts.id)} and ${CUSTOMER_CHANNEL})`,
      ),
    );
}

/** Whether a survey about the account was opened since `since` (the fatigue rule for automatic surveys); a withdrawn one asked nobody. */
export async function surveyedSince(db: Db, workspaceId: string, accountId: string, since: Date): Promise<boolean> {
  const [recent] = await db
    .select({ id: surveys.id })
    .from(surveys)
    .where(and(eq(surveys.workspaceId, workspaceId), eq(surveys.accountId, accountId), gte(surveys.openedAt, since), ne(surveys.status, 'withdrawn')))
    .limit(1);
  return recent !== undefined;
}

/** Removes an automatic survey that never reached its channel, so the next run starts it afresh. */
export async function discardSurvey(db: Db, workspaceId: string, surveyId: string): Promise<void> {
  await db.delete(surveys).where(and(eq(surveys.workspaceId, workspaceId), eq(surveys.id, surveyId)));
}
