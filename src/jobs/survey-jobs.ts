// Scheduled survey work (every 15 minutes): close surveys whose time is up and
// say so in their channel; one mid-point reminder, privately, to the channel
// members who have not answered (where the platform can tell who they are);
// and the automatic NPS survey before renewal for workspaces that turned it on.
// Each happens once across replicas: closing is a conditional update, the
// reminder and the automatic survey are claimed in the job ledger first.
import { and, eq, gte, isNull, lte, ne, sql } from 'drizzle-orm';
import { surveyMessage } from '../../commands/survey-messages.js';
import type { Db } from '../../db/client.js';
import { accountChannels, accounts, surveyResponses, surveys } from '../../db/schema.js';
import { closeSurvey, respondentCount, respondentKeyFor, startSurvey, surveySettings, anonymityKey, type Survey } from '../core/surveys.js';
import { addDays, daysBefore, localDate } from '../core/time.js';
import { activeWorkspaces, type Platform, type Workspace } from '../core/workspaces.js';
import { context, message, text } from '../messages/builders.js';
import { DeliveryNotSent, type ChannelAudience, type Deliveries } from './delivery.js';
import { claimRun, finishRun, releaseRun } from '../core/ledger.js';
import type { ScheduledJob, SchedulerLog } from './scheduler.js';

export const SURVEY_JOB_SCHEDULE = '*/15 * * * *';

export interface SurveyJobDeps {
  db: Db;
  deliveries: Deliveries;
  audiences: Partial<Record<Platform, ChannelAudience>>;
  logger: SchedulerLog;
}

export interface SurveyJobResult {
  closed: number;
  reminded: number;
  autoStarted: number;
}

async function accountName(db: Db, accountId: string): Promise<string> {
  const [row] = await db.select({ name: accounts.name }).from(accounts).where(eq(accounts.id, accountId));
  return row?.name ?? 'an account';
}

async function closeDue(deps: SurveyJobDeps, workspace: Workspace, now: Date): Promise<number> {
  const due = await deps.db
    .select()
    .from(surveys)
    .where(and(eq(surveys.workspaceId, workspace.id), eq(surveys.status, 'open'), lte(surveys.closesAt, now)));
  let closed = 0;
  for (const survey of due) {
    if (!(await closeSurvey(deps.db, workspace.id, survey, { userId: null, now }))) continue; // another replica did
    closed++;
    const delivery = deps.deliveries[workspace.platform];
    if (!delivery || !survey.channelId) continue;
    const responses = await respondentCount(deps.db, survey.id);
    const name = await accountName(deps.db, survey.accountId);
    const note = `Survey #${survey.number} about ${name} has closed with ${responses} response${responses === 1 ? '' : 's'}.`;
    try {
      await delivery.post(workspace, survey.channelId, message(note, [text(`🗳️ ${note} Thank you to everyone who answered.`), context(`Results: /survey results ${survey.number}`)], { visibility: 'channel' }));
    } catch (err) {
      deps.logger.warn({ err, survey: survey.number, workspaceId: workspace.id }, 'could not announce a closed survey');
    }
  }
  return closed;
}

/** Platform user ids that have answered, including anonymous answers matched by their keyed hash. */
async function answered(db: Db, workspace: Workspace, survey: Survey, members: string[]): Promise<Set<string>> {
  const rows = await db
    .selectDistinct({ key: surveyResponses.respondentKey })
    .from(surveyResponses)
    .where(and(eq(surveyResponses.surveyId, survey.id), sql`${surveyResponses.score} is not null`));
  const keys = new Set(rows.map((r) => r.key));
  const secret = survey.anonymous ? await anonymityKey(db, workspace.id) : null;
  return new Set(members.filter((m) => keys.has(respondentKeyFor(survey, `${workspace.platform}:${m}`, secret))));
}

async function remindAtMidpoint(deps: SurveyJobDeps, workspace: Workspace, now: Date): Promise<number> {
  const audience = deps.audiences[workspace.platform];
  if (!audience) return 0; // nobody to ask: the platform cannot tell who is in the channel
  const open = await deps.db
    .select()
    .from(surveys)
    .where(and(eq(surveys.workspaceId, workspace.id), eq(surveys.status, 'open'), isNull(surveys.reminderSentAt), gte(surveys.closesAt, now)));
  let reminded = 0;
  for (const survey of open) {
    const midpoint = new Date((survey.openedAt.getTime() + survey.closesAt.getTime()) / 2);
    if (now < midpoint || !survey.channelId) continue;
    const claim = await claimRun(deps.db, { jobName: 'survey-reminder', periodKey: survey.id, workspaceId: workspace.id, now });
    if (!claim) continue; // never more than one reminder
    const members = await audience.members(workspace, survey.channelId);
    if (members === null) {
      await releaseRun(deps.db, claim); // unknown right now: a later run may learn it
      continue;
    }
    const done = await answered(deps.db, workspace, survey, members);
    const account = (await deps.db.select().from(accounts).where(eq(accounts.id, survey.accountId)))[0]!;
    const reminder = surveyMessage(survey, account, await respondentCount(deps.db, survey.id), { timezone: workspace.timezone, open: true });
    reminder.visibility = 'ephemeral';
    reminder.blocks.unshift(text(`⏰ A friendly reminder: survey #${survey.number} about **${account.name}** closes soon and we'd value your answer.`));
    let sent = 0;
    for (const member of members.filter((m) => !done.has(m))) {
      try {
        await audience.postPrivately(workspace, survey.channelId, member, reminder);
        sent++;
      } catch (err) {
        deps.logger.warn({ err, member, survey: survey.number }, 'could not remind a member');
      }
    }
    await deps.db.update(surveys).set({ reminderSentAt: now }).where(eq(surveys.id, survey.id));
    await finishRun(deps.db, claim, { status: 'done', now, detail: { reminded: sent } });
    reminded += sent;
  }
  return reminded;
}

async function autoNps(deps: SurveyJobDeps, workspace: Workspace, now: Date): Promise<number> {
  const settings = surveySettings(workspace);
  const delivery = deps.deliveries[workspace.platform];
  if (!settings.autoNps.enabled || !delivery) return 0;
  const today = localDate(now, workspace.timezone);
  const horizon = addDays(today, settings.autoNps.leadDays);
  const due = await deps.db
    .select({ account: accounts, channelId: sql<string>`(select ac.channel_id from account_channels ac where ac.account_id = ${accounts.id} order by ac.linked_at limit 1)` })
    .from(accounts)
    .where(and(eq(accounts.workspaceId, workspace.id), ne(accounts.stage, 'churned'), gte(accounts.renewalDate, today), lte(accounts.renewalDate, horizon), sql`exists (select 1 from ${accountChannels} ac where ac.account_id = ${accounts.id})`));
  const fatigueSince = daysBefore(now, settings.fatigueDays);
  let started = 0;
  for (const { account, channelId } of due) {
    const [recent] = await deps.db
      .select({ id: surveys.id })
      .from(surveys)
      .where(and(eq(surveys.workspaceId, workspace.id), eq(surveys.accountId, account.id), gte(surveys.openedAt, fatigueSince)))
      .limit(1);
    if (recent) continue; // respects the fatigue limit
    const claim = await claimRun(deps.db, { jobName: 'auto-nps', periodKey: `${account.id}:${account.renewalDate}`, workspaceId: workspace.id, now });
    if (!claim) continue;
    const survey = await deps.db.transaction((tx) =>
      startSurvey(tx, workspace.id, { accountId: account.id, kind: 'nps', channelId, anonymous: false, openedByUserId: null, now, closeAfterDays: settings.closeAfterDays }),
    );
    try {
      await delivery.post(workspace, channelId, surveyMessage(survey, account, 0, { timezone: workspace.timezone, open: true }));
      await finishRun(deps.db, claim, { status: 'done', now, detail: { survey: survey.number } });
      started++;
    } catch (err) {
      if (err instanceof DeliveryNotSent) {
        // Nothing reached the channel: undo, so the next run tries again.
        await deps.db.delete(surveys).where(eq(surveys.id, survey.id));
        await releaseRun(deps.db, claim);
      } else await finishRun(deps.db, claim, { status: 'failed', now, detail: { survey: survey.number } });
      deps.logger.warn({ err, account: account.name }, 'could not post the automatic NPS survey');
    }
  }
  return started;
}

export async function runSurveyJobs(deps: SurveyJobDeps, now: Date): Promise<SurveyJobResult> {
  const result: SurveyJobResult = { closed: 0, reminded: 0, autoStarted: 0 };
  const platforms = (Object.keys(deps.deliveries) as Platform[]).filter((p) => deps.deliveries[p] !== undefined);
  for (const workspace of await activeWorkspaces(deps.db, platforms)) {
    try {
      result.closed += await closeDue(deps, workspace, now);
      result.reminded += await remindAtMidpoint(deps, workspace, now);
      result.autoStarted += await autoNps(deps, workspace, now);
    } catch (err) {
      deps.logger.error({ err, workspaceId: workspace.id }, 'survey jobs failed for a workspace');
    }
  }
  return result;
}

export function surveyJob(deps: SurveyJobDeps, timezone: string): ScheduledJob {
  return { name: 'surveys', schedule: SURVEY_JOB_SCHEDULE, timezone, run: (now) => runSurveyJobs(deps, now) };
}
