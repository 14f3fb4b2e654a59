// The whole domain's tables, one source for PGlite and PostgreSQL. Later features
// add behaviour on these tables, not new ones. Every row carries workspace_id: a
// Slack team, a Teams tenant and the local console are each a workspace.
// Money is integer cents (bigint read as a JS number: safe to 2^53 cents).
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export const PLATFORMS = ['slack', 'teams', 'console'] as const;
export const USER_ROLES = ['admin', 'member'] as const;
export const LIFECYCLE_STAGES = ['land', 'onboard', 'adopt', 'expand', 'renew', 'churned'] as const;
export const CONTACT_ROLES = ['program_manager', 'executive_sponsor', 'technical_contact'] as const;
export const CHECKIN_TYPES = ['call', 'meeting', 'email', 'qbr', 'kickoff', 'review', 'other'] as const;
export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;
export const TICKET_SEVERITIES = ['critical', 'major', 'minor', 'cosmetic'] as const;
export const TICKET_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export const SURVEY_KINDS = ['nps', 'csat'] as const;
/**
 * `withdrawn`: taken back by the Undo of its start before anyone answered; it takes no
 * answers and counts nowhere. A text column without a check: no migration.
 */
export const SURVEY_STATUSES = ['open', 'closed', 'withdrawn'] as const;
export const RENEWAL_OUTCOMES = ['renewed', 'expanded', 'downgraded', 'churned'] as const;
/** A customer channel is where the customer reads (surveys only); an internal one is the team's own (alerts). */
export const CHANNEL_KINDS = ['customer', 'internal'] as const;

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
const cents = (name: string) => bigint(name, { mode: 'number' });
const workspaceRef = () =>
  uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' });

/** A tenant: one Slack team, one Teams tenant, or the local console. */
export const workspaces = pgTable(
  'workspaces',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    timezone: text('timezone').notNull().default('UTC'),
    currency: text('currency').notNull().default('USD'),
    /** Tunables later features read: health weights, cadence mode, business hours, survey fatigue… */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    active: boolean('active').notNull().default(true),
    seededAt: timestamp('seeded_at', { withTimezone: true }),
    createdAt: createdAt(),
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('workspaces_platform_external_uq').on(t.platform, t.externalId)],
);

/** Per-workspace counters for short ids (#42): one row per (workspace, name). */
export const sequences = pgTable(
  'sequences',
  {
    workspaceId: workspaceRef(),
    name: text('name').notNull(),
    value: integer('value').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.name] })],
);

/** Platform installations (Slack OAuth installs); tokens live here, never in logs. */
export const installations = pgTable(
  'installations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    enterpriseId: text('enterprise_id'),
    teamId: text('team_id'),
    installerUserId: text('installer_user_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    installedAt: timestamp('installed_at', { withTimezone: true }).notNull().defaultNow(),
    uninstalledAt: timestamp('uninstalled_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('installations_platform_team_uq').on(t.platform, t.enterpriseId, t.teamId)],
);

/** Where to post proactively (Teams conversation references, console channels). */
export const conversationRefs = pgTable(
  'conversation_refs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    conversationId: text('conversation_id').notNull(),
    scope: text('scope', { enum: ['team', 'groupChat', 'personal', 'channel'] }).notNull(),
    reference: jsonb('reference').$type<Record<string, unknown>>().notNull(),
    active: boolean('active').notNull().default(true),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('conversation_refs_uq').on(t.workspaceId, t.platform, t.conversationId)],
);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    platformUserId: text('platform_user_id').notNull(),
    displayName: text('display_name').notNull(),
    email: text('email'),
    role: text('role', { enum: USER_ROLES }).notNull().default('member'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_workspace_platform_uq').on(t.workspaceId, t.platformUserId)],
);

export const accounts = pgTable(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    name: text('name').notNull(),
    externalId: text('external_id'),
    arrCents: cents('arr_cents'),
    contractStart: date('contract_start'),
    renewalDate: date('renewal_date'),
    stage: text('stage', { enum: LIFECYCLE_STAGES }).notNull().default('land'),
    tier: text('tier'),
    licensedUsers: integer('licensed_users'),
    activeUsers: integer('active_users'),
    ownerUserId: uuid('owner_user_id').references(() => users.id, { onDelete: 'set null' }),
    kickoffDate: date('kickoff_date'),
    // The day the customer left; the account keeps the ARR it had, so the ARR lost is known.
    churnedOn: date('churned_on'),
    // The latest check-in's time, kept by a trigger on checkins (migration 0002), so the
    // health score of a whole portfolio reads it instead of probing checkins per account.
    lastTouchAt: timestamp('last_touch_at', { withTimezone: true }),
    // The spend of the last (up to) three usage readings that have one, oldest first, the
    // latest one's forecast and time, kept by triggers on usage_readings (migration 0004)
    // for the same reason: the portfolio's financial scores read them here.
    recentSpendCents: bigint('recent_spend_cents', { mode: 'number' }).array(),
    latestForecastCents: cents('latest_forecast_cents'),
    latestSpendAt: timestamp('latest_spend_at', { withTimezone: true }),
    // Set by /account archive: the account leaves every list, alert and KPI and keeps its history.
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('accounts_workspace_name_uq').on(t.workspaceId, sql`lower(${t.name})`),
    uniqueIndex('accounts_workspace_external_uq').on(t.workspaceId, t.externalId),
    index('accounts_workspace_renewal_idx').on(t.workspaceId, t.renewalDate),
  ],
);

export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    email: text('email'),
    role: text('role', { enum: CONTACT_ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('contacts_account_idx').on(t.workspaceId, t.accountId)],
);

/** A chat channel linked to an account: alerts and surveys for the account go there. */
export const accountChannels = pgTable(
  'account_channels',
  {
    workspaceId: workspaceRef(),
    channelId: text('channel_id').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    channelName: text('channel_name'),
    /** Links made before channels had kinds were all where surveys went: customer channels. */
    kind: text('kind', { enum: CHANNEL_KINDS }).notNull().default('customer'),
    linkedByUserId: uuid('linked_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    linkedAt: timestamp('linked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.channelId] }),
    index('account_channels_account_idx').on(t.workspaceId, t.accountId),
  ],
);

export const checkins = pgTable(
  'checkins',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    type: text('type', { enum: CHECKIN_TYPES }).notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    notes: text('notes').notNull(),
    sentiment: text('sentiment', { enum: SENTIMENTS }).notNull().default('neutral'),
    nextStepDate: date('next_step_date'),
    channelId: text('channel_id'),
    // The short id (#12) for /checkin edit, per workspace. A trigger (migration 0011) numbers
    // every row inserted without one from the sequences table, so every writer gets one;
    // the null default only makes it optional to insert.
    number: integer('number').notNull().default(sql`null`),
    // A touch logged from a chat message ("Log as check-in"): who wrote it and a link back to it.
    sourceAuthor: text('source_author'),
    sourceLink: text('source_link'),
    createdAt: createdAt(),
  },
  (t) => [
    index('checkins_account_time_idx').on(t.workspaceId, t.accountId, t.occurredAt),
    uniqueIndex('checkins_workspace_number_uq').on(t.workspaceId, t.number),
  ],
);

export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    number: integer('number').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    severity: text('severity', { enum: TICKET_SEVERITIES }).notNull(),
    title: text('title').notNull(),
    technology: text('technology'),
    status: text('status', { enum: TICKET_STATUSES }).notNull().default('open'),
    openedByUserId: uuid('opened_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    slaDueAt: timestamp('sla_due_at', { withTimezone: true }).notNull(),
    firstResponseAt: timestamp('first_response_at', { withTimezone: true }),
    firstResponseByUserId: uuid('first_response_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedByUserId: uuid('resolved_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    resolutionNote: text('resolution_note'),
    channelId: text('channel_id'),
  },
  (t) => [
    uniqueIndex('tickets_workspace_number_uq').on(t.workspaceId, t.number),
    index('tickets_account_status_idx').on(t.workspaceId, t.accountId, t.status),
  ],
);

/** A ticket's history: opened, acknowledged, resolved, reopened, alerted. */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    note: text('note'),
  },
  (t) => [index('ticket_events_ticket_idx').on(t.ticketId, t.at)],
);

export const surveys = pgTable(
  'surveys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    number: integer('number').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: SURVEY_KINDS }).notNull(),
    channelId: text('channel_id'),
    /** Where the survey message lives on its platform (Slack ts, Teams activity id), to update its tally. */
    messageRef: jsonb('message_ref').$type<Record<string, unknown>>(),
    anonymous: boolean('anonymous').notNull().default(false),
    status: text('status', { enum: SURVEY_STATUSES }).notNull().default('open'),
    openedByUserId: uuid('opened_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    reminderSentAt: timestamp('reminder_sent_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('surveys_workspace_number_uq').on(t.workspaceId, t.number),
    index('surveys_account_idx').on(t.workspaceId, t.accountId, t.openedAt),
  ],
);

/**
 * One row per respondent per question. respondent_key is the platform user id, or
 * for anonymous surveys a keyed hash of it (so one answer per person, no identity).
 */
export const surveyResponses = pgTable(
  'survey_responses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    respondentKey: text('respondent_key').notNull(),
    respondentUserId: uuid('respondent_user_id').references(() => users.id, { onDelete: 'set null' }),
    question: text('question').notNull(),
    score: integer('score'),
    reason: text('reason'),
    answeredAt: timestamp('answered_at', { withTimezone: true }).notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('survey_responses_uq').on(t.surveyId, t.respondentKey, t.question),
    index('survey_responses_workspace_idx').on(t.workspaceId, t.answeredAt),
  ],
);

/**
 * Scored answers rolled up per survey and UTC day, kept by statement-level triggers on
 * survey_responses (migration 0003), so the health score of a whole portfolio sums a
 * few rows per survey instead of aggregating every answer. Counts follow the answers'
 * inserts, changes and deletions; deleting a survey removes its rows. CSAT is kept per
 * question (migration 0009): the CSAT score is the mean of the question means
 * (src/core/csat.ts), which one sum over all answers cannot give.
 */
export const surveyAnswerDays = pgTable(
  'survey_answer_days',
  {
    workspaceId: workspaceRef(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    promoters: integer('promoters').notNull().default(0),
    detractors: integer('detractors').notNull().default(0),
    npsTotal: integer('nps_total').notNull().default(0),
    q1Sum: integer('q1_sum').notNull().default(0),
    q1Count: integer('q1_count').notNull().default(0),
    q2Sum: integer('q2_sum').notNull().default(0),
    q2Count: integer('q2_count').notNull().default(0),
    q3Sum: integer('q3_sum').notNull().default(0),
    q3Count: integer('q3_count').notNull().default(0),
  },
  (t) => [uniqueIndex('survey_answer_days_uq').on(t.surveyId, t.day), index('survey_answer_days_workspace_idx').on(t.workspaceId, t.day)],
);

export const usageReadings = pgTable(
  'usage_readings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
    activeUsers: integer('active_users'),
    licensedUsers: integer('licensed_users'),
    spendCents: cents('spend_cents'),
    forecastCents: cents('forecast_cents'),
    source: text('source').notNull().default('chat'),
    // The CSV import from chat that added the reading, so undoing that import removes exactly its readings.
    importId: uuid('import_id'),
  },
  (t) => [index('usage_account_time_idx').on(t.workspaceId, t.accountId, t.recordedAt), index('usage_import_idx').on(t.workspaceId, t.importId)],
);

/** One snapshot per account per day (in the workspace's zone): the trend line. */
export const healthSnapshots = pgTable(
  'health_snapshots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    score: integer('score').notNull(),
    band: text('band', { enum: ['green', 'yellow', 'red'] }).notNull(),
    components: jsonb('components').$type<Record<string, unknown>>().notNull(),
    drivers: jsonb('drivers').$type<string[]>().notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('health_snapshots_account_day_uq').on(t.workspaceId, t.accountId, t.day)],
);

export const renewalOutcomes = pgTable(
  'renewal_outcomes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    renewalDate: date('renewal_date'),
    outcome: text('outcome', { enum: RENEWAL_OUTCOMES }).notNull(),
    reasonCode: text('reason_code'),
    arrBeforeCents: cents('arr_before_cents'),
    arrAfterCents: cents('arr_after_cents'),
    npsAtRenewal: integer('nps_at_renewal'),
    // CSAT (1–5) × 100, as an integer: 4.25 is stored as 425.
    csatAtRenewalX100: integer('csat_at_renewal_x100'),
    recordedByUserId: uuid('recorded_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('renewal_outcomes_account_idx').on(t.workspaceId, t.accountId, t.recordedAt)],
);

export const ARR_CHANGE_SOURCES = ['created', 'changed', 'renewal', 'backfill'] as const;

/**
 * Every ARR an account has had, with the day it took effect: the portfolio KPIs
 * read a cohort's ARR at the start of their window here, so an imported history
 * counts from its contract dates and a churn does not erase the ARR it lost.
 */
export const arrHistory = pgTable(
  'arr_history',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    effectiveOn: date('effective_on').notNull(),
    arrCents: cents('arr_cents').notNull(),
    source: text('source', { enum: ARR_CHANGE_SOURCES }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('arr_history_account_idx').on(t.workspaceId, t.accountId, t.effectiveOn)],
);

/** Per-channel settings: the weekly digest's schedule and the channel's time zone. */
export const channelSettings = pgTable(
  'channel_settings',
  {
    workspaceId: workspaceRef(),
    channelId: text('channel_id').notNull(),
    timezone: text('timezone'),
    digestDay: text('digest_day', { enum: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] }),
    digestTime: text('digest_time'),
    digestEnabled: boolean('digest_enabled').notNull().default(false),
    isAlertChannel: boolean('is_alert_channel').notNull().default(false),
    /** Who scheduled the digest here: told privately when it is paused. */
    digestScheduledByUserId: uuid('digest_scheduled_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Set when the digest stopped because the channel became a customer channel. */
    digestPausedAt: timestamp('digest_paused_at', { withTimezone: true }),
    /** The platform said the channel is shared with another organisation (Slack Connect, Teams shared channel, guests). */
    sharedExternally: boolean('shared_externally').notNull().default(false),
    sharedCheckedAt: timestamp('shared_checked_at', { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.channelId] })],
);

/**
 * The job ledger: (job name, period key) is unique, so a scheduled run or a
 * one-off alert happens once across replicas whatever the cron ticks do.
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').references(() => workspaces.id, { onDelete: 'cascade' }),
    jobName: text('job_name').notNull(),
    periodKey: text('period_key').notNull(),
    status: text('status', { enum: ['running', 'done', 'failed'] }).notNull().default('running'),
    owner: text('owner'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
  },
  (t) => [uniqueIndex('job_runs_name_period_uq').on(t.jobName, t.periodKey)],
);

/** Who changed what: before and after of every change, for /account history. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    actorLabel: text('actor_label'),
    at: timestamp('at', { withTimezone: true }).notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    action: text('action').notNull(),
    before: jsonb('before').$type<Record<string, unknown>>(),
    after: jsonb('after').$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_entity_idx').on(t.workspaceId, t.entityType, t.entityId, t.at)],
);

/**
 * Ingest API idempotency: the first response to a key is replayed for repeats by the
 * same caller. Keys are the caller's own: two tokens of one workspace (two tools) may
 * both use "sync-1" without one getting the other's answer.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    workspaceId: workspaceRef(),
    /** `operator` (TENURE_API_TOKEN) or `token:<api_tokens.id>`; '' on keys stored before keys were per caller, which no caller matches. */
    caller: text('caller').notNull().default(''),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code').notNull(),
    response: jsonb('response').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.caller, t.key] })],
);

/**
 * Ingest API tokens scoped to one workspace (TENURE_API_TOKEN is the operator's,
 * for any workspace). Only the SHA-256 of a token is stored: it is shown once.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    /** Short id per workspace (`/tenure token revoke 3`). */
    number: integer('number').notNull(),
    label: text('label').notNull(),
    hash: text('hash').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('api_tokens_hash_uq').on(t.hash), uniqueIndex('api_tokens_workspace_number_uq').on(t.workspaceId, t.number)],
);

export const PSA_CONNECTORS = ['connectwise', 'autotask', 'halopsa'] as const;

/**
 * A workspace's connection to its PSA (one per connector): the credentials and the
 * webhook secret encrypted with TENURE_SECRET_KEY (src/core/secrets.ts), the poll's
 * cursor, and whether it works. 'preview' until the admin confirms the first import.
 */
export const psaConnections = pgTable(
  'psa_connections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    connector: text('connector', { enum: PSA_CONNECTORS }).notNull(),
    status: text('status', { enum: ['preview', 'active'] }).notNull().default('preview'),
    /** AES-256-GCM of the credentials' JSON (never read without the key, never exported). */
    credentials: text('credentials').notNull(),
    /** AES-256-GCM of the webhook secret Tenure made for this connection. */
    webhookSecret: text('webhook_secret').notNull(),
    /** Per-workspace priority → severity overrides of the connector's defaults. */
    priorityMap: jsonb('priority_map').$type<Record<string, string>>().notNull().default({}),
    /** The poll's position: the PSA's last-updated stamp of the newest change taken in. */
    cursor: timestamp('cursor', { withTimezone: true }),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    /** Set at the first failure of a run of failures; cleared by the next success. */
    failingSince: timestamp('failing_since', { withTimezone: true }),
    lastError: text('last_error'),
    createdByUserId: uuid('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('psa_connections_workspace_connector_uq').on(t.workspaceId, t.connector)],
);

/** The PSA's companies as last seen, and the account each maps to (null: unmatched). */
export const psaCompanies = pgTable(
  'psa_companies',
  {
    workspaceId: workspaceRef(),
    connector: text('connector', { enum: PSA_CONNECTORS }).notNull(),
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    accountId: uuid('account_id').references(() => accounts.id, { onDelete: 'set null' }),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.connector, t.externalId] })],
);

/**
 * Every PSA ticket Tenure has seen: the Tenure ticket it is (null while its company
 * maps to no account: kept aside with the neutral ticket in `data`), and the PSA's
 * last-updated stamp, so a change seen twice (webhook and poll) is applied once.
 */
export const psaTickets = pgTable(
  'psa_tickets',
  {
    workspaceId: workspaceRef(),
    connector: text('connector', { enum: PSA_CONNECTORS }).notNull(),
    externalId: text('external_id').notNull(),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    externalNumber: text('external_number').notNull(),
    url: text('url').notNull(),
    companyExternalId: text('company_external_id').notNull(),
    externalUpdatedAt: timestamp('external_updated_at', { withTimezone: true }).notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.connector, t.externalId] }),
    uniqueIndex('psa_tickets_ticket_uq').on(t.ticketId),
    index('psa_tickets_company_idx').on(t.workspaceId, t.connector, t.companyExternalId),
  ],
);
