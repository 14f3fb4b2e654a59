// Portfolio KPIs, each from a few grouped queries. Definitions, as implemented:
// - ARR: the sum of the ARR of accounts not churned; MRR = ARR ÷ 12.
// - Customers: accounts not churned.
// - Trailing 12 months (T12M), over a cohort: the accounts whose contract started
//   on or before the window's first day (contract_start, else the day the account
//   was added) and that had not churned by then. For each, the starting ARR is its
//   ARR on that day from the ARR history (arr_history; the first ARR known when the
//   history starts later, e.g. a contract start set after the ARR), and the ending
//   ARR is 0 when it has churned since, else its ARR today. Then
//     churned ARR = the starting ARR of the cohort's churned accounts;
//     contraction / expansion = the drop / growth of the others;
//     gross churn % = churned accounts ÷ cohort accounts (logo churn);
//     GRR = (starting − churned − contraction) ÷ starting;
//     NRR = (starting − churned − contraction + expansion) ÷ starting.
//   Accounts that joined during the window are not in it: new business is not retention.
// - ARPU: ARR ÷ customers (per year and per month).
// - CLV (estimate): ARPU × gross margin ÷ annual logo churn; the margin is a stated
//   assumption (30% unless the workspace sets kpiMargin); with no churn in the
//   window the lifetime is capped at 10 years.
// - NPS: the true NPS of every NPS answer of the last 12 months; CSAT: the CSAT
//   score (csat.ts: per question the mean of its answers, then the mean of the
//   question means) over every CSAT answer of the last 12 months.
// - Touches per account per month: check-ins of the last 90 days ÷ customers ÷ 3.
// - ARR per customer-success owner against the guideline of $1–2M per person.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.js';
import { answerCount, csatScore, csatTotalsFromRow, type CsatScore } from './csat.js';
import { daysBefore, localDate } from './time.js';

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
    /** The window's first day (the cohort's contracts started on or before it). */
    since: string;
    startingArrCents: number;
    churnedArrCents: number;
    contractionCents: number;
    expansionCents: number;
    grrPct: number | null;
    nrrPct: number | null;
  };
  clv: { cents: number | null; margin: number; lifetimeYears: number | null; capped: boolean };
  nps: { score: number | null; answers: number };
  /** The CSAT score of the window's answers (null without any) and how many answers it has. */
  csat: { score: CsatScore | null; answers: number };
  touchesPerAccountMonth: number | null;
  owners: { ownerUserId: string | null; ownerName: string | null; arrCents: number; accounts: number }[];
}

const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** The same calendar day a year earlier (29 February → 28 February). */
export function yearBefore(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${y - 1}-${String(m).padStart(2, '0')}-${String(m === 2 && d === 29 ? 28 : d).padStart(2, '0')}`;
}

export async function portfolioKpis(db: Db, workspaceId: string, options: { now: Date; timezone: string; margin?: number }): Promise<Kpis> {
  const nowIso = options.now.toISOString();
  const yearAgo = daysBefore(options.now, 365).toISOString();
  const since90 = daysBefore(options.now, 90).toISOString();
  const today = localDate(options.now, options.timezone);
  const since = yearBefore(today);
  const margin = options.margin ?? DEFAULT_MARGIN;

  const [base] = await queryRows<{ arr: string; customers: number }>(
    db,
    sql`select coalesce(sum(arr_cents) filter (where stage <> 'churned'), 0) as arr,
          count(*) filter (where stage <> 'churned')::int as customers
        from accounts where workspace_id = ${workspaceId} and archived_at is null`,
  );
  const [cohort] = await queryRows<{ at_start: number; churned: number; starting: string; churned_arr: string; contraction: string; expansion: string }>(
    db,
    sql`with cohort as (
          select (a.churned_on is not null and a.churned_on <= ${today}::date) as churned,
            coalesce(
              (select h.arr_cents from arr_history h where h.workspace_id = a.workspace_id and h.account_id = a.id and h.effective_on <= ${since}::date
                order by h.effective_on desc, h.recorded_at desc limit 1),
              (select h.arr_cents from arr_history h where h.workspace_id = a.workspace_id and h.account_id = a.id
                order by h.effective_on, h.recorded_at limit 1),
              0) as start_arr,
            coalesce(a.arr_cents, 0) as arr_now
          from accounts a
          where a.workspace_id = ${workspaceId} and a.archived_at is null
            and coalesce(a.contract_start, a.created_at::date) <= ${since}::date
            and (a.churned_on is null or a.churned_on > ${since}::date)
        )
        select count(*)::int as at_start,
          count(*) filter (where churned)::int as churned,
          coalesce(sum(start_arr), 0) as starting,
          coalesce(sum(start_arr) filter (where churned), 0) as churned_arr,
          coalesce(sum(greatest(start_arr - arr_now, 0)) filter (where not churned), 0) as contraction,
          coalesce(sum(greatest(arr_now - start_arr, 0)) filter (where not churned), 0) as expansion
        from cohort`,
  );
  const [survey] = await queryRows<{ promoters: number; detractors: number; nps_total: number } & Record<string, unknown>>(
    db,
    sql`select count(*) filter (where s.kind = 'nps' and r.question = 'nps' and r.score >= 9)::int as promoters,
          count(*) filter (where s.kind = 'nps' and r.question = 'nps' and r.score <= 6)::int as detractors,
          count(*) filter (where s.kind = 'nps' and r.question = 'nps')::int as nps_total,
          sum(r.score) filter (where s.kind = 'csat' and r.question = 'q1') as q1_sum,
          count(*) filter (where s.kind = 'csat' and r.question = 'q1')::int as q1_count,
          sum(r.score) filter (where s.kind = 'csat' and r.question = 'q2') as q2_sum,
          count(*) filter (where s.kind = 'csat' and r.question = 'q2')::int as q2_count,
          sum(r.score) filter (where s.kind = 'csat' and r.question = 'q3') as q3_sum,
          count(*) filter (where s.kind = 'csat' and r.question = 'q3')::int as q3_count
        from survey_responses r join surveys s on s.id = r.survey_id join accounts a on a.id = s.account_id and a.archived_at is null
        where r.workspace_id = ${workspaceId} and r.score is not null and r.answered_at > ${yearAgo}::timestamptz and r.answered_at <= ${nowIso}::timestamptz`,
  );
  const [touches] = await queryRows<{ touches: number }>(
    db,
    sql`select count(*)::int as touches from checkins c join accounts a on a.id = c.account_id
        where c.workspace_id = ${workspaceId} and a.stage <> 'churned' and a.archived_at is null and c.occurred_at > ${since90}::timestamptz and c.occurred_at <= ${nowIso}::timestamptz`,
  );
  const owners = await queryRows<{ owner_user_id: string | null; owner_name: string | null; arr: string; accounts: number }>(
    db,
    sql`select a.owner_user_id, u.display_name as owner_name, coalesce(sum(a.arr_cents), 0) as arr, count(*)::int as accounts
        from accounts a left join users u on u.id = a.owner_user_id
        where a.workspace_id = ${workspaceId} and a.stage <> 'churned' and a.archived_at is null
        group by a.owner_user_id, u.display_name order by 3 desc`,
  );

  const arr = n(base?.arr);
  const customers = n(base?.customers);
  const churnedArr = n(cohort?.churned_arr);
  const contraction = n(cohort?.contraction);
  const expansion = n(cohort?.expansion);
  const starting = n(cohort?.starting);
  const atStart = n(cohort?.at_start);
  const churned = n(cohort?.churned);
  const grossChurn = atStart === 0 ? null : churned / atStart;
  const arpu = customers === 0 ? null : arr / customers;
  let clv: Kpis['clv'] = { cents: null, margin, lifetimeYears: null, capped: false };
  if (arpu !== null && grossChurn !== null) {
    const lifetime = grossChurn > 0 ? Math.min(1 / grossChurn, LIFETIME_CAP_YEARS) : LIFETIME_CAP_YEARS;
    clv = { cents: Math.round(arpu * margin * lifetime), margin, lifetimeYears: lifetime, capped: grossChurn === 0 || 1 / grossChurn > LIFETIME_CAP_YEARS };
  }
  const npsTotal = n(survey?.nps_total);
  const csat = csatTotalsFromRow(survey ?? {});
  return {
    arrCents: arr,
    mrrCents: Math.round(arr / 12),
    customers,
    arpuCents: arpu === null ? null : Math.round(arpu),
    t12m: {
      customersAtStart: atStart,
      churnedCustomers: churned,
      grossChurnPct: grossChurn === null ? null : grossChurn * 100,
      since,
      startingArrCents: starting,
      churnedArrCents: churnedArr,
      contractionCents: contraction,
      expansionCents: expansion,
      grrPct: starting > 0 ? ((starting - churnedArr - contraction) / starting) * 100 : null,
      nrrPct: starting > 0 ? ((starting - churnedArr - contraction + expansion) / starting) * 100 : null,
    },
    clv,
    nps: { score: npsTotal === 0 ? null : Math.round(((n(survey?.promoters) - n(survey?.detractors)) * 100) / npsTotal), answers: npsTotal },
    csat: { score: csatScore(csat), answers: answerCount(csat) },
    touchesPerAccountMonth: customers === 0 ? null : n(touches?.touches) / customers / 3,
    owners: owners.map((o) => ({ ownerUserId: o.owner_user_id, ownerName: o.owner_name, arrCents: n(o.arr), accounts: n(o.accounts) })),
  };
}
