// The demo portfolio's cast: who the TAMs are and each account's story (stage,
// size, adoption, how often it is touched, tickets, survey answers). Relative
// day counts keep the demo current whatever day it is seeded.
import type { Severity } from '../core/sla.js';

export const DEMO_USERS = [
  { id: 'ana', name: 'ana', role: 'admin' as const },
  { id: 'ben', name: 'ben', role: 'member' as const },
  { id: 'carla', name: 'carla', role: 'member' as const },
];

export interface DemoAccount {
  name: string;
  externalId: string;
  domain: string;
  stage: 'land' | 'onboard' | 'adopt' | 'expand' | 'renew' | 'churned';
  tier: string;
  owner: 'ana' | 'ben' | 'carla';
  arr: number;
  contractStartDaysAgo: number;
  kickoffDaysAgo: number;
  renewalInDays: number;
  licensed: number;
  active: number;
  /** Active users gained per month over the last six months (negative: shrinking). */
  activeTrend: number;
  /** Spend as a share of forecast today, and its change per month. */
  spendRatio: number;
  spendTrend: number;
  touchEveryDays: number;
  lastTouchDaysAgo: number;
  positiveShare: number;
  resolvedTickets: number;
  slaMetShare: number;
  openTickets: Severity[];
  contacts: [string, string, string];
  /** The customer's channel (surveys; the customer reads it). */
  channel?: string;
  /** The team's own channel about the account (its alerts). */
  internalChannel?: string;
  surveys: { kind: 'nps' | 'csat'; daysAgo: number; scores: number[]; reasons?: (string | null)[] }[];
  /**
   * The last renewal's outcome. Renewed, expanded or downgraded: at the contract's first
   * anniversary, from `arrBefore` to `arr`. Churned: at the renewal date, losing `arr`.
   */
  outcome?: { outcome: 'renewed' | 'expanded' | 'downgraded' | 'churned'; reason?: string; arrBefore?: number };
}

/** The team's channel for alerts of accounts without an internal channel of their own. */
export const DEMO_ALERT_CHANNEL = 'cs-team';

export const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    name: 'Acme Corp', externalId: 'CRM-1001', domain: 'acme.example', stage: 'adopt', tier: 'gold', owner: 'ana',
    arr: 120_000, contractStartDaysAgo: 237, kickoffDaysAgo: 230, renewalInDays: 128, licensed: 100, active: 72,
    activeTrend: 4, spendRatio: 1.02, spendTrend: 0.01, touchEveryDays: 21, lastTouchDaysAgo: 12, positiveShare: 0.6,
    resolvedTickets: 5, slaMetShare: 0.8, openTickets: ['minor'], contacts: ['Dana Whitfield', 'Marcus Lee', 'Priya Raman'],
    channel: 'acme-corp',
    internalChannel: 'acme-team',
    surveys: [{ kind: 'nps', daysAgo: 40, scores: [9, 10, 7], reasons: ['Fast answers from our TAM', null, 'Onboarding took longer than planned'] }],
  },
  {
    name: 'Globex', externalId: 'CRM-1002', domain: 'globex.example', stage: 'expand', tier: 'platinum', owner: 'ben',
    arr: 340_000, contractStartDaysAgo: 430, kickoffDaysAgo: 420, renewalInDays: 300, licensed: 250, active: 231,
    activeTrend: 3, spendRatio: 1.08, spendTrend: 0.01, touchEveryDays: 14, lastTouchDaysAgo: 4, positiveShare: 0.8,
    resolvedTickets: 7, slaMetShare: 0.95, openTickets: [], contacts: ['Hank Scorpio', 'Lena Okafor', 'Tom Brandt'],
    channel: 'globex',
    surveys: [
      { kind: 'nps', daysAgo: 120, scores: [9, 9, 8] },
      { kind: 'csat', daysAgo: 60, scores: [5, 5, 4], reasons: ['The team anticipates our needs'] },
    ],
    outcome: { outcome: 'expanded', reason: 'added-services', arrBefore: 260_000 },
  },
  {
    name: 'Initech', externalId: 'CRM-1003', domain: 'initech.example', stage: 'renew', tier: 'silver', owner: 'ana',
    arr: 85_000, contractStartDaysAgo: 320, kickoffDaysAgo: 310, renewalInDays: 45, licensed: 60, active: 22,
    activeTrend: -3, spendRatio: 0.78, spendTrend: -0.03, touchEveryDays: 35, lastTouchDaysAgo: 47, positiveShare: 0.2,
    resolvedTickets: 6, slaMetShare: 0.5, openTickets: ['critical', 'major'], contacts: ['Bill Lumbergh', 'Joanna Park', 'Milton Waddams'],
    channel: 'initech',
    surveys: [{ kind: 'nps', daysAgo: 70, scores: [4, 6, 8], reasons: ['Too many outages this quarter', 'Slow ticket responses', null] }],
  },
  {
    name: 'Umbrella Health', externalId: 'CRM-1004', domain: 'umbrella.example', stage: 'onboard', tier: 'gold', owner: 'carla',
    arr: 200_000, contractStartDaysAgo: 26, kickoffDaysAgo: 20, renewalInDays: 340, licensed: 150, active: 40,
    activeTrend: 8, spendRatio: 0.9, spendTrend: -0.02, touchEveryDays: 6, lastTouchDaysAgo: 3, positiveShare: 0.6,
    resolvedTickets: 1, slaMetShare: 1, openTickets: ['minor'], contacts: ['Alice Abernathy', 'Albert Wesker', 'Jill Valentine'],
    surveys: [],
  },
  {
    name: 'Stark Logistics', externalId: 'CRM-1005', domain: 'stark.example', stage: 'land', tier: 'gold', owner: 'ben',
    arr: 150_000, contractStartDaysAgo: 5, kickoffDaysAgo: 2, renewalInDays: 360, licensed: 120, active: 0,
    activeTrend: 0, spendRatio: 0.2, spendTrend: 0, touchEveryDays: 7, lastTouchDaysAgo: 2, positiveShare: 0.9,
    resolvedTickets: 0, slaMetShare: 1, openTickets: [], contacts: ['Pepper Potts', 'Happy Hogan', 'Jarvis Singh'],
    surveys: [],
  },
  {
    name: 'Wayne Retail', externalId: 'CRM-1006', domain: 'wayne.example', stage: 'adopt', tier: 'silver', owner: 'carla',
    arr: 60_000, contractStartDaysAgo: 500, kickoffDaysAgo: 495, renewalInDays: 230, licensed: 40, active: 35,
    activeTrend: 0.5, spendRatio: 1, spendTrend: 0, touchEveryDays: 30, lastTouchDaysAgo: 20, positiveShare: 0.7,
    resolvedTickets: 3, slaMetShare: 0.9, openTickets: ['cosmetic'], contacts: ['Lucius Fox', 'Selina Kyle', 'Alfred Pennyworth'],
    surveys: [{ kind: 'nps', daysAgo: 95, scores: [10, 9] }],
    outcome: { outcome: 'downgraded', reason: 'budget', arrBefore: 75_000 },
  },
  {
    name: 'Hooli Cloud', externalId: 'CRM-1007', domain: 'hooli.example', stage: 'renew', tier: 'platinum', owner: 'ben',
    arr: 500_000, contractStartDaysAgo: 290, kickoffDaysAgo: 285, renewalInDays: 75, licensed: 400, active: 380,
    activeTrend: 2, spendRatio: 1.05, spendTrend: 0.005, touchEveryDays: 12, lastTouchDaysAgo: 6, positiveShare: 0.75,
    resolvedTickets: 8, slaMetShare: 0.9, openTickets: ['major'], contacts: ['Gavin Belson', 'Denpok Rao', 'Nelson Bighetti'],
    channel: 'hooli',
    surveys: [{ kind: 'nps', daysAgo: 3, scores: [9, 8], reasons: ['Great migration support', null] }],
  },
  {
    name: 'Soylent Foods', externalId: 'CRM-1008', domain: 'soylent.example', stage: 'adopt', tier: 'bronze', owner: 'carla',
    arr: 45_000, contractStartDaysAgo: 570, kickoffDaysAgo: 560, renewalInDays: 160, licensed: 30, active: 9,
    activeTrend: -1.5, spendRatio: 0.7, spendTrend: -0.04, touchEveryDays: 60, lastTouchDaysAgo: 131, positiveShare: 0.3,
    resolvedTickets: 2, slaMetShare: 0.6, openTickets: ['major', 'minor'], contacts: ['Sol Roth', 'Tab Fielding', 'Martha Thorn'],
    surveys: [{ kind: 'nps', daysAgo: 150, scores: [5, 3], reasons: ['We barely use it', 'Nobody has called us in months'] }],
    outcome: { outcome: 'renewed' },
  },
  {
    name: 'Cyberdyne Systems', externalId: 'CRM-1009', domain: 'cyberdyne.example', stage: 'expand', tier: 'gold', owner: 'ana',
    arr: 210_000, contractStartDaysAgo: 620, kickoffDaysAgo: 610, renewalInDays: 110, licensed: 180, active: 171,
    activeTrend: 1, spendRatio: 1.12, spendTrend: 0.02, touchEveryDays: 20, lastTouchDaysAgo: 9, positiveShare: 0.7,
    resolvedTickets: 4, slaMetShare: 0.85, openTickets: [], contacts: ['Miles Dyson', 'Sarah Connor', 'Kyle Reese'],
    surveys: [{ kind: 'csat', daysAgo: 30, scores: [4, 5, 4] }],
    outcome: { outcome: 'renewed' },
  },
  {
    name: 'Tyrell Biotech', externalId: 'CRM-1010', domain: 'tyrell.example', stage: 'onboard', tier: 'silver', owner: 'carla',
    arr: 95_000, contractStartDaysAgo: 75, kickoffDaysAgo: 70, renewalInDays: 290, licensed: 80, active: 38,
    activeTrend: 12, spendRatio: 0.95, spendTrend: -0.01, touchEveryDays: 14, lastTouchDaysAgo: 16, positiveShare: 0.5,
    resolvedTickets: 2, slaMetShare: 0.7, openTickets: ['minor'], contacts: ['Rachael Tyrell', 'Eldon Tyrell', 'Hannibal Chew'],
    surveys: [],
  },
  {
    name: 'Wonka Confections', externalId: 'CRM-1011', domain: 'wonka.example', stage: 'churned', tier: 'bronze', owner: 'ben',
    arr: 30_000, contractStartDaysAgo: 400, kickoffDaysAgo: 395, renewalInDays: -35, licensed: 25, active: 3,
    activeTrend: -2, spendRatio: 0.4, spendTrend: -0.05, touchEveryDays: 45, lastTouchDaysAgo: 40, positiveShare: 0.2,
    resolvedTickets: 3, slaMetShare: 0.5, openTickets: [], contacts: ['Charlie Bucket', 'Arthur Slugworth', 'Veruca Salt'],
    surveys: [{ kind: 'nps', daysAgo: 100, scores: [2, 6], reasons: ['Moving to an in-house team', null] }],
    outcome: { outcome: 'churned', reason: 'insourced' },
  },
  {
    name: 'Müller & Söhne GmbH', externalId: 'CRM-1012', domain: 'mueller-soehne.example', stage: 'adopt', tier: 'gold', owner: 'ana',
    arr: 110_000, contractStartDaysAgo: 200, kickoffDaysAgo: 190, renewalInDays: 165, licensed: 90, active: 81,
    activeTrend: 2, spendRatio: 1, spendTrend: 0.005, touchEveryDays: 25, lastTouchDaysAgo: 28, positiveShare: 0.65,
    resolvedTickets: 2, slaMetShare: 1, openTickets: [], contacts: ['Jürgen Müller', 'Anke Söhne', 'Özlem Kaya'],
    surveys: [{ kind: 'nps', daysAgo: 50, scores: [8, 9, 10] }],
  },
];

export const NOTES = [
  'Reviewed backup coverage and restore tests; two workloads still unprotected.',
  'Monthly service review: SLA attainment, open tickets and the cost report.',
  'Walked the new admins through the identity setup and conditional access.',
  'Discussed the roadmap for the DR site; they want a proposal next month.',
  'Check-in with the program manager: adoption is growing in the finance team.',
  'Sent the usage report and the rightsizing recommendations.',
  'Escalation call about last week\u2019s outage; agreed on a post-incident review.',
  'Quarterly business review with the sponsor: goals on track, budget confirmed.',
  'Training session for 12 new users on the monitoring dashboards.',
  'Licence true-up: 10 more seats expected next quarter.',
];

export const TICKET_TITLES: Record<Severity, string[]> = {
  critical: ['Production VPN tunnel down', 'Primary database unreachable', 'Ransomware alert on file server'],
  major: ['Backups failing for two VMs', 'SSO login loop for some users', 'Slow storage on the ERP cluster'],
  minor: ['New user cannot see shared mailbox', 'Monitoring alert too noisy', 'Cost report missing a subscription'],
  cosmetic: ['Typo in the welcome email', 'Dashboard logo blurry', 'Wrong time zone in the report footer'],
};
