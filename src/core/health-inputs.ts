// Gathers the health score's inputs for every account of a workspace (or one) in a
// single set-based statement: last touch, open tickets by severity, SLA breaches of the
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

interface RawRow extends Record<string, unknown> {
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
  crit: number | null;
  major: number | null;
  minor: number | null;
  cosmetic: number | null;
  breaches: number | null;
  promoters: number | null;
  detractors: number | null;
  nps_total: number | null;
  csat: string | number | null;
  spend: string | null;
  forecast: string | number | null;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/**
 * The query: one scan per source table, grouped by account, joined to accounts.
 * `accountId` narrows it to one account (the /health card); churned accounts are left out.
 */
export function healthInputsQuery(workspaceId: string, now: Date, accountId?: string, timezone = 'UTC') {
  const nowIso = now.toISOString();
  const since90 = new Date(now.getTime() - 90 * MS_PER_DAY).toISOString();
  const since180 = new Date(now.getTime() - 180 * MS_PER_DAY).toISOString();
  const oneAccount = (column: string) => (accountId ? sql`and ${sql.raw(column)} = ${accountId}` : sql``);
  return sql`
    with tk as (
      select account_id,
        count(*) filter (where status <> 'resolved' and severity = 'critical')::int as crit,
        count(*) filter (where status <> 'resolved' and severity = 'major')::int as major,
        count(*) filter (where status <> 'resolved' and severity = 'minor')::int as minor,
        count(*) filter (where status <> 'resolved' and severity = 'cosmetic')::int as cosmetic,
        count(*) filter (where sla_due_at > ${since90}::timestamptz and sla_due_at <= ${nowIso}::timestamptz
          and (first_response_at is null or first_response_at > sla_due_at))::int as breaches
      from tickets
      where workspace_id = ${workspaceId} and opened_at <= ${nowIso}::timestamptz
        and (status <> 'resolved' or sla_due_at > ${since90}::timestamptz) ${oneAccount('account_id')}
      group by account_id
    ), answers as (
      select s.account_id,
        count(*) filter (where s.kind = 'nps' and r.question = 'nps' and r.score >= 9)::int as promoters,
        count(*) filter (where s.kind = 'nps' and r.question = 'nps' and r.score <= 6)::int as detractors,
        count(*) filter (where s.kind = 'nps' and r.question = 'nps')::int as nps_total,
        avg(r.score) filter (where s.kind = 'csat' and r.question in ('q1', 'q2', 'q3')) as csat
      from survey_responses r join surveys s on s.id = r.survey_id
      where r.workspace_id = ${workspaceId} and r.score is not null
        and r.answered_at > ${since180}::timestamptz and r.answered_at <= ${nowIso}::timestamptz ${oneAccount('s.account_id')}
      group by s.account_id
    ), readings as (
      select account_id, spend_cents, forecast_cents,
        row_number() over (partition by account_id order by recorded_at desc) as rn
      from usage_readings
      where workspace_id = ${workspaceId} and spend_cents is not null and recorded_at <= ${nowIso}::timestamptz ${oneAccount('account_id')}
    ), spend as (
      select account_id,
        array_agg(spend_cents order by rn desc) as spend,
        max(forecast_cents) filter (where rn = 1) as forecast
      from readings where rn <= 3 group by account_id
    )
    select a.id, a.name, a.owner_user_id, a.arr_cents, a.stage, a.licensed_users, a.active_users,
      a.kickoff_date::text as kickoff_date, a.renewal_date::text as renewal_text,
      -- Calendar days in the workspace's zone, computed by the database for every row at once.
      (a.created_at at time zone ${timezone})::date::text as created_day,
      -- The last touch by the (workspace, account, occurred_at) index: one short probe per
      -- account instead of aggregating every check-in ever logged.
      ((select max(c.occurred_at) from checkins c
        where c.workspace_id = ${workspaceId} and c.account_id = a.id and c.occurred_at <= ${nowIso}::timestamptz) at time zone ${timezone})::date::text as last_touch_day,
      tk.crit, tk.major, tk.minor, tk.cosmetic, tk.breaches,
      answers.promoters, answers.detractors, answers.nps_total, answers.csat::float8 as csat, array_to_string(spend.spend, ',') as spend, spend.forecast
    from accounts a
      left join tk on tk.account_id = a.id
      left join answers on answers.account_id = a.id
      left join spend on spend.account_id = a.id
    where a.workspace_id = ${workspaceId} and a.stage <> 'churned' ${oneAccount('a.id')}
    order by lower(a.name)`;
}

/** '10000,9000,8000' (oldest first) → numbers. */
function parseSpend(v: RawRow['spend']): number[] {
  return v === null || v === '' ? [] : v.split(',').map(Number);
}

/** Every account's health inputs, in the workspace's zone. */
export async function gatherHealthInputs(
  db: Db,
  workspaceId: string,
  options: { now: Date; timezone: string; accountId?: string },
): Promise<AccountHealthRow[]> {
  const rows = await queryRows<RawRow>(db, healthInputsQuery(workspaceId, options.now, options.accountId, options.timezone));
  const today = localDate(options.now, options.timezone);
  return rows.map((r) => ({
    accountId: r.id,
    name: r.name,
    ownerUserId: r.owner_user_id,
    renewalDate: r.renewal_text,
    arrCents: r.arr_cents === null ? null : Number(r.arr_cents),
    stage: r.stage,
    inputs: {
      today,
      createdDay: r.created_day,
      licensedUsers: r.licensed_users,
      activeUsers: r.active_users,
      kickoffDate: r.kickoff_date,
      lastTouchDay: r.last_touch_day,
      openTickets: { critical: num(r.crit), major: num(r.major), minor: num(r.minor), cosmetic: num(r.cosmetic) },
      slaBreaches90d: num(r.breaches),
      nps: { promoters: num(r.promoters), detractors: num(r.detractors), total: num(r.nps_total) },
      csat: r.csat === null ? null : Math.round(Number(r.csat) * 100) / 100,
      spendReadings: parseSpend(r.spend),
      latestForecast: r.forecast === null ? null : Number(r.forecast),
    },
  }));
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
