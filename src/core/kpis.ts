// Portfolio KPIs, each from a few grouped queries. Definitions, as implemented:
// - ARR: the sum of the ARR of accounts not churned; MRR = ARR ÷ 12.
// - Customers: accounts not churned.
// - Trailing 12 months (T12M) from renewal outcomes recorded in the window, for the
//   cohort of accounts that existed at its start:
//     churned ARR = ARR before of churned outcomes; contraction = the drop of
//     downgrades; expansion = the growth of expansions (and renewals at a higher ARR);
//     starting ARR = the cohort's ARR now − expansion + contraction + churned ARR;
//     NRR = (starting − churned − contraction + expansion) ÷ starting;
//     gross churn % = customers churned ÷ customers at the start of the window.
// - ARPU: ARR ÷ customers (per year and per month).
// - CLV (estimate): ARPU × gross margin ÷ annual customer churn rate; the margin is a
//   stated assumption (30% unless the workspace sets kpiMargin); with no churn in
//   the window the lifetime is capped at 10 years.
// - NPS: the true NPS of every NPS answer of the last 12 months; CSAT: the mean of
//   Q1–Q3 answers of the last 12 months.
// - Touches per account per month: check-ins of the last 90 days ÷ customers ÷ 3.
// - ARR per customer-success owner against the guideline of $1–2M per person.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.js';
import { MS_PER_DAY } from './time.js';

export const DEFAULT_MARGIN = 0.3;
export const LIFETIME_CAP_YEARS = 10;

export interface Kpis {
  arrCents: number;
  mrrCents: number;
  customers: number;
  arpuCents: number | null;
  t12m: {
    customersAtStart: number;
    churnedCustomers: number;
    grossChurnPct: number | null;
    startingArrCents: number;
    churnedArrCents: number;
    contractionCents: number;
    expansionCents: number;
    nrrPct: number | null;
  };
  clv: { cents: number | null; margin: number; lifetimeYears: number | null; capped: boolean };
  nps: { score: number | null; answers: number };
  csat: { average: number | null; answers: number };
  touchesPerAccountMonth: number | null;
  owners: { ownerUserId: string | null; ownerName: string | null; arrCents: number; accounts: number }[];
}

const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

export async function portfolioKpis(db: Db, workspaceId: string, options: { now: Date; margin?: number }): Promise<Kpis> {
  const nowIso = options.now.toISOString();
  const yearAgo = new Date(options.now.getTime() - 365 * MS_PER_DAY).toISOString();
  const since90 = new Date(options.now.getTime() - 90 * MS_PER_DAY).toISOString();
  const margin = options.margin ?? DEFAULT_MARGIN;

  const [base] = await queryRows<{ arr: string; customers: number; cohort_arr: string; at_start: number }>(
    db,
    sql`select coalesce(sum(arr_cents) filter (where stage <> 'churned'), 0) as arr,
          count(*) filter (where stage <> 'churned')::int as customers,
          coalesce(sum(arr_cents) filter (where stage <> 'churned' and created_at <= ${yearAgo}::timestamptz), 0) as cohort_arr,
          count(*) filter (where created_at <= ${yearAgo}::timestamptz)::int as at_start
        from accounts where workspace_id = ${workspaceId}`,
  );
  const [moves] = await queryRows<{ churned: number; churned_arr: string; contraction: string; expansion: string }>(
    db,
    sql`select count(*) filter (where o.outcome = 'churned')::int as churned,
          coalesce(sum(o.arr_before_cents) filter (where o.outcome = 'churned'), 0) as churned_arr,
          coalesce(sum(greatest(o.arr_before_cents - o.arr_after_cents, 0)) filter (where o.outcome <> 'churned'), 0) as contraction,
          coalesce(sum(greatest(o.arr_after_cents - o.arr_before_cents, 0)) filter (where o.outcome <> 'churned'), 0) as expansion
        from renewal_outcomes o join accounts a on a.id = o.account_id
        where o.workspace_id = ${workspaceId} and o.recorded_at > ${yearAgo}::timestamptz and o.recorded_at <= ${nowIso}::timestamptz
          and a.created_at <= ${yearAgo}::timestamptz`,
  );
  const [survey] = await queryRows<{ promoters: number; detractors: number; nps_total: number; csat: string | null; csat_n: number }>(
    db,
    sql`select count(*) filter (where s.kind = 'nps' and r.question = 'nps' and r.score >= 9)::int as promoters,
          count(*) filter (where s.kind = 'nps' and r.question = 'nps' and r.score <= 6)::int as detractors,
          count(*) filter (where s.kind = 'nps' and r.question = 'nps')::int as nps_total,
          avg(r.score) filter (where s.kind = 'csat' and r.question in ('q1', 'q2', 'q3')) as csat,
          count(*) filter (where s.kind = 'csat' and r.question in ('q1', 'q2', 'q3'))::int as csat_n
        from survey_responses r join surveys s on s.id = r.survey_id
        where r.workspace_id = ${workspaceId} and r.score is not null and r.answered_at > ${yearAgo}::timestamptz and r.answered_at <= ${nowIso}::timestamptz`,
  );
  const [touches] = await queryRows<{ touches: number }>(
    db,
    sql`select count(*)::int as touches from checkins c join accounts a on a.id = c.account_id
        where c.workspace_id = ${workspaceId} and a.stage <> 'churned' and c.occurred_at > ${since90}::timestamptz and c.occurred_at <= ${nowIso}::timestamptz`,
  );
  const owners = await queryRows<{ owner_user_id: string | null; owner_name: string | null; arr: string; accounts: number }>(
    db,
    sql`select a.owner_user_id, u.display_name as owner_name, coalesce(sum(a.arr_cents), 0) as arr, count(*)::int as accounts
        from accounts a left join users u on u.id = a.owner_user_id
        where a.workspace_id = ${workspaceId} and a.stage <> 'churned'
        group by a.owner_user_id, u.display_name order by 3 desc`,
  );

  const arr = n(base?.arr);
  const customers = n(base?.customers);
  const churnedArr = n(moves?.churned_arr);
  const contraction = n(moves?.contraction);
  const expansion = n(moves?.expansion);
  const starting = n(base?.cohort_arr) - expansion + contraction + churnedArr;
  const atStart = n(base?.at_start);
  const churned = n(moves?.churned);
  const grossChurn = atStart === 0 ? null : churned / atStart;
  const arpu = customers === 0 ? null : arr / customers;
  let clv: Kpis['clv'] = { cents: null, margin, lifetimeYears: null, capped: false };
  if (arpu !== null && grossChurn !== null) {
    const lifetime = grossChurn > 0 ? Math.min(1 / grossChurn, LIFETIME_CAP_YEARS) : LIFETIME_CAP_YEARS;
    clv = { cents: Math.round(arpu * margin * lifetime), margin, lifetimeYears: lifetime, capped: grossChurn === 0 || 1 / grossChurn > LIFETIME_CAP_YEARS };
  }
  const npsTotal = n(survey?.nps_total);
  return {
    arrCents: arr,
    mrrCents: Math.round(arr / 12),
    customers,
    arpuCents: arpu === null ? null : Math.round(arpu),
    t12m: {
      customersAtStart: atStart,
      churnedCustomers: churned,
      grossChurnPct: grossChurn === null ? null : grossChurn * 100,
      startingArrCents: starting,
      churnedArrCents: churnedArr,
      contractionCents: contraction,
      expansionCents: expansion,
      nrrPct: starting > 0 ? ((starting - churnedArr - contraction + expansion) / starting) * 100 : null,
    },
    clv,
    nps: { score: npsTotal === 0 ? null : Math.round(((n(survey?.promoters) - n(survey?.detractors)) * 100) / npsTotal), answers: npsTotal },
    csat: { average: survey?.csat === null || survey?.csat === undefined ? null : Math.round(Number(survey.csat) * 100) / 100, answers: n(survey?.csat_n) },
    touchesPerAccountMonth: customers === 0 ? null : n(touches?.touches) / customers / 3,
    owners: owners.map((o) => ({ ownerUserId: o.owner_user_id, ownerName: o.owner_name, arrCents: n(o.arr), accounts: n(o.accounts) })),
  };
}
