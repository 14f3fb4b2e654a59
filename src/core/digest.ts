// The weekly health digest's contents, gathered set-based for a whole workspace:
// accounts by band with the change since last week, band changes, renewals whose
// date passed without an outcome, at-risk renewals in the next 90 days, overdue
// check-ins by owner, SLA breaches this week, NPS this quarter, open critical
// tickets. Churned accounts are in none of them (portfolioHealth leaves them out).
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.js';
import { accountTouchStatus } from './cadence.js';
import { type HealthBand, type HealthConfig } from './health.js';
import { portfolioHealth, type AccountHealth } from './health-inputs.js';
import { snapshotsAsOf } from './health-snapshots.js';
import { renewalRisk } from './renewals.js';
import { addDays, daysBefore, daysBetween, localDate } from './time.js';

/** A digest day as stored in channel_settings.digest_day, in getUTCDay() order. */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface DigestData {
  today: string;
  accounts: number;
  bands: Record<HealthBand, { now: number; weekAgo: number | null }>;
  /** Accounts with not enough data for a score: counted apart, in no band. */
  notEnoughData: number;
  /** Accounts whose band changed since a week ago; into or out of "not enough data" is no change of band. */
  bandChanges: { name: string; from: HealthBand; to: HealthBand; score: number }[];
  /** Renewal dates passed with no outcome recorded (recording one rolls the date forward), most overdue first. */
  overdueRenewals: { name: string; renewalDate: string; daysLeft: number; arrCents: number | null }[];
  atRiskRenewals: { name: string; renewalDate: string; daysLeft: number; reasons: string[]; arrCents: number | null }[];
  overdueByOwner: { owner: string; accounts: { name: string; daysSince: number | null }[] }[];
  slaBreachesThisWeek: { count: number; accounts: string[] };
  npsThisQuarter: { score: number | null; answers: number; since: string };
  openCritical: { name: string; count: number }[];
}

export function quarterStart(day: string): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return `${y}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
}

export async function digestData(db: Db, workspaceId: string, options: { now: Date; timezone: string; config: HealthConfig }): Promise<DigestData> {
  const today = localDate(options.now, options.timezone);
  const list: AccountHealth[] = await portfolioHealth(db, workspaceId, options);
  const weekAgo = await snapshotsAsOf(db, workspaceId, addDays(today, -7), addDays(today, -13));
  const bands: DigestData['bands'] = { green: { now: 0, weekAgo: null }, yellow: { now: 0, weekAgo: null }, red: { now: 0, weekAgo: null } };
  let notEnoughData = 0;
  for (const a of list) {
    if (a.health.band === 'insufficient') notEnoughData++;
    else bands[a.health.band].now++;
  }
  if (weekAgo.size > 0) {
    for (const b of ['green', 'yellow', 'red'] as const) bands[b].weekAgo = 0;
    for (const s of weekAgo.values()) if (s.band !== 'insufficient' && list.some((a) => a.accountId === s.accountId)) bands[s.band].weekAgo!++;
  }
  const bandChanges: DigestData['bandChanges'] = [];
  for (const a of list) {
    const before = weekAgo.get(a.accountId)?.band;
    if (a.health.band === 'insufficient' || before === undefined || before === 'insufficient' || before === a.health.band) continue;
    bandChanges.push({ name: a.name, from: before, to: a.health.band, score: a.health.score });
  }

  const overdueRenewals = list
    .filter((a) => a.renewalDate && a.renewalDate < today)
    .map((a) => ({ name: a.name, renewalDate: a.renewalDate!, daysLeft: daysBetween(today, a.renewalDate!), arrCents: a.arrCents }))
    .sort((x, y) => x.renewalDate.localeCompare(y.renewalDate) || x.name.localeCompare(y.name));

  const atRiskRenewals = list
    .filter((a) => a.renewalDate && daysBetween(today, a.renewalDate) >= 0 && daysBetween(today, a.renewalDate) <= 90)
    .map((a) => ({ a, risk: renewalRisk(a) }))
    .filter((r) => r.risk.risk === 'high')
    .map(({ a, risk }) => ({ name: a.name, renewalDate: a.renewalDate!, daysLeft: daysBetween(today, a.renewalDate!), reasons: risk.reasons, arrCents: a.arrCents }))
    .sort((x, y) => x.renewalDate.localeCompare(y.renewalDate));

  const ownerNames = new Map(
    (await queryRows<{ id: string; display_name: string }>(db, sql`select id, display_name from users where workspace_id = ${workspaceId}`)).map((u) => [u.id, u.display_name]),
  );
  const overdue = new Map<string, { name: string; daysSince: number | null }[]>();
  for (const a of list) {
    const status = accountTouchStatus(a.inputs.lastTouchDay, today, a.inputs, options.config.cadenceMode);
    if (!status.overdue) continue;
    const owner = a.ownerUserId ? (ownerNames.get(a.ownerUserId) ?? 'unknown') : 'no owner';
    overdue.set(owner, [...(overdue.get(owner) ?? []), { name: a.name, daysSince: status.daysSince }]);
  }
  const overdueByOwner = [...overdue.entries()].map(([owner, accounts]) => ({ owner, accounts })).sort((x, y) => y.accounts.length - x.accounts.length || x.owner.localeCompare(y.owner));

  const weekStart = daysBefore(options.now, 7).toISOString();
  const breaches = await queryRows<{ name: string; n: number }>(
    db,
    sql`select a.name, count(*)::int as n from tickets t join accounts a on a.id = t.account_id
        where t.workspace_id = ${workspaceId} and a.stage <> 'churned' and a.archived_at is null and t.sla_due_at > ${weekStart}::timestamptz and t.sla_due_at <= ${options.now.toISOString()}::timestamptz
          and (t.first_response_at is null or t.first_response_at > t.sla_due_at)
        group by a.name order by 2 desc, 1`,
  );
  const since = quarterStart(today);
  const [nps] = await queryRows<{ promoters: number; detractors: number; total: number }>(
    db,
    sql`select count(*) filter (where r.score >= 9)::int as promoters, count(*) filter (where r.score <= 6)::int as detractors, count(*)::int as total
        from survey_responses r join surveys s on s.id = r.survey_id join accounts a on a.id = s.account_id and a.archived_at is null
        where r.workspace_id = ${workspaceId} and s.kind = 'nps' and r.question = 'nps' and r.score is not null
          and r.answered_at >= ${`${since}T00:00:00Z`}::timestamptz and r.answered_at <= ${options.now.toISOString()}::timestamptz`,
  );
  const total = Number(nps?.total ?? 0);
  return {
    today,
    accounts: list.length,
    bands,
    notEnoughData,
    bandChanges,
    overdueRenewals,
    atRiskRenewals,
    overdueByOwner,
    slaBreachesThisWeek: { count: breaches.reduce((s, b) => s + Number(b.n), 0), accounts: breaches.map((b) => b.name) },
    npsThisQuarter: { score: total === 0 ? null : Math.round(((Number(nps!.promoters) - Number(nps!.detractors)) * 100) / total), answers: total, since },
    openCritical: list.filter((a) => a.inputs.openTickets.critical > 0).map((a) => ({ name: a.name, count: a.inputs.openTickets.critical })),
  };
}
