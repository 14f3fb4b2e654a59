// Taking back a /survey start or a /survey close, for the person who did it, for a day
// (core/undo.ts). A survey started by mistake is withdrawn: it takes no answers and
// counts nowhere (not listed, not the survey before the next one, not "asked
// recently") — but only while nobody has answered it, as answers are customer data:
// one with answers is closed instead, and nothing is lost. A closing is undone by
// opening the survey again, while it would still be open by its own end. Both audited.
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts, surveyResponses, surveys } from '../../db/schema.js';
import { auditedChange } from './audited-change.js';
import { recordAudit } from './audit.js';
import { UserError } from './errors.js';
import type { Survey } from './surveys.js';
import { formatDateTimeInZone } from './time.js';
import { undoRefusal, type UndoActor } from './undo.js';

/** The survey, locked for the change, with its account's name. */
async function lockedSurvey(tx: Db, workspaceId: string, surveyId: string): Promise<{ survey: Survey; accountName: string }> {
  const [row] = await tx
    .select({ survey: surveys, accountName: accounts.name })
    .from(surveys)
    .innerJoin(accounts, eq(accounts.id, surveys.accountId))
    .where(and(eq(surveys.workspaceId, workspaceId), eq(surveys.id, surveyId)))
    .for('update', { of: surveys });
  if (!row) throw new UserError('That survey no longer exists, so there is nothing to undo. See /survey list.');
  return row;
}

const surveyChange = (tx: Db, workspaceId: string, surveyId: string, action: string, at?: Date) =>
  auditedChange(tx, workspaceId, { entityType: 'survey', entityId: surveyId, actions: [action], ...(at ? { at } : {}) });

/** Withdraws a survey its starter takes back: no answers yet, or it is refused (close it instead). */
export async function withdrawSurvey(db: Db, workspaceId: string, surveyId: string, actor: UndoActor): Promise<{ survey: Survey; accountName: string }> {
  return db.transaction(async (tx) => {
    const { survey, accountName } = await lockedSurvey(tx, workspaceId, surveyId);
    if (survey.status === 'withdrawn') throw new UserError(`Survey #${survey.number} about ${accountName} was already withdrawn, so there is nothing to undo.`, { hint: 'See the surveys with /survey list.' });
    const started = await surveyChange(tx, workspaceId, survey.id, 'start');
    const refusal = undoRefusal(
      { what: `Survey #${survey.number} about ${accountName}`, madeBy: started?.actorUserId ?? null, madeByName: started?.actorName ?? null, at: started?.at ?? survey.openedAt },
      actor,
      `Close it with /survey close ${survey.number}.`,
    );
    if (refusal) throw refusal;
    const [answers] = await tx
      .select({ n: sql<number>`count(distinct ${surveyResponses.respondentKey})::int` })
      .from(surveyResponses)
      .where(and(eq(surveyResponses.surveyId, survey.id), isNotNull(surveyResponses.score)));
    const n = Number(answers?.n ?? 0);
    if (n > 0) {
      throw new UserError(`Survey #${survey.number} about ${accountName} already has ${n} response${n === 1 ? '' : 's'}, so it cannot be withdrawn: answers are the customer’s.`, {
        hint: survey.status === 'open' ? `Close it instead with /survey close ${survey.number}: nothing is lost.` : `It is closed already, with its answers kept: see /survey results ${survey.number}.`,
      });
    }
    const [withdrawn] = await tx.update(surveys).set({ status: 'withdrawn', closedAt: actor.now }).where(eq(surveys.id, survey.id)).returning();
    await recordAudit(tx, workspaceId, {
      actorUserId: actor.userId,
      at: actor.now,
      entityType: 'survey',
      entityId: survey.id,
      action: 'undo-start',
      before: { number: survey.number, status: survey.status },
      after: { number: survey.number, status: 'withdrawn' },
    });
    return { survey: withdrawn!, accountName };
  });
}

/** Opens again a survey closed at `at` by /survey close, for who closed it, while it would still be open. */
export async function reopenSurvey(db: Db, workspaceId: string, target: { surveyId: string; at: Date }, actor: UndoActor): Promise<{ survey: Survey; accountName: string }> {
  return db.transaction(async (tx) => {
    const { survey, accountName } = await lockedSurvey(tx, workspaceId, target.surveyId);
    const closed = await surveyChange(tx, workspaceId, survey.id, 'close', target.at);
    if (!closed) throw new UserError(`That closing of survey #${survey.number} is not in the audit log, so it cannot be undone.`, { hint: `See /survey results ${survey.number}.` });
    const refusal = undoRefusal({ what: `Closing survey #${survey.number}`, madeBy: closed.actorUserId, madeByName: closed.actorName, at: target.at }, actor, `Start a new one with /survey ${survey.kind} "${accountName}".`);
    if (refusal) throw refusal;
    if (survey.status === 'withdrawn') throw new UserError(`Survey #${survey.number} about ${accountName} was withdrawn since, so it cannot be opened again.`, { hint: `Start a new one with /survey ${survey.kind} "${accountName}".` });
    if (survey.status === 'open') throw new UserError(`Survey #${survey.number} about ${accountName} is open again already: that closing was undone.`, { hint: `Close it with /survey close ${survey.number}.` });
    // Reopened and closed again: the survey's closing is a later one.
    if (survey.closedAt?.getTime() !== target.at.getTime()) {
      throw new UserError(`Survey #${survey.number} about ${accountName} was opened and closed again since, so that closing can no longer be undone.`, { hint: `See /survey results ${survey.number}.` });
    }
    if (actor.now >= survey.closesAt) {
      throw new UserError(`Survey #${survey.number} about ${accountName} would have closed by itself on ${formatDateTimeInZone(survey.closesAt, actor.timezone)}, so it cannot be opened again.`, {
        hint: `Start a new one with /survey ${survey.kind} "${accountName}" (add force=yes if its respondents were asked recently).`,
      });
    }
    const [reopened] = await tx.update(surveys).set({ status: 'open', closedAt: null }).where(eq(surveys.id, survey.id)).returning();
    await recordAudit(tx, workspaceId, {
      actorUserId: actor.userId,
      at: actor.now,
      entityType: 'survey',
      entityId: survey.id,
      action: 'undo-close',
      before: { number: survey.number, status: 'closed', closedAt: target.at.toISOString() },
      after: { number: survey.number, status: 'open', closedAt: null },
    });
    return { survey: reopened!, accountName };
  });
}
