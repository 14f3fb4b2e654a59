// Scheduled survey work (every 15 minutes): close surveys whose time is up and
// say so in their channel; one mid-point reminder, privately, to the channel
// members who have not answered (where the platform can tell who they are);
// and the automatic NPS survey before renewal for workspaces that turned it on.
// Each happens once across replicas: the closing note, the reminder and the
// automatic survey are claimed in the job ledger first (run-once.ts), and a claim
// whose claimer died before finishing is taken over, so the work is still done.
import { closingMessage, surveyMessage } from '../../commands/survey-messages.js';
import { channelStanding } from '../core/channel-kinds.js';
import { partnerNameFor } from '../core/settings.js';
import { heldRun, releaseRun, noteRun } from '../core/ledger.js';
import {
  accountsRenewingWithChannel,
  discardSurvey,
  markReminderSent,
  membersWhoAnswered,
  surveyedSince,
  surveysAwaitingReminder,
  surveysToClose,
} from '../core/survey-schedule.js';
import { closeSurvey, respondentCount, startSurvey, surveyById, surveySettings, type Survey } from '../core/surveys.js';
import { addDays, daysBefore, localDate } from '../core/time.js';
import { activeWorkspaces, type Platform, type Workspace } from '../core/workspaces.js';
import { context, text } from '../messages/builders.js';
import type { ChannelAudience } from './delivery.js';
import { claimOnce, onceDeps, postClaimed, recordOutcome, recordUnrecorded, withMemory, type JobDeps, type OnceDeps } from './run-once.js';
import type { ScheduledJob } from './scheduler.js';

export const SURVEY_JOB_SCHEDULE = '*/15 * * * *';
export const SURVEY_CLOSE_JOB = 'survey-close';
export const SURVEY_REMINDER_JOB = 'survey-reminder';
export const AUTO_NPS_JOB = 'auto-nps';
/** How long a closing note's or an automatic survey's claim stays its claimer's: claiming to posting takes seconds. */
export const SURVEY_POST_LEASE_MS = 5 * 60_000;
/**
 * How long a reminder's claim stays its claimer's: it sends one private message
 * per member, which in a large channel under the platform's rate limits takes minutes.
 */
export const SURVEY_REMINDER_LEASE_MS = 30 * 60_000;

export interface SurveyJobDeps extends JobDeps {
  audiences: Partial<Record<Platform, ChannelAudience>>;
}

type SurveyOnceDeps = SurveyJobDeps & OnceDeps;

export interface SurveyJobResult {
  closed: number;
  reminded: number;
  autoStarted: number;
}

async function closeDue(deps: SurveyOnceDeps, workspace: Workspace, now: Date): Promise<number> {
  let closed = 0;
  for (const survey of await surveysToClose(deps.db, workspace.id, { now, closeNoteJob: SURVEY_CLOSE_JOB })) {
    const claim = await claimOnce(deps, { jobName: SURVEY_CLOSE_JOB, periodKey: survey.id, workspaceId: workspace.id, now, leaseMs: SURVEY_POST_LEASE_MS, what: 'a survey closing note' });
    if (!claim) continue; // another replica or run has it
    // Closed already when taken over from a claimer that closed it and died before announcing.
    if (survey.status === 'open' && !(await closeSurvey(deps.db, workspace.id, survey, { userId: null, now }))) {
      await recordOutcome(deps, [claim], { status: 'done', now, detail: { skipped: 'closed by someone else' } });
      continue;
    }
    if (survey.status === 'open') closed++;
    if (!survey.channelId) {
      await recordOutcome(deps, [claim], { status: 'done', now, detail: { skipped: 'no channel' } });
      continue;
    }
    const responses = await respondentCount(deps.db, survey.id);
    // Written for whoever answered; the team's pointer to the results only where the customer does not read.
    const announcement = closingMessage(responses, partnerNameFor(workspace));
    if ((await channelStanding(deps.db, workspace.id, survey.channelId)).kind !== 'customer') announcement.blocks.push(context(`Results: /survey results ${survey.number}`));
    // Not retried when refused either: the survey is closed, and its results say the same.
    const posted = await postClaimed(deps, [claim], { workspace, channelId: survey.channelId, message: announcement, now, detail: { survey: survey.number } });
    if (posted.outcome !== 'posted') deps.logger.warn({ err: posted.error, survey: survey.number, workspaceId: workspace.id }, 'could not announce a closed survey');
  }
  return closed;
}

async function remindAtMidpoint(deps: SurveyOnceDeps, workspace: Workspace, now: Date): Promise<number> {
  const audience = deps.audiences[workspace.platform];
  if (!audience) return 0; // nobody to ask: the platform cannot tell who is in the channel
  let reminded = 0;
  for (const survey of await surveysAwaitingReminder(deps.db, workspace.id, now)) {
    const midpoint = new Date((survey.openedAt.getTime() + survey.closesAt.getTime()) / 2);
    if (now < midpoint || !survey.channelId) continue;
    const claim = await claimOnce(deps, { jobName: SURVEY_REMINDER_JOB, periodKey: survey.id, workspaceId: workspace.id, now, leaseMs: SURVEY_REMINDER_LEASE_MS, what: 'a survey reminder' });
    if (!claim) continue; // never more than one reminder
    const members = await audience.members(workspace, survey.channelId);
    if (members === null) {
      await releaseRun(deps.db, claim); // unknown right now: a later run may learn it
      continue;
    }
    const done = await membersWhoAnswered(deps.db, workspace, survey, members);
    const partner = partnerNameFor(workspace);
    const reminder = surveyMessage(survey, await respondentCount(deps.db, survey.id), { timezone: workspace.timezone, open: true, partner });
    reminder.visibility = 'ephemeral';
    reminder.blocks.unshift(text(`⏰ A friendly reminder: this survey from ${partner} closes soon and we'd value your answer.`));
    let sent = 0;
    for (const member of members.filter((m) => !done.has(m))) {
      try {
        await audience.postPrivately(workspace, survey.channelId, member, reminder);
        sent++;
      } catch (err) {
        deps.logger.warn({ err, member, survey: survey.number }, 'could not remind a member');
      }
    }
    await markReminderSent(deps.db, workspace.id, survey.id, now);
    await recordOutcome(deps, [claim], { status: 'done', now, detail: { reminded: sent } });
    reminded += sent;
  }
  return reminded;
}

async function autoNps(deps: SurveyOnceDeps, workspace: Workspace, now: Date): Promise<number> {
  const settings = surveySettings(workspace);
  if (!settings.autoNps.enabled || !deps.deliveries[workspace.platform]) return 0;
  const today = localDate(now, workspace.timezone);
  const due = await accountsRenewingWithChannel(deps.db, workspace.id, { from: today, to: addDays(today, settings.autoNps.leadDays) });
  const fatigueSince = daysBefore(now, settings.fatigueDays);
  let started = 0;
  for (const { account, channelId } of due) {
    const periodKey = `${account.id}:${account.renewalDate}`;
    const held = await heldRun(deps.db, AUTO_NPS_JOB, periodKey);
    if (held && held.status !== 'running') continue; // posted (or tried) for this renewal
    // Fatigue counts only for a survey not yet begun: one left by a claimer that died is this survey.
    if (!held && (await surveyedSince(deps.db, workspace.id, account.id, fatigueSince))) continue;
    const claim = await claimOnce(deps, { jobName: AUTO_NPS_JOB, periodKey, workspaceId: workspace.id, now, leaseMs: SURVEY_POST_LEASE_MS, what: 'an automatic NPS survey' });
    if (!claim) continue;
    // A claimer that died after starting the survey left it open and unposted: that one is posted.
    const earlier = claim.takenOver?.detail.surveyId;
    let survey: Survey | undefined = typeof earlier === 'string' ? await surveyById(deps.db, workspace.id, earlier) : undefined;
    if (survey?.status !== 'open') {
      survey = await deps.db.transaction(async (tx) => {
        const begun = await startSurvey(tx, workspace.id, { accountId: account.id, kind: 'nps', channelId, anonymous: false, openedByUserId: null, now, closeAfterDays: settings.closeAfterDays });
        await noteRun(tx, claim, { surveyId: begun.id });
        return begun;
      });
    }
    const posted = await postClaimed(deps, [claim], {
      workspace,
      channelId,
      message: surveyMessage(survey, 0, { timezone: workspace.timezone, open: true, partner: partnerNameFor(workspace) }),
      now,
      detail: { survey: survey.number },
      // Nothing reached the channel: the survey goes too, so the next run starts it afresh.
      undo: () => discardSurvey(deps.db, workspace.id, survey.id),
    });
    if (posted.outcome === 'posted') started++;
    else deps.logger.warn({ err: posted.error, account: account.name }, 'could not post the automatic NPS survey');
  }
  return started;
}

export async function runSurveyJobs(deps: SurveyJobDeps, now: Date): Promise<SurveyJobResult> {
  const once = onceDeps(deps);
  const result: SurveyJobResult = { closed: 0, reminded: 0, autoStarted: 0 };
  await recordUnrecorded(once);
  const platforms = (Object.keys(deps.deliveries) as Platform[]).filter((p) => deps.deliveries[p] !== undefined);
  for (const workspace of await activeWorkspaces(deps.db, platforms)) {
    try {
      result.closed += await closeDue(once, workspace, now);
      result.reminded += await remindAtMidpoint(once, workspace, now);
      result.autoStarted += await autoNps(once, workspace, now);
    } catch (err) {
      deps.logger.error({ err, workspaceId: workspace.id }, 'survey jobs failed for a workspace');
    }
  }
  return result;
}

export function surveyJob(deps: SurveyJobDeps, timezone: string): ScheduledJob {
  const kept = withMemory(deps);
  return { name: 'surveys', schedule: SURVEY_JOB_SCHEDULE, timezone, run: (now) => runSurveyJobs(kept, now) };
}
