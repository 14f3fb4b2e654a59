// The demo workspace for local mode: a dozen accounts across the lifecycle with
// six months of check-ins, tickets, usage readings and surveys, two years of
// contracts with their renewal outcomes, and twelve weeks of health snapshots, so
// every feature has something to show on first start. Deterministic for a given
// `now`; seeded once (the workspace's seeded_at marks it, under a row lock).
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  accountChannels,
  channelSettings,
  accounts,
  arrHistory,
  checkins,
  contacts,
  renewalOutcomes,
  sequences,
  surveyResponses,
  surveys,
  ticketEvents,
  tickets,
  usageReadings,
  users,
  workspaces,
} from '../../db/schema.js';
import { healthConfigFor } from '../core/settings.js';
import { DEFAULT_BUSINESS_HOURS, slaDueAt, type Severity } from '../core/sla.js';
import { addDays, daysAfter, localDate, zonedInstant } from '../core/time.js';
import { DEMO_ACCOUNTS, DEMO_ALERT_CHANNEL, DEMO_USERS, NOTES, TICKET_TITLES, type DemoAccount } from './demo-data.js';
import { seedHealthHistory } from './health-history.js';
import { prng } from './prng.js';


export interface SeedResult {
  accounts: number;
  checkins: number;
  tickets: number;
  surveys: number;
  snapshots: number;
}

/** Seeds the workspace unless it has been seeded before; returns what it added, or null. */
export async function seedDemoWorkspace(db: Db, workspaceId: string, now: Date): Promise<SeedResult | null> {
  return db.transaction(async (tx) => {
    const [ws] = await tx
      .select({ seededAt: workspaces.seededAt, timezone: workspaces.timezone, settings: workspaces.settings })
      .from(workspaces)
      .where(eq(workspaces.id, workspaceId))
      .for('update');
    if (!ws || ws.seededAt) return null;
    const result = await seed(tx as unknown as Db, workspaceId, now, ws.timezone);
    // Scored after everything it is scored from is in, with the workspace's own weights and bands.
    result.snapshots = await seedHealthHistory(tx as unknown as Db, workspaceId, { now, timezone: ws.timezone, config: healthConfigFor(ws) });
    await tx.update(workspaces).set({ seededAt: now }).where(eq(workspaces.id, workspaceId));
    return result;
  });
}

/** Every row of the demo, gathered first and written table by table: a few statements, not one per row. */
interface Rows {
  accounts: (typeof accounts.$inferInsert)[];
  contacts: (typeof contacts.$inferInsert)[];
  channels: (typeof accountChannels.$inferInsert)[];
  checkins: (typeof checkins.$inferInsert)[];
  tickets: (typeof tickets.$inferInsert)[];
  ticketEvents: (typeof ticketEvents.$inferInsert)[];
  readings: (typeof usageReadings.$inferInsert)[];
  surveys: (typeof surveys.$inferInsert)[];
  responses: (typeof surveyResponses.$inferInsert)[];
  arrHistory: (typeof arrHistory.$inferInsert)[];
  outcomes: (typeof renewalOutcomes.$inferInsert)[];
}

async function seed(db: Db, workspaceId: string, now: Date, timezone: string): Promise<SeedResult> {
  const random = prng(20261123);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const today = localDate(now, timezone);
  const at = (daysAgo: number, hour = 10) => zonedInstant(addDays(today, -daysAgo), `${String(hour).padStart(2, '0')}:${String(Math.floor(random() * 4) * 15).padStart(2, '0')}`, timezone);
  const hours = { ...DEFAULT_BUSINESS_HOURS, timezone };

  const userRows = await db
    .insert(users)
    .values(DEMO_USERS.map((u) => ({ workspaceId, platformUserId: u.id, displayName: u.name, role: u.role })))
    .onConflictDoUpdate({ target: [users.workspaceId, users.platformUserId], set: { role: sql`excluded.role` } })
    .returning();
  const userId = (name: string) => userRows.find((u) => u.platformUserId === name)!.id;

  const rows: Rows = { accounts: [], contacts: [], channels: [], checkins: [], tickets: [], ticketEvents: [], readings: [], surveys: [], responses: [], arrHistory: [], outcomes: [] };
  let ticketNumber = 0;
  let surveyNumber = 0;

  // The rows are made in the order the generator is drawn from, account by account:
  // the same `now` gives the same demo.
  for (const demo of DEMO_ACCOUNTS) {
    // Ids made here, so the account's rows can name it before anything is written.
    const accountId = randomUUID();
    const owner = userId(demo.owner);
    rows.accounts.push({
      id: accountId,
      workspaceId,
      name: demo.name,
      externalId: demo.externalId,
      arrCents: demo.arr * 100,
      contractStart: addDays(today, -demo.contractStartDaysAgo),
      renewalDate: addDays(today, demo.renewalInDays),
      stage: demo.stage,
      tier: demo.tier,
      licensedUsers: demo.licensed,
      activeUsers: demo.active,
      ownerUserId: owner,
      kickoffDate: addDays(today, -demo.kickoffDaysAgo),
      churnedOn: demo.stage === 'churned' ? addDays(today, demo.renewalInDays) : null,
      createdAt: at(Math.min(demo.contractStartDaysAgo, 200)),
      updatedAt: now,
    });

    rows.contacts.push(
      { workspaceId, accountId, name: demo.contacts[0], email: emailFor(demo.contacts[0], demo.domain), role: 'program_manager' as const },
      { workspaceId, accountId, name: demo.contacts[1], email: emailFor(demo.contacts[1], demo.domain), role: 'executive_sponsor' as const },
      { workspaceId, accountId, name: demo.contacts[2], email: emailFor(demo.contacts[2], demo.domain), role: 'technical_contact' as const },
    );
    if (demo.channel) {
      rows.channels.push({ workspaceId, channelId: demo.channel, channelName: demo.channel, accountId, kind: 'customer', linkedByUserId: owner, linkedAt: at(150) });
    }
    if (demo.internalChannel) {
      rows.channels.push({ workspaceId, channelId: demo.internalChannel, channelName: demo.internalChannel, accountId, kind: 'internal', linkedByUserId: owner, linkedAt: at(150) });
    }

    // Touches every `touchEveryDays` (jittered) from six months ago, stopping at lastTouchDaysAgo.
    const touches = [];
    for (let d = Math.min(180, demo.kickoffDaysAgo); d >= demo.lastTouchDaysAgo; d -= Math.max(3, Math.round(demo.touchEveryDays * (0.7 + random() * 0.6)))) {
      touches.push(d);
    }
    if (touches[touches.length - 1] !== demo.lastTouchDaysAgo && demo.lastTouchDaysAgo <= 180) touches.push(demo.lastTouchDaysAgo);
    touches.forEach((daysAgo, i) => {
      const type = i === 0 && demo.kickoffDaysAgo <= 180 ? ('kickoff' as const) : pick(['call', 'call', 'meeting', 'email', 'review', 'qbr'] as const);
      const sentiment = random() < demo.positiveShare ? ('positive' as const) : random() < 0.7 ? ('neutral' as const) : ('negative' as const);
      rows.checkins.push({
        workspaceId,
        accountId,
        userId: owner,
        type,
        occurredAt: at(daysAgo, 9 + Math.floor(random() * 7)),
        notes: type === 'kickoff' ? 'Kickoff meeting: agreed success objectives, contacts and the onboarding plan.' : pick(NOTES),
        sentiment,
        nextStepDate: null,
        channelId: demo.channel ?? 'general',
        createdAt: at(daysAgo),
      });
    });

    // Tickets: resolved history plus the open ones the demo story needs.
    for (const t of ticketPlan(demo, random)) {
      ticketNumber++;
      const ticketId = randomUUID();
      const openedAt = at(t.daysAgo, 8 + Math.floor(random() * 9));
      const due = slaDueAt(openedAt, t.severity, hours);
      const responded = t.status === 'open' ? null : new Date(openedAt.getTime() + (t.metSla ? 0.5 : 1.6) * (due.getTime() - openedAt.getTime()));
      const resolved = t.status === 'resolved' ? new Date(responded!.getTime() + (2 + random() * 30) * 3_600_000) : null;
      rows.tickets.push({
        id: ticketId,
        workspaceId,
        number: ticketNumber,
        accountId,
        severity: t.severity,
        title: pick(TICKET_TITLES[t.severity]),
        technology: pick(['backup', 'identity', 'networking', 'compute', 'storage', 'monitoring']),
        status: t.status,
        openedByUserId: owner,
        openedAt,
        slaDueAt: due,
        firstResponseAt: responded,
        firstResponseByUserId: responded ? owner : null,
        resolvedAt: resolved,
        resolvedByUserId: resolved ? owner : null,
        resolutionNote: resolved ? 'Fixed and confirmed with the customer.' : null,
        channelId: demo.channel ?? null,
      });
      rows.ticketEvents.push({ workspaceId, ticketId, kind: 'opened', at: openedAt, userId: owner, note: null });
      if (responded) rows.ticketEvents.push({ workspaceId, ticketId, kind: 'acknowledged', at: responded, userId: owner, note: null });
      if (resolved) rows.ticketEvents.push({ workspaceId, ticketId, kind: 'resolved', at: resolved, userId: owner, note: null });
    }

    // Monthly usage readings: a trend towards today's active users, spend against forecast.
    for (let month = 5; month >= 0; month--) {
      const drift = demo.activeTrend * month;
      const active = Math.max(0, Math.min(demo.licensed, Math.round(demo.active - drift)));
      const forecast = Math.round((demo.arr * 100) / 12);
      rows.readings.push({
        workspaceId,
        accountId,
        recordedAt: at(month * 30 + 1, 6),
        activeUsers: active,
        licensedUsers: demo.licensed,
        spendCents: Math.round(forecast * (demo.spendRatio - demo.spendTrend * month) * (0.97 + random() * 0.06)),
        forecastCents: forecast,
        source: 'billing-export',
      });
    }

    // Surveys: a closed NPS round for most accounts, a CSAT for some.
    for (const survey of demo.surveys) {
      surveyNumber++;
      const surveyId = randomUUID();
      const openedAt = at(survey.daysAgo, 11);
      rows.surveys.push({
        id: surveyId,
        workspaceId,
        number: surveyNumber,
        accountId,
        kind: survey.kind,
        channelId: demo.channel ?? 'general',
        anonymous: false,
        status: survey.daysAgo > 7 ? 'closed' : 'open',
        openedByUserId: owner,
        openedAt,
        closesAt: daysAfter(openedAt, 7),
        closedAt: survey.daysAgo > 7 ? daysAfter(openedAt, 7) : null,
      });
      survey.scores.forEach((score, i) => {
        const respondent = demo.contacts[i % demo.contacts.length]!;
        const answeredAt = new Date(openedAt.getTime() + (i + 1) * 3_600_000);
        const respondentKey = `contact:${emailFor(respondent, demo.domain)}`;
        const reason = survey.reasons?.[i] ?? null;
        if (survey.kind === 'nps') {
          rows.responses.push({ workspaceId, surveyId, respondentKey, question: 'nps', score, reason, answeredAt, updatedAt: answeredAt });
          return;
        }
        (['q1', 'q2', 'q3'] as const).forEach((question, qi) => {
          rows.responses.push({
            workspaceId,
            surveyId,
            respondentKey,
            question,
            score: Math.max(1, Math.min(5, score - (qi === 1 ? 1 : 0) + (qi === 2 && random() < 0.5 ? 0 : 0))),
            reason: qi === 0 ? reason : null,
            answeredAt,
            updatedAt: answeredAt,
          });
        });
      });
    }

    contractHistory(rows, demo, { workspaceId, accountId, owner, today, now, timezone });
  }

  // Parents before children (foreign keys); each table in one statement.
  await db.insert(accounts).values(rows.accounts);
  await db.insert(contacts).values(rows.contacts);
  if (rows.channels.length > 0) await db.insert(accountChannels).values(rows.channels);
  await db.insert(channelSettings).values({ workspaceId, channelId: DEMO_ALERT_CHANNEL, isAlertChannel: true, updatedAt: now });
  await db.insert(checkins).values(rows.checkins);
  await db.insert(tickets).values(rows.tickets);
  await db.insert(ticketEvents).values(rows.ticketEvents);
  await db.insert(usageReadings).values(rows.readings);
  await db.insert(surveys).values(rows.surveys);
  if (rows.responses.length > 0) await db.insert(surveyResponses).values(rows.responses);
  await db.insert(arrHistory).values(rows.arrHistory);
  if (rows.outcomes.length > 0) await db.insert(renewalOutcomes).values(rows.outcomes);
  await db
    .insert(sequences)
    .values([
      { workspaceId, name: 'ticket', value: ticketNumber },
      { workspaceId, name: 'survey', value: surveyNumber },
    ])
    .onConflictDoUpdate({ target: [sequences.workspaceId, sequences.name], set: { value: sql`greatest(${sequences.value}, excluded.value)` } });
  return { accounts: rows.accounts.length, checkins: rows.checkins.length, tickets: rows.tickets.length, surveys: rows.surveys.length, snapshots: 0 };
}

/**
 * The account's contracts: its first ARR from the contract start and, for a contract
 * over a year old, its renewal at the first anniversary (renewed, expanded or
 * downgraded, the next renewal a year on) or its churn at the renewal date. The ARR
 * history rows are the ones recordArrChange writes (src/core/arr-history.ts).
 */
function contractHistory(
  rows: Rows,
  demo: DemoAccount,
  c: { workspaceId: string; accountId: string; owner: string; today: string; now: Date; timezone: string },
): void {
  const { workspaceId, accountId } = c;
  const contractStart = addDays(c.today, -demo.contractStartDaysAgo);
  const arrDay = (day: string, arr: number, source: 'created' | 'renewal') => ({ workspaceId, accountId, effectiveOn: day, arrCents: arr * 100, source, recordedAt: c.now });
  rows.arrHistory.push(arrDay(contractStart, demo.outcome?.arrBefore ?? demo.arr, 'created'));
  if (!demo.outcome) return;
  const churned = demo.outcome.outcome === 'churned';
  const renewalDate = churned ? addDays(c.today, demo.renewalInDays) : addDays(contractStart, 365);
  const arrBefore = demo.outcome.arrBefore ?? demo.arr;
  if (!churned) rows.arrHistory.push(arrDay(renewalDate, demo.arr, 'renewal'));
  rows.outcomes.push({
    workspaceId,
    accountId,
    renewalDate,
    outcome: demo.outcome.outcome,
    reasonCode: demo.outcome.reason ?? null,
    arrBeforeCents: arrBefore * 100,
    arrAfterCents: churned ? 0 : demo.arr * 100,
    recordedByUserId: c.owner,
    recordedAt: zonedInstant(renewalDate, '11:00', c.timezone),
  });
}

interface PlannedTicket {
  daysAgo: number;
  severity: Severity;
  status: 'open' | 'acknowledged' | 'resolved';
  metSla: boolean;
}

function ticketPlan(demo: DemoAccount, random: () => number): PlannedTicket[] {
  const plan: PlannedTicket[] = [];
  const severities: Severity[] = ['critical', 'major', 'minor', 'minor', 'cosmetic', 'major'];
  for (let i = 0; i < demo.resolvedTickets; i++) {
    plan.push({ daysAgo: 10 + Math.floor(random() * 165), severity: severities[Math.floor(random() * severities.length)]!, status: 'resolved', metSla: random() < demo.slaMetShare });
  }
  for (const severity of demo.openTickets) plan.push({ daysAgo: 1 + Math.floor(random() * 6), severity, status: 'open', metSla: true });
  return plan.sort((a, b) => b.daysAgo - a.daysAgo);
}

function emailFor(name: string, domain: string): string {
  const local = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '.')
    .replace(/^\.|\.$/g, '');
  return `${local}@${domain}`;
}
