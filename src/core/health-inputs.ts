// Gathers the health score's inputs for every account of a workspace (or one) with
// three set-based statements: the accounts with their last touch and last three spend
// readings (both kept on the account by triggers), open tickets by severity and SLA
// breaches of the last 90 days, NPS counts and CSAT totals of the last 180 days. No
// per-account query loop, whatever the portfolio size.
import { sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { preparedSql } from '../../db/statements.js';
import { csatScore, csatTotalsFromRow, type CsatScore } from './csat.js';
import { DEFAULT_HEALTH_CONFIG, healthScore, type HealthConfig, type HealthInputs, type HealthResult } from './health.js';
import { snapshotView, type SnapshotView, type StoredSnapshot } from './health-snapshots.js';
import { daysBefore, localDate } from './time.js';


/** An account's own fields, the inputs its score was computed from, and the score. */
export interface AccountHealth {
  accountId: string;
  name: string;
  ownerUserId: string | null;
  renewalDate: string | null;
  arrCents: number | null;
  stage: string;
  inputs: HealthInputs;
  /** The CSAT of the last 180 days (inputs.csat is its value); null without answers. */
  csat: CsatScore | null;
  health: HealthResult;
}

interface AccountRaw extends Record<string, unknown> {
  id: string;
  name: string;
  owner_user_id: string | null;
  arr_cents: string | number | null;
  stage: string;
  licensed_users: number | null;
  active_users: number | null;
  kickoff_date: string | null;
  contract_start: string | null;
  renewal_text: string | null;
  created_day: string;
  last_touch_day: string | null;
  spend: string | null;
  forecast: string | number | null;
}

interface TicketRaw extends Record<string, unknown> {
  account_id: string;
  crit: number;
  major: number;
  minor: number;
  cosmetic: number;
  breaches: number;
}

interface AnswerRaw extends Record<string, unknown> {
  account_id: string;
  promoters: number;
  detractors: number;
  nps_total: number;
  /** CSAT per question, summed over the window (csatTotalsFromRow reads them). */
  q1_sum: string | number | null;
  q1_count: string | number | null;
  q2_sum: string | number | null;
  q2_count: string | number | null;
  q3_sum: string | number | null;
  q3_count: string | number | null;
}

/**
 * The values every statement here takes. The statements are written with placeholders
 * and built once (db/statements.ts): /health for one account runs on every view of a
 * card, and the portfolio's three statements on every digest and daily pass.
 */
type StatementValues = {
  workspaceId: string;
  nowIso: string;
  since90: string;
  since180: string;
  timezone: string;
  accountId?: string;
};

/** The placeholders the statements are written with, one per StatementValues field. */
const param: Record<keyof StatementValues, Placeholder> = {
  workspaceId: sql.placeholder('workspaceId'),
  nowIso: sql.placeholder('nowIso'),
  since90: sql.placeholder('since90'),
  since180: sql.placeholder('since180'),
  timezone: sql.placeholder('timezone'),
  accountId: sql.placeholder('accountId'),
};

/** A count, or 0 where one account's outer join found no ticket or answer row (null). */
const countOrZero = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** An account named by its id (the placeholder) or by its name (a subselect); none for the portfolio. */
type AccountFilter = SQL | undefined;
const BY_ID: AccountFilter = sql`${param.accountId}`;
const BY_NAME: AccountFilter = sql`(select n.id from accounts n where n.workspace_id = ${param.workspaceId} and lower(n.name) = lower(${sql.placeholder('name')}))`;

/** For one account's statement: the condition naming it; the portfolio's has none. */
const forAccount = (account: AccountFilter, column: string) => (account ? sql`and ${sql.raw(column)} = ${account}` : sql``);

/**
 * The accounts (churned left out), each with its last touch (accounts.last_touch_at, kept
 * by a trigger on checkins) and its last three spend readings with the latest forecast
 * (accounts.recent_spend_cents and latest_forecast_cents, kept by triggers on usage_readings).
 */
function accountsQuery(account: AccountFilter) {
  return sql`
    select a.id, a.name, a.owner_user_id, a.arr_cents, a.stage, a.licensed_users, a.active_users,
      a.kickoff_date::text as kickoff_date, a.contract_start::text as contract_start, a.renewal_date::text as renewal_text,
      -- Calendar days in the workspace's zone, computed by the database for every row at once.
      (a.created_at at time zone ${param.timezone})::date::text as created_day,
      -- The latest touch as kept on the account by the checkins trigger; only for a score
      -- as of an earlier moment than that touch, one index probe for the last one before it.
      ((case when a.last_touch_at is null or a.last_touch_at <= ${param.nowIso}::timestamptz then a.last_touch_at
        else (select max(c.occurred_at) from checkins c
          where c.workspace_id = ${param.workspaceId} and c.account_id = a.id and c.occurred_at <= ${param.nowIso}::timestamptz) end)
        at time zone ${param.timezone})::date::text as last_touch_day,
      -- The spend roll-up likewise: as kept unless a reading is newer than the moment scored;
      -- then the last three before it, ordered as the roll-up orders them.
      case when a.latest_spend_at is null or a.latest_spend_at <= ${param.nowIso}::timestamptz then array_to_string(a.recent_spend_cents, ',')
        else (select array_to_string(array_agg(r.spend_cents order by r.recorded_at, r.id), ',') from (
          select u.id, u.recorded_at, u.spend_cents from usage_readings u
          where u.workspace_id = ${param.workspaceId} and u.account_id = a.id and u.spend_cents is not null and u.recorded_at <= ${param.nowIso}::timestamptz
          order by u.recorded_at desc, u.id desc limit 3) r) end as spend,
      case when a.latest_spend_at is null or a.latest_spend_at <= ${param.nowIso}::timestamptz then a.latest_forecast_cents
        else (select u.forecast_cents from usage_readings u
          where u.workspace_id = ${param.workspaceId} and u.account_id = a.id and u.spend_cents is not null and u.recorded_at <= ${param.nowIso}::timestamptz
          order by u.recorded_at desc, u.id desc limit 1) end as forecast
    from accounts a
    -- Archived accounts leave the portfolio; one asked for by name (its card, /health) is still scored.
    where a.workspace_id = ${param.workspaceId} and a.stage <> 'churned' ${account ? sql`` : sql`and a.archived_at is null`} ${forAccount(account, 'a.id')}
    order by lower(a.name)`;
}

/** Open tickets by severity, and first responses that missed their SLA in the last 90 days. */
function ticketsQuery(account: AccountFilter) {
  return sql`
    select account_id,
      count(*) filter (where status <> 'resolved' and severity = 'critical')::int as crit,
      count(*) filter (where status <> 'resolved' and severity = 'major')::int as major,
      count(*) filter (where status <> 'resolved' and severity = 'minor')::int as minor,
      count(*) filter (where status <> 'resolved' and severity = 'cosmetic')::int as cosmetic,
      count(*) filter (where sla_due_at > ${param.since90}::timestamptz and sla_due_at <= ${param.nowIso}::timestamptz
        and (first_response_at is null or first_response_at > sla_due_at))::int as breaches
    from tickets
    where workspace_id = ${param.workspaceId} and opened_at <= ${param.nowIso}::timestamptz
      and (status <> 'resolved' or sla_due_at > ${param.since90}::timestamptz) ${forAccount(account, 'account_id')}
    group by account_id`;
}

/**
 * NPS answer counts (the true NPS is computed from them) and the CSAT totals per
 * question (the CSAT score is computed from them: csat.ts) of the last 180 days, from
 * the per-survey, per-day roll-up the survey_responses triggers keep (migrations 0003
 * and 0009): a few rows per survey instead of every answer. The window is by UTC
 * calendar day (the 180 days before today and today), not to the minute.
 */
function answersQuery(account: AccountFilter) {
  return sql`
    select s.account_id,
      coalesce(sum(d.promoters) filter (where s.kind = 'nps'), 0)::int as promoters,
      coalesce(sum(d.detractors) filter (where s.kind = 'nps'), 0)::int as detractors,
      coalesce(sum(d.nps_total) filter (where s.kind = 'nps'), 0)::int as nps_total,
      sum(d.q1_sum) filter (where s.kind = 'csat') as q1_sum, sum(d.q1_count) filter (where s.kind = 'csat') as q1_count,
      sum(d.q2_sum) filter (where s.kind = 'csat') as q2_sum, sum(d.q2_count) filter (where s.kind = 'csat') as q2_count,
      sum(d.q3_sum) filter (where s.kind = 'csat') as q3_sum, sum(d.q3_count) filter (where s.kind = 'csat') as q3_count
    from survey_answer_days d join surveys s on s.id = d.survey_id
    -- Both sides narrowed to the workspace, so one account's card reads its surveys by index.
    where d.workspace_id = ${param.workspaceId} and s.workspace_id = ${param.workspaceId}
      and d.day > (${param.since180}::timestamptz at time zone 'UTC')::date and d.day <= (${param.nowIso}::timestamptz at time zone 'UTC')::date ${forAccount(account, 's.account_id')}
    group by s.account_id`;
}

const portfolioAccounts = preparedSql<AccountRaw>('health-accounts', () => accountsQuery(undefined));
const portfolioTickets = preparedSql<TicketRaw>('health-tickets', () => ticketsQuery(undefined));
const portfolioAnswers = preparedSql<AnswerRaw>('health-answers', () => answersQuery(undefined));
/** One account's three joined into one statement, one round trip. */
const oneAccountJoin = (account: AccountFilter, extra: SQL = sql``) =>
  sql`with a as (${accountsQuery(account)}), t as (${ticketsQuery(account)}), s as (${answersQuery(account)})
    select a.*, t.crit, t.major, t.minor, t.cosmetic, t.breaches, s.promoters, s.detractors, s.nps_total,
      s.q1_sum, s.q1_count, s.q2_sum, s.q2_count, s.q3_sum, s.q3_count ${extra}
    from a left join t on t.account_id = a.id left join s on s.account_id = a.id`;
const oneAccountInputs = preparedSql<AccountRaw & TicketRaw & AnswerRaw>('health-one-account', () => oneAccountJoin(BY_ID));
/**
 * The /health card's one statement: the account found by name, its inputs, and its
 * stored snapshots from `fromDay` to `toDay` (oldest first, as JSON): every view of a
 * card in one round trip instead of three.
 */
const healthCardByName = preparedSql<AccountRaw & TicketRaw & AnswerRaw & { history: unknown }>('health-card', () =>
  oneAccountJoin(
    BY_NAME,
    sql`, (select coalesce(json_agg(json_build_object('accountId', h.account_id, 'day', h.day, 'score', h.score, 'band', h.band,
          'components', h.components, 'drivers', h.drivers) order by h.day), '[]'::json)
        from health_snapshots h where h.workspace_id = ${param.workspaceId} and h.account_id = a.id
          and h.day >= ${sql.placeholder('fromDay')}::date and h.day <= ${sql.placeholder('toDay')}::date) as history`,
  ),
);

/** '10000,9000,8000' (oldest first) → numbers. */
function parseSpend(joined: string | null): number[] {
  if (joined === null || joined === '') return [];
  const parts = joined.split(',');
  const spend = new Array<number>(parts.length);
  for (let i = 0; i < parts.length; i++) spend[i] = Number(parts[i]);
  return spend;
}

function byAccount<T extends { account_id: string }>(rows: T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const row of rows) map.set(row.account_id, row);
  return map;
}

interface Sources {
  accounts: AccountRaw[];
  tickets: Map<string, TicketRaw>;
  answers: Map<string, AnswerRaw>;
  today: string;
}

function statementValues(workspaceId: string, options: { now: Date; timezone: string; accountId?: string }): StatementValues {
  return {
    workspaceId,
    nowIso: options.now.toISOString(),
    since90: daysBefore(options.now, 90).toISOString(),
    since180: daysBefore(options.now, 180).toISOString(),
    timezone: options.timezone,
    ...(options.accountId ? { accountId: options.accountId } : {}),
  };
}

/**
 * The accounts with their last touch and spend, their tickets and their survey
 * answers: for one account one joined statement, for the portfolio three.
 */
async function readSources(db: Db, workspaceId: string, options: { now: Date; timezone: string; accountId?: string }): Promise<Sources> {
  const values = statementValues(workspaceId, options);
  const today = localDate(options.now, options.timezone);
  if (values.accountId) {
    const rows = await oneAccountInputs(db).execute(values);
    // Missing ticket or answer rows come back as nulls, which inputsOf reads as none.
    const byId = new Map(rows.map((r) => [r.id, r]));
    return { accounts: rows, tickets: byId, answers: byId, today };
  }
  // For the portfolio they stay apart: on PostgreSQL they run at the same time on
  // separate pooled connections; on PGlite (one connection) one after the other.
  const [accounts, tickets, answers] = await Promise.all([
    portfolioAccounts(db).execute(values),
    portfolioTickets(db).execute(values).then(byAccount),
    portfolioAnswers(db).execute(values).then(byAccount),
  ]);
  return { accounts, tickets, answers, today };
}

const NO_TICKETS = { crit: 0, major: 0, minor: 0, cosmetic: 0, breaches: 0 };
const NO_ANSWERS = { promoters: 0, detractors: 0, nps_total: 0 };

/** One account's CSAT from its answer row (none without one: csatTotalsFromRow reads missing totals as 0). */
function csatOf(account: AccountRaw, sources: Sources): CsatScore | null {
  return csatScore(csatTotalsFromRow(sources.answers.get(account.id) ?? {}));
}

/** One account's inputs from its rows (joined by account here). */
function inputsOf(account: AccountRaw, sources: Sources, csat: CsatScore | null): HealthInputs {
  const tickets = sources.tickets.get(account.id) ?? NO_TICKETS;
  const answers = sources.answers.get(account.id) ?? NO_ANSWERS;
  return {
    today: sources.today,
    createdDay: account.created_day,
    licensedUsers: account.licensed_users,
    activeUsers: account.active_users,
    kickoffDate: account.kickoff_date,
    contractStart: account.contract_start,
    lastTouchDay: account.last_touch_day,
    openTickets: { critical: countOrZero(tickets.crit), major: countOrZero(tickets.major), minor: countOrZero(tickets.minor), cosmetic: countOrZero(tickets.cosmetic) },
    slaBreaches90d: countOrZero(tickets.breaches),
    nps: { promoters: countOrZero(answers.promoters), detractors: countOrZero(answers.detractors), total: countOrZero(answers.nps_total) },
    // Unrounded: the health score maps the exact CSAT; figures shown round it themselves.
    csat: csat === null ? null : csat.value,
    spendReadings: parseSpend(account.spend),
    latestForecast: account.forecast === null ? null : Number(account.forecast),
  };
}

/** The account's own fields with its inputs, scored: each account's object is built once. */
function accountHealth(account: AccountRaw, sources: Sources, config: HealthConfig): AccountHealth {
  const csat = csatOf(account, sources);
  const inputs = inputsOf(account, sources, csat);
  return {
    accountId: account.id,
    name: account.name,
    ownerUserId: account.owner_user_id,
    renewalDate: account.renewal_text,
    arrCents: account.arr_cents === null ? null : Number(account.arr_cents),
    stage: account.stage,
    inputs,
    csat,
    health: healthScore(inputs, config),
  };
}

/** Every (non-churned) account's health now, or one account's with `accountId`. */
export async function portfolioHealth(
  db: Db,
  workspaceId: string,
  options: { now: Date; timezone: string; config?: HealthConfig; accountId?: string },
): Promise<AccountHealth[]> {
  const sources = await readSources(db, workspaceId, options);
  const config = options.config ?? DEFAULT_HEALTH_CONFIG;
  const list = new Array<AccountHealth>(sources.accounts.length);
  for (let i = 0; i < list.length; i++) list[i] = accountHealth(sources.accounts[i]!, sources, config);
  return list;
}

/** What a /health card shows: the account's health now and its stored snapshots. */
export interface HealthCardInputs {
  current: AccountHealth;
  /** Stored snapshots from `fromDay` to `toDay`, oldest first. */
  stored: SnapshotView[];
}

/**
 * One account's health, found by name (case-insensitively, as findAccountByName),
 * with its stored snapshots from `fromDay` to `toDay`. Undefined when no account has
 * that name or the account has churned: the caller tells which (resolveAccount).
 */
export async function healthCardByAccountName(
  db: Db,
  workspaceId: string,
  name: string,
  options: { now: Date; timezone: string; config?: HealthConfig; fromDay: string; toDay: string },
): Promise<HealthCardInputs | undefined> {
  const [row] = await healthCardByName(db).execute({ ...statementValues(workspaceId, options), name: name.trim(), fromDay: options.fromDay, toDay: options.toDay });
  if (!row) return undefined;
  const sources: Sources = { accounts: [row], tickets: new Map([[row.id, row]]), answers: new Map([[row.id, row]]), today: localDate(options.now, options.timezone) };
  const current = accountHealth(row, sources, options.config ?? DEFAULT_HEALTH_CONFIG);
  const history = (typeof row.history === 'string' ? JSON.parse(row.history) : row.history) as StoredSnapshot[];
  return { current, stored: history.map(snapshotView) };
}
