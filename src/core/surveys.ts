// NPS and CSAT surveys: start, answer (one answer per person per question, kept
// by a unique constraint, changeable until the survey closes), reasons, results,
// fatigue. Anonymous surveys store a keyed hash instead of who answered.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { and, desc, eq, gte, inArray, isNotNull, isNull, lt, ne, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.js';
import { qualified } from '../../db/qualified.js';
import { accounts, surveyResponses, surveys, users, workspaces } from '../../db/schema.js';
import { recordAudit } from './audit.js';
import { csatSummary, type CsatSummary } from './csat.js';
import { UserError } from './errors.js';
import { isUuid } from './ids.js';
import { npsBreakdown, type NpsBreakdown } from './nps.js';
import { nextNumber, type Workspace } from './workspaces.js';
import { daysAfter } from './time.js';

export type Survey = typeof surveys.$inferSelect;
export type SurveyKind = Survey['kind'];

/** Reasons and comments are stored against these pseudo-questions. */
export const COMMENT_QUESTION = 'comment';

export interface SurveySettings {
  closeAfterDays: number;
  fatigueDays: number;
  anonymousMinimum: number;
  autoNps: { enabled: boolean; leadDays: number };
}

const DEFAULT_SURVEY_SETTINGS: SurveySettings = { closeAfterDays: 7, fatigueDays: 30, anonymousMinimum: 3, autoNps: { enabled: false, leadDays: 120 } };

const whole = (v: unknown, min: number, max: number, fallback: number) =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback;

/** The workspace's survey settings (settings.surveys), each value checked, defaults otherwise. */
export function surveySettings(workspace: Pick<Workspace, 'settings'>): SurveySettings {
  const raw = ((workspace.settings ?? {}) as { surveys?: Record<string, unknown> }).surveys ?? {};
  const auto = (raw.autoNps ?? {}) as Record<string, unknown>;
  return {
    closeAfterDays: whole(raw.closeAfterDays, 1, 90, DEFAULT_SURVEY_SETTINGS.closeAfterDays),
    fatigueDays: whole(raw.fatigueDays, 0, 365, DEFAULT_SURVEY_SETTINGS.fatigueDays),
    anonymousMinimum: whole(raw.anonymousMinimum, 1, 50, DEFAULT_SURVEY_SETTINGS.anonymousMinimum),
    autoNps: { enabled: auto.enabled === true, leadDays: whole(auto.leadDays, 1, 730, DEFAULT_SURVEY_SETTINGS.autoNps.leadDays) },
  };
}

/**
 * The workspace's secret for anonymous respondent keys, created on first use. Kept
 * in the workspace row (never shown); the first writer wins under concurrency.
 */
export async function anonymityKey(db: Db, workspaceId: string): Promise<string> {
  const fresh = randomBytes(32).toString('hex');
  await db
    .update(workspaces)
    .set({ settings: sql`jsonb_set(${workspaces.settings}, '{surveyKey}', to_jsonb(${fresh}::text))` })
    .where(and(eq(workspaces.id, workspaceId), sql`not (${workspaces.settings} ? 'surveyKey')`));
  const [row] = await queryRows<{ key: string }>(db, sql`select settings->>'surveyKey' as key from workspaces where id = ${workspaceId}`);
  return row!.key;
}

/**
 * Who an answer belongs to. Named surveys use the platform identity; anonymous ones
 * a keyed hash per survey, so one person still has one answer but nothing links
 * the answer (or two surveys' answers) back to them.
 */
export function respondentKeyFor(survey: Pick<Survey, 'id' | 'anonymous'>, identity: string, anonymityKeyHex: string | null): string {
  if (!survey.anonymous) return `user:${identity}`;
  if (!anonymityKeyHex) throw new Error('anonymous surveys need the workspace key');
  return `anon:${createHmac('sha256', Buffer.from(anonymityKeyHex, 'hex')).update(`${survey.id}:${identity}`).digest('hex')}`;
}

/**
 * A short tag of a respondent key for the buttons of their private CSAT card, so a
 * press tells whose card it was on. One-way: it names no one, even for anonymous
 * surveys (whose keys are already keyed hashes).
 */
export function respondentTag(respondentKey: string): string {
  return createHash('sha256').update(respondentKey).digest('hex').slice(0, 16);
}

export async function startSurvey(
  db: Db,
  workspaceId: string,
  input: { accountId: string; kind: SurveyKind; channelId: string; anonymous: boolean; openedByUserId: string | null; now: Date; closeAfterDays: number },
): Promise<Survey> {
  const number = await nextNumber(db, workspaceId, 'survey');
  const [survey] = await db
    .insert(surveys)
    .values({
      workspaceId,
      number,
      accountId: input.accountId,
      kind: input.kind,
      channelId: input.channelId,
      anonymous: input.anonymous,
      status: 'open',
      openedByUserId: input.openedByUserId,
      openedAt: input.now,
      closesAt: daysAfter(input.now, input.closeAfterDays),
    })
    .returning();
  await recordAudit(db, workspaceId, {
    actorUserId: input.openedByUserId,
    at: input.now,
    entityType: 'survey',
    entityId: survey!.id,
    action: 'start',
    after: { number, kind: input.kind, accountId: input.accountId, anonymous: input.anonymous },
  });
  return survey!;
}

export async function surveyByNumber(db: Db, workspaceId: string, number: number): Promise<Survey | undefined> {
  const [row] = await db
    .select()
    .from(surveys)
    .where(and(eq(surveys.workspaceId, workspaceId), eq(surveys.number, number)));
  return row;
}

export async function surveyById(db: Db, workspaceId: string, id: string): Promise<Survey | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db
    .select()
    .from(surveys)
    .where(and(eq(surveys.workspaceId, workspaceId), eq(surveys.id, id)));
  return row;
}

export function isOpen(survey: Pick<Survey, 'status' | 'closesAt'>, now: Date): boolean {
  return survey.status === 'open' && now < survey.closesAt;
}

/**
 * An answer to someone who answers a survey: a customer, maybe. Written for them (issue
 * 22's rule): no survey number, and no usage line or command under it.
 */
export function respondentError(message: string): UserError {
  return new UserError(message, { usage: '', example: '' });
}

function closedError(survey: Survey): UserError {
  if (survey.status === 'withdrawn') return surveyWithdrawnError();
  return respondentError('This survey is closed, so your answer was not recorded. Thank you all the same!');
}

/** What a respondent is told about a withdrawn survey: written for the customer, so no number or command. */
export const SURVEY_WITHDRAWN = 'This survey was withdrawn, so there is nothing to answer: your answer was not recorded. Thank you all the same!';

export function surveyWithdrawnError(): UserError {
  return respondentError(SURVEY_WITHDRAWN);
}

/** What an answer did: a first answer, a changed one, or the score they had already given. */
export type AnswerOutcome = 'new' | 'changed' | 'unchanged';

/**
 * Records or changes one answer. The unique (survey, respondent, question) index
 * makes two simultaneous clicks one answer; the later click wins. The same score
 * again changes nothing (not even updated_at), so the person can be told so.
 */
export async function recordAnswer(
  db: Db,
  workspaceId: string,
  survey: Survey,
  input: { respondentKey: string; respondentUserId: string | null; question: string; score: number; now: Date },
): Promise<{ outcome: AnswerOutcome }> {
  if (!isOpen(survey, input.now)) throw closedError(survey);
  return db.transaction(async (tx) => {
    // Read again under a share lock: a closing or a withdrawal under way (which lock the
    // survey for update) finishes first, and then this answer is refused, not stored.
    const [current] = await tx
      .select()
      .from(surveys)
      .where(and(eq(surveys.workspaceId, workspaceId), eq(surveys.id, survey.id)))
      .for('share');
    if (!current || !isOpen(current, input.now)) throw closedError(current ?? survey);
    // Raw SQL for `xmax = 0` (new row vs changed answer); instants go in as ISO text
    // because Drizzle's postgres.js setup does not serialize Date parameters here.
    // The conflict's `where` skips an unchanged score: then no row comes back.
    const [row] = await queryRows<{ inserted: boolean }>(
      tx,
      sql`insert into survey_responses (workspace_id, survey_id, respondent_key, respondent_user_id, question, score, answered_at, updated_at)
          values (${workspaceId}, ${survey.id}, ${input.respondentKey}, ${input.respondentUserId}, ${input.question}, ${input.score}, ${input.now.toISOString()}, ${input.now.toISOString()})
          on conflict (survey_id, respondent_key, question)
          do update set score = excluded.score, updated_at = excluded.updated_at
          where survey_responses.score is distinct from excluded.score
          returning (xmax = 0) as inserted`,
    );
    return { outcome: row === undefined ? 'unchanged' : row.inserted ? 'new' : 'changed' };
  });
}

/** The respondent's scores in a survey, by question (reasons and comments left out). */
export async function answersOf(db: Db, surveyId: string, respondentKey: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ question: surveyResponses.question, score: surveyResponses.score })
    .from(surveyResponses)
    .where(and(eq(surveyResponses.surveyId, surveyId), eq(surveyResponses.respondentKey, respondentKey), isNotNull(surveyResponses.score)));
  return new Map(rows.map((r) => [r.question, r.score!]));
}

/** Reasons and comments belong to an answer: someone who gave no score has nothing to explain. */
export function notAnsweredError(survey: Pick<Survey, 'kind'>): UserError {
  return respondentError(
    survey.kind === 'nps'
      ? 'Only people who answered this survey can add a reason. Pick a score first; then you can say why.'
      : 'Only people who answered this survey can add a comment. Answer at least one question first.',
  );
}

/** Adds (or replaces) the respondent's reason or comment. */
export async function recordReason(
  db: Db,
  workspaceId: string,
  survey: Survey,
  input: { respondentKey: string; respondentUserId: string | null; reason: string; now: Date },
): Promise<void> {
  if (!isOpen(survey, input.now)) throw closedError(survey);
  if ((await answersOf(db, survey.id, input.respondentKey)).size === 0) throw notAnsweredError(survey);
  await db
    .insert(surveyResponses)
    .values({
      workspaceId,
      surveyId: survey.id,
      respondentKey: input.respondentKey,
      respondentUserId: input.respondentUserId,
      question: COMMENT_QUESTION,
      score: null,
      reason: input.reason,
      answeredAt: input.now,
      updatedAt: input.now,
    })
    .onConflictDoUpdate({
      target: [surveyResponses.surveyId, surveyResponses.respondentKey, surveyResponses.question],
      set: { reason: input.reason, updatedAt: input.now },
    });
}

/** How many people have answered at least one scored question. */
export async function respondentCount(db: Db, surveyId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(distinct ${surveyResponses.respondentKey})::int` })
    .from(surveyResponses)
    .where(and(eq(surveyResponses.surveyId, surveyId), isNotNull(surveyResponses.score)));
  return Number(row!.n);
}

export async function closeSurvey(db: Db, workspaceId: string, survey: Survey, actor: { userId: string | null; now: Date }): Promise<boolean> {
  const closed = await db
    .update(surveys)
    .set({ status: 'closed', closedAt: actor.now })
    .where(and(eq(surveys.workspaceId, workspaceId), eq(surveys.id, survey.id), eq(surveys.status, 'open')))
    .returning({ id: surveys.id });
  if (closed.length > 0) {
    await recordAudit(db, workspaceId, { actorUserId: actor.userId, at: actor.now, entityType: 'survey', entityId: survey.id, action: 'close' });
  }
  return closed.length > 0;
}

export interface SurveyResults {
  survey: Survey;
  respondents: number;
  /** False for anonymous surveys below the minimum: no scores may be shown. */
  visible: boolean;
  nps?: NpsBreakdown;
  csat?: CsatSummary;
  reasons: { name: string | null; score: number | null; text: string }[];
  previous?: { number: number; score: number | null };
}

async function scoreOf(db: Db, survey: Survey): Promise<{ nps?: NpsBreakdown; csat?: CsatSummary; respondents: number }> {
  const rows = await db
    .select({ key: surveyResponses.respondentKey, question: surveyResponses.question, score: surveyResponses.score })
    .from(surveyResponses)
    .where(and(eq(surveyResponses.surveyId, survey.id), isNotNull(surveyResponses.score)));
  const respondents = new Set(rows.map((r) => r.key)).size;
  if (survey.kind === 'nps') return { nps: npsBreakdown(rows.filter((r) => r.question === 'nps').map((r) => r.score!)), respondents };
  return { csat: csatSummary(rows.map((r) => ({ respondent: r.key, question: r.question, score: r.score! }))), respondents };
}

export async function surveyResults(db: Db, workspaceId: string, survey: Survey, settings: SurveySettings): Promise<SurveyResults> {
  const { nps, csat, respondents } = await scoreOf(db, survey);
  const visible = !survey.anonymous || respondents >= settings.anonymousMinimum;
  const reasonRows = await db
    .select({ key: surveyResponses.respondentKey, text: surveyResponses.reason, name: users.displayName })
    .from(surveyResponses)
    .leftJoin(users, eq(users.id, surveyResponses.respondentUserId))
    .where(and(eq(surveyResponses.surveyId, survey.id), isNotNull(surveyResponses.reason)))
    .orderBy(surveyResponses.answeredAt);
  const scores = await db
    .select({ key: surveyResponses.respondentKey, score: surveyResponses.score })
    .from(surveyResponses)
    .where(and(eq(surveyResponses.surveyId, survey.id), inArray(surveyResponses.question, ['nps', 'q1'])));
  const scoreByKey = new Map(scores.map((s) => [s.key, s.score]));
  const reasons = visible
    ? reasonRows.map((r) => ({ name: survey.anonymous ? null : (r.name ?? null), score: survey.anonymous ? null : (scoreByKey.get(r.key) ?? null), text: r.text! }))
    : [];
  const [prior] = await db
    .select()
    .from(surveys)
    .where(
      and(
        eq(surveys.workspaceId, workspaceId),
        eq(surveys.accountId, survey.accountId),
        eq(surveys.kind, survey.kind),
        lt(surveys.openedAt, survey.openedAt),
        ne(surveys.id, survey.id),
        ne(surveys.status, 'withdrawn'),
      ),
    )
    .orderBy(desc(surveys.openedAt))
    .limit(1);
  let previous: SurveyResults['previous'];
  if (prior) {
    const p = await scoreOf(db, prior);
    const priorVisible = !prior.anonymous || p.respondents >= settings.anonymousMinimum;
    // A CSAT as shown (truncated hundredths), so the change shown is the difference of the figures shown.
    previous = { number: prior.number, score: !priorVisible ? null : survey.kind === 'nps' ? (p.nps?.score ?? null) : p.csat?.overall ? p.csat.overall.hundredths / 100 : null };
  }
  return { survey, respondents, visible, ...(visible ? { nps, csat } : {}), reasons, ...(previous ? { previous } : {}) };
}

/**
 * The latest surveys, of one account or of every account still in the portfolio: an
 * archived account's surveys leave the list (asked for by name, they are shown). A
 * withdrawn survey is in no list.
 */
export async function listSurveys(db: Db, workspaceId: string, options: { accountId?: string; limit?: number } = {}): Promise<(Survey & { respondents: number })[]> {
  const rows = await db
    .select({ survey: surveys, respondents: sql<number>`(select count(distinct r.respondent_key)::int from survey_responses r where r.survey_id = ${qualified(surveys.id)} and r.score is not null)` })
    .from(surveys)
    .innerJoin(accounts, eq(accounts.id, surveys.accountId))
    .where(
      and(
        eq(surveys.workspaceId, workspaceId),
        ne(surveys.status, 'withdrawn'),
        options.accountId ? eq(surveys.accountId, options.accountId) : isNull(accounts.archivedAt),
      ),
    )
    .orderBy(desc(surveys.openedAt))
    .limit(options.limit ?? 20);
  return rows.map((r) => ({ ...r.survey, respondents: Number(r.respondents) }));
}

/**
 * Who answered a survey about the account since `since`: the fatigue rule's
 * "asked recently". Named respondents by name; anonymous ones only counted.
 */
export async function recentlyAsked(
  db: Db,
  workspaceId: string,
  accountId: string,
  since: Date,
): Promise<{ names: string[]; anonymous: number; lastNumber: number | null; userIds: string[] }> {
  const rows = await db
    .selectDistinct({ key: surveyResponses.respondentKey, userId: surveyResponses.respondentUserId, name: users.displayName, number: surveys.number })
    .from(surveyResponses)
    .innerJoin(surveys, eq(surveys.id, surveyResponses.surveyId))
    .leftJoin(users, eq(users.id, surveyResponses.respondentUserId))
    .where(and(eq(surveys.workspaceId, workspaceId), eq(surveys.accountId, accountId), gte(surveys.openedAt, since), isNotNull(surveyResponses.score)));
  const named = new Map<string, string>();
  const anonymous = new Set<string>();
  for (const r of rows) {
    if (r.key.startsWith('anon:')) anonymous.add(r.key);
    else if (r.userId) named.set(r.userId, r.name ?? r.key.replace(/^user:/, ''));
    else named.set(r.key, r.key.replace(/^user:/, '').replace(/^contact:/, ''));
  }
  const lastNumber = rows.reduce<number | null>((max, r) => (max === null || r.number > max ? r.number : max), null);
  return { names: [...named.values()].sort(), anonymous: anonymous.size, lastNumber, userIds: [...named.keys()] };
}
