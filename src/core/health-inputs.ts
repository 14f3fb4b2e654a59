// Gathers the health score's inputs for every account of a workspace (or one) with
// four set-based statements: last touch, open tickets by severity, SLA breaches of the
// last 90 days, NPS counts and CSAT of the last 180 days, the last three spend
// readings. No per-account query loop, whatever the portfolio size.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.js';
import { DEFAULT_HEALTH_CONFIG, healthScore, type HealthConfig, type HealthInputs, type HealthResult } from './health.js';
import { localDate } from './time.js';

const MS_PER_DAY = 86_400_000;

export interface AccountHealthRow {
  accountId: string;
  name: string;
  ownerUserId: string | null;
  renewalDate: string | null;
  arrCents: number | null;
  stage: string;
  inputs: HealthInputs;
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
  renewal_text: string | null;
  created_day: string;
  last_touch_day: string | null;
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
  csat: string | number | null;
}

interface SpendRaw extends Record<string, unknown> {
  account_id: string;
  spend: string;
  forecast: string | number | null;
}

interface Window {
  workspaceId: string;
  nowIso: string;
  since90: string;
  since180: string;
  timezone: string;
  accountId?: string;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

const oneAccount = (w: Window, column: string) => (w.accountId ? sql`and ${sql.raw(column)} = ${w.accountId}` : sql``);

/** The accounts (churned left out), each with its last touch (accounts.last_touch_at, kept by a trigger on checkins). */
export function accountsQuery(w: Window) {
  return sql`
    select a.id, a.name, a.owner_user_id, a.arr_cents, a.stage, a.licensed_users, a.active_users,
      a.kickoff_date::text as kickoff_date, a.renewal_date::text as renewal_text,
      -- Calendar days in the workspace's zone, computed by the database for every row at once.
      (a.created_at at time zone ${w.timezone})::date::text as created_day,
      -- The latest touch as kept on the account by the checkins trigger; only for a score
      -- as of an earlier moment than that touch, one index probe for the last one before it.
      ((case when a.last_touch_at is null or a.last_touch_at <= ${w.nowIso}::timestamptz then a.last_touch_at
        else (select max(c.occurred_at) from checkins c
          where c.workspace_id = ${w.workspaceId} and c.account_id = a.id and c.occurred_at <= ${w.nowIso}::timestamptz) end)
        at time zone ${w.timezone})::date::text as last_touch_day
    from accounts a
    where a.workspace_id = ${w.workspaceId} and a.stage <> 'churned' ${oneAccount(w, 'a.id')}
    order by lower(a.name)`;
}

/** Open tickets by severity, and first responses that missed their SLA in the last 90 days. */
export function ticketsQuery(w: Window) {
  return sql`
    select account_id,
      count(*) filter (where status <> 'resolved' and severity = 'critical')::int as crit,
      count(*) filter (where status <> 'resolved' and severity = 'major')::int as major,
      count(*) filter (where status <> 'resolved' and severity = 'minor')::int as minor,
      count(*) filter (where status <> 'resolved' and severity = 'cosmetic')::int as cosmetic,
      count(*) filter (where sla_due_at > ${w.since90}::timestamptz and sla_due_at <= ${w.nowIso}::timestamptz
        and (first_response_at is null or first_response_at > sla_due_at))::int as breaches
    from tickets
    where workspace_id = ${w.workspaceId} and opened_at <= ${w.nowIso}::timestamptz
      and (status <> 'resolved' or sla_due_at > ${w.since90}::timestamptz) ${oneAccount(w, 'account_id')}
    group by account_id`;
}

/**
 * NPS answer counts (the true NPS is computed from them) and the CSAT average of the
 * last 180 days, from the per-survey, per-day roll-up the survey_responses triggers keep
 * (migration 0003): a few rows per survey instead of every answer. The window is by
 * UTC calendar day (the 180 days before today and today), not to the minute.
 */
export function answersQuery(w: Window) {
  return sql`
    select s.account_id,
      coalesce(sum(d.promoters) filter (where s.kind = 'nps'), 0)::int as promoters,
      coalesce(sum(d.detractors) filter (where s.kind = 'nps'), 0)::int as detractors,
      coalesce(sum(d.nps_total) filter (where s.kind = 'nps'), 0)::int as nps_total,
      (sum(d.csat_sum) filter (where s.kind = 'csat'))::float8 / nullif(sum(d.csat_count) filter (where s.kind = 'csat'), 0) as csat
    from survey_answer_days d join surveys s on s.id = d.survey_id
    -- Both sides narrowed to the workspace, so one account's card reads its surveys by index.
    where d.workspace_id = ${w.workspaceId} and s.workspace_id = ${w.workspaceId}
      and d.day > (${w.since180}::timestamptz at time zone 'UTC')::date and d.day <= (${w.nowIso}::timestamptz at time zone 'UTC')::date ${oneAccount(w, 's.account_id')}
    group by s.account_id`;
}

/** The last three spend readings (oldest first) and the latest forecast. */
export function spendQuery(w: Window) {
  return sql`
    with readings as (
      select account_id, spend_cents, forecast_cents,
        row_number() over (partition by account_id order by recorded_at desc) as rn
      from usage_readings
      where workspace_id = ${w.workspaceId} and spend_cents is not null and recorded_at <= ${w.nowIso}::timestamptz ${oneAccount(w, 'account_id')}
    )
    select account_id, array_to_string(array_agg(spend_cents order by rn desc), ',') as spend,
      max(forecast_cents) filter (where rn = 1) as forecast
    from readings where rn <= 3 group by account_id`;
}

/** '10000,9000,8000' (oldest first) → numbers. */
function parseSpend(v: string | undefined): number[] {
  return v === undefined || v === '' ? [] : v.split(',').map(Number);
}

function byAccount<T extends { account_id: string }>(rows: T[]): Map<string, T> {
  return new Map(rows.map((r) => [r.account_id, r]));
}

/**
 * Every account's health inputs, in the workspace's zone. Four set-based statements,
 * one per source (accounts with their last touch, tickets, survey answers, spend),
 * sent together: on PostgreSQL they run at the same time on separate pooled
 * connections; on PGlite (one connection) one after the other. Joined by account here.
 */
export async function gatherHealthInputs(
  db: Db,
  workspaceId: string,
  options: { now: Date; timezone: string; accountId?: string },
): Promise<AccountHealthRow[]> {
  const w: Window = {
    workspaceId,
    nowIso: options.now.toISOString(),
    since90: new Date(options.now.getTime() - 90 * MS_PER_DAY).toISOString(),
    since180: new Date(options.now.getTime() - 180 * MS_PER_DAY).toISOString(),
    timezone: options.timezone,
    ...(options.accountId ? { accountId: options.accountId } : {}),
  };
  const [accounts, tickets, answers, spend] = await Promise.all([
    queryRows<AccountRaw>(db, accountsQuery(w)),
    queryRows<TicketRaw>(db, ticketsQuery(w)).then(byAccount),
    queryRows<AnswerRaw>(db, answersQuery(w)).then(byAccount),
    queryRows<SpendRaw>(db, spendQuery(w)).then(byAccount),
  ]);
  const today = localDate(options.now, options.timezone);
  return accounts.map((a) => {
    const tk = tickets.get(a.id);
    const ans = answers.get(a.id);
    const sp = spend.get(a.id);
    return {
      accountId: a.id,
      name: a.name,
      ownerUserId: a.owner_user_id,
      renewalDate: a.renewal_text,
      arrCents: a.arr_cents === null ? null : Number(a.arr_cents),
      stage: a.stage,
      inputs: {
        today,
        createdDay: a.created_day,
        licensedUsers: a.licensed_users,
        activeUsers: a.active_users,
        kickoffDate: a.kickoff_date,
        lastTouchDay: a.last_touch_day,
        openTickets: { critical: num(tk?.crit), major: num(tk?.major), minor: num(tk?.minor), cosmetic: num(tk?.cosmetic) },
        slaBreaches90d: num(tk?.breaches),
        nps: { promoters: num(ans?.promoters), detractors: num(ans?.detractors), total: num(ans?.nps_total) },
        csat: ans?.csat === null || ans?.csat === undefined ? null : Math.round(Number(ans.csat) * 100) / 100,
        spendReadings: parseSpend(sp?.spend),
        latestForecast: sp?.forecast === null || sp?.forecast === undefined ? null : Number(sp.forecast),
      },
    };
  });
}

export interface AccountHealth extends AccountHealthRow {
  health: HealthResult;
}

/** Every (non-churned) account's health now. */
export async function portfolioHealth(
  db: Db,
  workspaceId: string,
  options: { now: Date; timezone: string; config?: HealthConfig; accountId?: string },
): Promise<AccountHealth[]> {
  const rows = await gatherHealthInputs(db, workspaceId, options);
  return rows.map((row) => ({ ...row, health: healthScore(row.inputs, options.config ?? DEFAULT_HEALTH_CONFIG) }));
}
