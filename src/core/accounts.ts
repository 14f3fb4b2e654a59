// Accounts: the customers a partner manages. Names are unique per workspace
// regardless of case and follow one rule (names.ts) whoever writes them; lookups by
// name answer unknown names with close matches.
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import { preparedQuery } from '../../db/statements.js';
import { accountChannels, accounts, checkins, surveyResponses, surveys, tickets, users } from '../../db/schema.js';
import { checkAccountChange } from './account-rules.js';
import { recordArrChange, type ArrChangeSource } from './arr-history.js';
import { changedFields, recordAudit } from './audit.js';
import { UserError } from './errors.js';
import { accountByPartOfName } from './account-lookup.js';
import { accountName, checkAccountName, cleanName, closeMatches } from './names.js';
import { daysBefore } from './time.js';

export type Account = typeof accounts.$inferSelect;
export type LifecycleStage = Account['stage'];
export type TicketSeverity = (typeof tickets.$inferSelect)['severity'];

/** The fields a person can set on an account. */
export interface AccountFields {
  name?: string;
  externalId?: string | null;
  arrCents?: number | null;
  contractStart?: string | null;
  renewalDate?: string | null;
  stage?: LifecycleStage;
  tier?: string | null;
  licensedUsers?: number | null;
  activeUsers?: number | null;
  ownerUserId?: string | null;
  kickoffDate?: string | null;
  /** The day the customer left; set with stage=churned (today when not given), cleared when the stage changes back. */
  churnedOn?: string | null;
}

/** How an ARR change is dated in the ARR history (default: today, as a plain change). */
export interface ArrDating {
  effectiveOn?: string;
  source?: ArrChangeSource;
}

export interface Actor {
  userId: string | null;
  now: Date;
  /** Who acted when it is not a person: "CSV import", "ingest API". */
  label?: string;
}

/** The actor's calendar day, for changes that take effect "today" (UTC: the actor carries no zone). */
const actorDay = (actor: Actor) => actor.now.toISOString().slice(0, 10);

/** A churned stage carries the day it happened; leaving it clears the day. */
function withChurnDay<T extends AccountFields>(fields: T, was: { stage: LifecycleStage; churnedOn: string | null } | null, actor: Actor): T {
  if (fields.stage === 'churned' && (was?.stage !== 'churned' || fields.churnedOn !== undefined)) {
    return { ...fields, churnedOn: fields.churnedOn ?? was?.churnedOn ?? actorDay(actor) };
  }
  if (fields.stage !== undefined && fields.stage !== 'churned' && was?.stage === 'churned') return { ...fields, churnedOn: null };
  return fields;
}

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

function duplicateName(name: string): UserError {
  return new UserError(`An account named "${name}" already exists.`, {
    hint: `Change its fields with /account set "${name}" key=value, or pick another name.`,
  });
}

/** Every command that names an account starts here, so it is built once (db/statements.ts). */
const accountByName = preparedQuery('account-by-name', (db) =>
  db
    .select()
    .from(accounts)
    .where(and(eq(accounts.workspaceId, sql.placeholder('workspaceId')), sql`lower(${accounts.name}) = lower(${sql.placeholder('name')})`))
    .prepare('account-by-name'),
);

export async function findAccountByName(db: Db, workspaceId: string, name: string): Promise<Account | undefined> {
  // Read the way names are stored, so "Acme\u200b" finds Acme rather than a look-alike.
  const [row] = await accountByName(db).execute({ workspaceId, name: cleanName(name) });
  return row;
}

/**
 * Which of several readings of the words name an account by its whole name, in one
 * query (forgiving word order tries many): the accounts found, each with the index
 * of the first name in `names` it answers to.
 */
export async function accountsNamedAnyOf(db: Db, workspaceId: string, names: string[]): Promise<{ account: Account; index: number }[]> {
  const cleaned = names.map((n) => cleanName(n));
  if (cleaned.length === 0) return [];
  const rows = await db
    .select()
    .from(accounts)
    .where(and(eq(accounts.workspaceId, workspaceId), inArray(sql`lower(${accounts.name})`, cleaned.map((n) => sql`lower(${n})`))));
  // Matched back in JS: a name whose case JS folds differently from PostgreSQL is then not reordered, and is read as typed.
  return rows.flatMap((account) => {
    const index = cleaned.findIndex((n) => n.toLowerCase() === account.name.toLowerCase());
    return index < 0 ? [] : [{ account, index }];
  });
}

export async function getAccount(db: Db, workspaceId: string, accountId: string): Promise<Account | undefined> {
  const [row] = await db
    .select()
    .from(accounts)
    .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, accountId)));
  return row;
}

export async function accountNames(db: Db, workspaceId: string): Promise<string[]> {
  const rows = await db
    .select({ name: accounts.name })
    .from(accounts)
    .where(eq(accounts.workspaceId, workspaceId))
    .orderBy(asc(sql`lower(${accounts.name})`));
  return rows.map((r) => r.name);
}

/** The account with this name, or a UserError listing the closest names. */
export async function resolveAccount(db: Db, workspaceId: string, typed: string): Promise<Account> {
  const checked = checkAccountName(typed);
  if (!checked.ok) throw new UserError(checked.problem);
  const name = checked.name;
  const found = (await findAccountByName(db, workspaceId, name)) ?? (await accountByPartOfName(db, workspaceId, name));
  if (found) return found;
  const names = await accountNames(db, workspaceId);
  const close = closeMatches(name, names);
  const hint =
    close.length > 0
      ? `Did you mean ${close.map((n) => `"${n}"`).join(', ')}?`
      : names.length > 0
        ? 'See /account list for every account.'
        : 'There are no accounts yet: add one with /account add "Acme Corp".';
  throw new UserError(`No account named "${name}".`, { hint });
}

/**
 * New work — a touch, a ticket, a usage reading, a renewal outcome, a survey, a
 * channel link — is not logged against an archived account: it would vanish from
 * every list, alert and KPI it was meant for. Reading it (its card, its history),
 * correcting its fields and undoing earlier changes stay open; restoring comes first.
 */
export function archivedAccountError(account: Pick<Account, 'name'>): UserError {
  return new UserError(`${account.name} is archived: restore it with /account restore "${account.name}" (admins) to log work against it.`);
}

/** The account itself when it is not archived; else the UserError saying how to bring it back. */
export function requireLiveAccount<T extends Pick<Account, 'name' | 'archivedAt'>>(account: T): T {
  if (account.archivedAt) throw archivedAccountError(account);
  return account;
}

/** resolveAccount for new work: an archived account, found by its whole name, is refused (requireLiveAccount). */
export async function resolveLiveAccount(db: Db, workspaceId: string, typed: string): Promise<Account> {
  return requireLiveAccount(await resolveAccount(db, workspaceId, typed));
}

export async function createAccount(
  db: Db,
  workspaceId: string,
  typedFields: AccountFields & { name: string },
  actor: Actor,
): Promise<Account> {
  // Here, not only in the commands: the CSV import and the ingest API write through this too.
  const fields = withChurnDay({ ...typedFields, name: accountName(typedFields.name) }, null, actor);
  checkAccountChange(fields, null);
  if (await findAccountByName(db, workspaceId, fields.name)) throw duplicateName(fields.name);
  let row: Account | undefined;
  try {
    [row] = await db
      .insert(accounts)
      .values({ ...fields, workspaceId, createdAt: actor.now, updatedAt: actor.now })
      .returning();
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicateName(fields.name);
    throw err;
  }
  await recordArrChange(db, { workspaceId, accountId: row!.id, arrCents: row!.arrCents, effectiveOn: row!.contractStart ?? actorDay(actor), source: 'created', now: actor.now });
  await recordAudit(db, workspaceId, {
    actorUserId: actor.userId,
    actorLabel: actor.label,
    at: actor.now,
    entityType: 'account',
    entityId: row!.id,
    action: 'create',
    after: auditable(row!),
  });
  return row!;
}

export async function updateAccount(
  db: Db,
  workspaceId: string,
  accountId: string,
  typedPatch: AccountFields,
  actor: Actor,
  arrDating: ArrDating = {},
): Promise<{ before: Account; after: Account; changed: string[] }> {
  const before = await getAccount(db, workspaceId, accountId);
  if (!before) throw new UserError('That account no longer exists.');
  const patch = withChurnDay(typedPatch.name === undefined ? typedPatch : { ...typedPatch, name: accountName(typedPatch.name) }, before, actor);
  checkAccountChange(patch, before);
  if (patch.name !== undefined && patch.name.toLowerCase() !== before.name.toLowerCase()) {
    if (await findAccountByName(db, workspaceId, patch.name)) throw duplicateName(patch.name);
  }
  let after: Account | undefined;
  try {
    [after] = await db
      .update(accounts)
      .set({ ...patch, updatedAt: actor.now })
      .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, accountId)))
      .returning();
  } catch (err) {
    if (isUniqueViolation(err) && patch.name) throw duplicateName(patch.name);
    throw err;
  }
  if (after!.arrCents !== before.arrCents) {
    await recordArrChange(db, { workspaceId, accountId, arrCents: after!.arrCents, effectiveOn: arrDating.effectiveOn ?? actorDay(actor), source: arrDating.source ?? 'changed', now: actor.now });
  }
  const diff = changedFields(auditable(before), auditable(after!));
  if (Object.keys(diff.after).length > 0) {
    await recordAudit(db, workspaceId, {
      actorUserId: actor.userId,
      actorLabel: actor.label,
      at: actor.now,
      entityType: 'account',
      entityId: accountId,
      action: 'update',
      before: diff.before,
      after: diff.after,
    });
  }
  return { before, after: after!, changed: Object.keys(diff.after) };
}

/** What a person set on the account: not timestamps, and not the roll-ups triggers keep (migrations 0002, 0004). */
function auditable(account: Account): Record<string, unknown> {
  const { createdAt: _c, updatedAt: _u, workspaceId: _w, lastTouchAt: _t, recentSpendCents: _s, latestForecastCents: _f, latestSpendAt: _a, ...rest } = account;
  return rest;
}

export interface AccountListEntry extends Account {
  ownerName: string | null;
}

export async function listAccounts(
  db: Db,
  workspaceId: string,
  options: { stage?: LifecycleStage; limit?: number } = {},
): Promise<AccountListEntry[]> {
  const query = db
    .select({ account: accounts, ownerName: users.displayName })
    .from(accounts)
    .leftJoin(users, eq(users.id, accounts.ownerUserId))
    // Archived accounts leave every list (/account restore brings them back).
    .where(and(eq(accounts.workspaceId, workspaceId), isNull(accounts.archivedAt), options.stage ? eq(accounts.stage, options.stage) : undefined))
    .orderBy(asc(sql`lower(${accounts.name})`));
  const rows = options.limit !== undefined ? await query.limit(options.limit) : await query;
  return rows.map((r) => ({ ...r.account, ownerName: r.ownerName }));
}

/** Live accounts (archived ones leave every count); `archived: true` counts the archived ones instead. */
export async function countAccounts(db: Db, workspaceId: string, options: { stage?: LifecycleStage; archived?: boolean } = {}): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(accounts)
    .where(and(eq(accounts.workspaceId, workspaceId), options.archived ? isNotNull(accounts.archivedAt) : isNull(accounts.archivedAt), options.stage ? eq(accounts.stage, options.stage) : undefined));
  return Number(row!.n);
}

export async function accountForChannel(db: Db, workspaceId: string, channelId: string): Promise<Account | undefined> {
  const [row] = await db
    .select({ account: accounts })
    .from(accountChannels)
    .innerJoin(accounts, eq(accounts.id, accountChannels.accountId))
    .where(and(eq(accountChannels.workspaceId, workspaceId), eq(accountChannels.channelId, channelId)));
  return row?.account;
}

export interface AccountActivity {
  lastTouch: { at: Date; type: string } | null;
  openTickets: Partial<Record<TicketSeverity, number>>;
  /** NPS answers (0–10) of the window, for a true NPS. */
  npsScores: number[];
}

/**
 * Last touch, open tickets by severity and recent NPS answers for many accounts
 * at once: three grouped queries, whatever the number of accounts.
 */
export async function accountActivity(
  db: Db,
  workspaceId: string,
  accountIds: string[],
  options: { now: Date; npsWindowDays?: number },
): Promise<Map<string, AccountActivity>> {
  const result = new Map<string, AccountActivity>();
  if (accountIds.length === 0) return result;
  for (const id of accountIds) result.set(id, { lastTouch: null, openTickets: {}, npsScores: [] });
  // For a whole portfolio a workspace-wide scan beats a huge IN list (and its parameter limit).
  const only = (column: AnyPgColumn) => (accountIds.length > 500 ? undefined : inArray(column, accountIds));

  const touches = await db
    .selectDistinctOn([checkins.accountId], { accountId: checkins.accountId, at: checkins.occurredAt, type: checkins.type })
    .from(checkins)
    .where(and(eq(checkins.workspaceId, workspaceId), only(checkins.accountId)))
    .orderBy(checkins.accountId, desc(checkins.occurredAt));
  for (const t of touches) if (result.has(t.accountId)) result.get(t.accountId)!.lastTouch = { at: t.at, type: t.type };

  const open = await db
    .select({ accountId: tickets.accountId, severity: tickets.severity, count: sql<number>`count(*)::int` })
    .from(tickets)
    .where(and(eq(tickets.workspaceId, workspaceId), only(tickets.accountId), ne(tickets.status, 'resolved')))
    .groupBy(tickets.accountId, tickets.severity);
  for (const o of open) if (result.has(o.accountId)) result.get(o.accountId)!.openTickets[o.severity] = Number(o.count);

  const since = daysBefore(options.now, options.npsWindowDays ?? 180);
  const answers = await db
    .select({ accountId: surveys.accountId, score: surveyResponses.score })
    .from(surveyResponses)
    .innerJoin(surveys, eq(surveys.id, surveyResponses.surveyId))
    .where(
      and(
        eq(surveyResponses.workspaceId, workspaceId),
        eq(surveys.kind, 'nps'),
        eq(surveyResponses.question, 'nps'),
        only(surveys.accountId),
        gte(surveyResponses.answeredAt, since),
      ),
    );
  for (const a of answers) if (a.score !== null && result.has(a.accountId)) result.get(a.accountId)!.npsScores.push(a.score);
  return result;
}
