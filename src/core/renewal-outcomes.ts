// Renewal outcomes: recording one (renewed / expanded / downgraded / churned, with a
// reason code), which rolls the renewal date a year forward or marks the account
// churned; once per renewal, so a command sent twice cannot roll the date two years;
// and undoing the latest one, which puts back what it changed.
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts, arrHistory, auditLog, renewalOutcomes, users } from '../../db/schema.js';
import { updateAccount, type Account, type Actor, type LifecycleStage } from './accounts.js';
import { changedFields, recordAudit } from './audit.js';
import { UserError } from './errors.js';
import { trueNps } from './health.js';
import { portfolioHealth } from './health-inputs.js';
import { formatMoney } from './money.js';
import { addYear, type RenewalOutcome, type RenewalReason } from './renewals.js';
import { addDays, daysBetween, formatDateTimeInZone, formatDay, localDate } from './time.js';

/** How long the person who recorded an outcome can undo it (PRODUCT.md: "for a day"); admins can any time. */
export const RENEWAL_UNDO_MS = 24 * 60 * 60_000;

type OutcomeRow = typeof renewalOutcomes.$inferSelect;

/** A stored outcome with the name of who recorded it. */
export interface StoredOutcome extends OutcomeRow {
  recordedByName: string | null;
}

export interface RecordedOutcome {
  id: string;
  outcome: RenewalOutcome;
  renewalDate: string | null;
  nextRenewalDate: string | null;
  arrBeforeCents: number | null;
  arrAfterCents: number | null;
  npsAtRenewal: number | null;
  /** Until when the person who recorded it can undo it. */
  undoUntil: Date;
}

/** The renewal date an outcome moved the account to: a year on from the renewal (or the day it was recorded, without one); none for a churn. */
export function nextRenewalOf(o: Pick<OutcomeRow, 'outcome' | 'renewalDate' | 'recordedAt'>, timezone: string): string | null {
  return o.outcome === 'churned' ? null : addYear(o.renewalDate ?? localDate(o.recordedAt, timezone));
}

/**
 * The first day the renewal after a recorded one can get its own outcome: half-way
 * from the day the last was recorded to the new renewal date. Before it, another
 * outcome is the same renewal sent again (twice, or by two people); from it on, it is
 * the next renewal recorded early. Half-way leaves a year's renewal recorded on time
 * six months either side, and one recorded months late still some weeks.
 */
export function nextOutcomeOpensOn(recordedDay: string, nextRenewalDate: string): string {
  return addDays(recordedDay, Math.ceil(daysBetween(recordedDay, nextRenewalDate) / 2));
}

async function latestOutcome(db: Db, workspaceId: string, accountId: string): Promise<StoredOutcome | undefined> {
  const [row] = await db
    .select({ outcome: renewalOutcomes, recordedByName: users.displayName })
    .from(renewalOutcomes)
    .leftJoin(users, eq(users.id, renewalOutcomes.recordedByUserId))
    .where(and(eq(renewalOutcomes.workspaceId, workspaceId), eq(renewalOutcomes.accountId, accountId)))
    .orderBy(desc(renewalOutcomes.recordedAt))
    .limit(1);
  return row ? { ...row.outcome, recordedByName: row.recordedByName } : undefined;
}

/** The account as stored now, its row locked to the end of the transaction: two outcomes for one account go one after the other. */
async function lockAccount(tx: Db, workspaceId: string, accountId: string): Promise<Account> {
  const [row] = await tx
    .select()
    .from(accounts)
    .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, accountId)))
    .for('update');
  if (!row) throw new UserError('That account no longer exists.');
  return row;
}

/** True when `latest` is the outcome of the renewal the account is at now, so another would record it twice. */
function isStanding(account: Account, latest: StoredOutcome | undefined, today: string, timezone: string): latest is StoredOutcome {
  if (!latest) return false;
  if (latest.outcome === 'churned') return account.stage === 'churned';
  if (latest.renewalDate !== null && account.renewalDate === latest.renewalDate) return true;
  const next = nextRenewalOf(latest, timezone)!;
  return account.renewalDate === next && today < nextOutcomeOpensOn(localDate(latest.recordedAt, timezone), next);
}

const byWhom = (o: StoredOutcome) => (o.recordedByName ? `@${o.recordedByName}` : 'someone no longer in the workspace');

/** Who recorded what and when, and how to change it. */
function alreadyRecorded(account: Account, o: StoredOutcome, timezone: string): UserError {
  const which = o.renewalDate ? `The ${formatDay(o.renewalDate)} renewal of ${account.name}` : `The renewal of ${account.name}`;
  const what = `${o.outcome}${o.reasonCode ? ` (reason: ${o.reasonCode})` : ''}`;
  const next = nextRenewalOf(o, timezone);
  const undo = `undo it with /renewal undo "${account.name}" (${byWhom(o)} until ${formatDateTimeInZone(new Date(o.recordedAt.getTime() + RENEWAL_UNDO_MS), timezone)}, an admin any time) and record it again`;
  const later = next
    ? ` The outcome of the next renewal, ${formatDay(next)}, can be recorded from ${formatDay(nextOutcomeOpensOn(localDate(o.recordedAt, timezone), next))}.`
    : '';
  const recorded = `${what} by ${byWhom(o)} on ${formatDateTimeInZone(o.recordedAt, timezone)}`;
  const said =
    o.outcome === 'churned'
      ? `${account.name} has already churned: ${o.renewalDate ? `its ${formatDay(o.renewalDate)} renewal` : 'its renewal'} was recorded as ${recorded}.`
      : `${which} is already recorded: ${recorded}. An outcome is recorded once per renewal.`;
  return new UserError(said, {
    hint: `To change it, ${undo}; or correct the account with /account set "${account.name}" ${o.outcome === 'churned' ? 'stage=…' : 'renewal=… arr=…'}.${later}`,
  });
}

/**
 * Records an outcome, once per renewal (see isStanding). Renewed/expanded/downgraded
 * roll the renewal date a year forward (from the current renewal date, or today
 * without one) and set the new ARR when given; churned marks the account churned
 * from the renewal date (today when recorded before it), with an ARR after of 0 on
 * the outcome. Expanded must not lower the ARR and downgraded must lower it.
 */
export async function recordRenewalOutcome(
  db: Db,
  workspaceId: string,
  account: Account,
  input: { outcome: RenewalOutcome; reason: RenewalReason | null; arrCents: number | null; timezone: string; currency: string },
  actor: Actor,
): Promise<RecordedOutcome> {
  const [health] = await portfolioHealth(db, workspaceId, { now: actor.now, timezone: input.timezone, accountId: account.id });
  const npsAtRenewal = health ? trueNps(health.inputs.nps) : null;
  // The CSAT of the health score's 180 days (core/csat.ts), stored as its figure is shown: truncated hundredths.
  const csatAtRenewalX100 = health?.csat ? health.csat.hundredths : null;
  const today = localDate(actor.now, input.timezone);
  return db.transaction(async (tx) => {
    // Read again under the lock: the caller's copy may predate an outcome sent just before.
    const current = await lockAccount(tx, workspaceId, account.id);
    const latest = await latestOutcome(tx, workspaceId, current.id);
    if (current.stage === 'churned' && latest?.outcome !== 'churned') {
      throw new UserError(`${current.name} has already churned${current.churnedOn ? ` (on ${formatDay(current.churnedOn)})` : ''}.`, {
        hint: `If the customer is back, set its stage with /account set "${current.name}" stage=renew.`,
      });
    }
    if (isStanding(current, latest, today, input.timezone)) throw alreadyRecorded(current, latest, input.timezone);
    const before = current.arrCents;
    const after = input.outcome === 'churned' ? 0 : (input.arrCents ?? before);
    if (input.outcome === 'expanded' && before !== null && after !== null && after < before) {
      throw new UserError(`Expanded means the ARR grows, but ${formatMoney(after, input.currency)} is below the current ${formatMoney(before, input.currency)}.`, {
        hint: 'Record it as downgraded, or give the new, higher ARR.',
      });
    }
    if (input.outcome === 'downgraded' && before !== null && after !== null && after >= before) {
      throw new UserError('A downgrade needs the new, lower ARR: add arr=… below the current ARR.');
    }
    const nextRenewalDate = input.outcome === 'churned' ? null : addYear(current.renewalDate ?? today);
    // The outcome takes effect at the renewal date, or today when it is recorded early.
    const effectiveOn = current.renewalDate !== null && current.renewalDate < today ? current.renewalDate : today;
    const [row] = await tx
      .insert(renewalOutcomes)
      .values({
        workspaceId,
        accountId: current.id,
        renewalDate: current.renewalDate,
        outcome: input.outcome,
        reasonCode: input.reason,
        arrBeforeCents: before,
        arrAfterCents: after,
        npsAtRenewal,
        csatAtRenewalX100,
        recordedByUserId: actor.userId,
        recordedAt: actor.now,
      })
      .returning({ id: renewalOutcomes.id });
    // A churned account keeps the ARR it had: that is the ARR lost, which churn and
    // retention figures need; it no longer counts in ARR because of its stage.
    await updateAccount(
      tx,
      workspaceId,
      current.id,
      input.outcome === 'churned' ? { stage: 'churned', churnedOn: effectiveOn } : { renewalDate: nextRenewalDate, ...(after !== before ? { arrCents: after } : {}) },
      actor,
      { effectiveOn, source: 'renewal' },
    );
    return {
      id: row!.id,
      outcome: input.outcome,
      renewalDate: current.renewalDate,
      nextRenewalDate,
      arrBeforeCents: before,
      arrAfterCents: after,
      npsAtRenewal,
      undoUntil: new Date(actor.now.getTime() + RENEWAL_UNDO_MS),
    };
  });
}

export interface UndoActor {
  userId: string;
  /** Admins may undo anyone's outcome, at any time. */
  isAdmin: boolean;
  now: Date;
  timezone: string;
}

export interface UndoneOutcome {
  accountName: string;
  outcome: RenewalOutcome;
  renewalDate: string | null;
  arrCents: number | null;
  stage: LifecycleStage;
}

/** The stage the account had before a churn outcome, from the account's audit entry written with it. */
async function stageBeforeChurn(db: Db, workspaceId: string, o: OutcomeRow): Promise<LifecycleStage> {
  const [entry] = await db
    .select({ before: auditLog.before })
    .from(auditLog)
    .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.entityType, 'account'), eq(auditLog.entityId, o.accountId), eq(auditLog.action, 'update'), eq(auditLog.at, o.recordedAt)));
  const stage = (entry?.before as { stage?: LifecycleStage } | null)?.stage;
  // Without the entry: renew, the stage an account is in at its renewal.
  return stage && stage !== 'churned' ? stage : 'renew';
}

/** Why `actor` may not undo `o`, or undefined when they may. */
function undoRefusal(account: Account, o: StoredOutcome, actor: UndoActor): UserError | undefined {
  if (actor.isAdmin) return undefined;
  const until = new Date(o.recordedAt.getTime() + RENEWAL_UNDO_MS);
  const recorded = `${account.name}'s ${o.outcome} outcome was recorded by ${byWhom(o)} on ${formatDateTimeInZone(o.recordedAt, actor.timezone)}`;
  const instead = `correct the account with /account set "${account.name}" renewal=… arr=… stage=…`;
  if (o.recordedByUserId !== actor.userId) {
    return new UserError(`${recorded}: only they can undo it (until ${formatDateTimeInZone(until, actor.timezone)}), or an admin.`, { hint: `Ask them or an admin, or ${instead}.` });
  }
  if (actor.now > until) {
    return new UserError(`${recorded}: it could be undone for a day, until ${formatDateTimeInZone(until, actor.timezone)}.`, { hint: `Ask an admin to undo it, or ${instead}.` });
  }
  return undefined;
}

/**
 * Undoes the account's latest outcome (the one `outcomeId` names, when given): puts
 * back the renewal date, ARR and stage it changed, clears the churn day of a churn,
 * and removes the outcome and the ARR-history row it wrote, with an audit entry.
 * Only while the account still has what the outcome set: a later change is not
 * overwritten.
 */
export async function undoRenewalOutcome(db: Db, workspaceId: string, target: { accountId: string; outcomeId?: string }, actor: UndoActor): Promise<UndoneOutcome> {
  return db.transaction(async (tx) => {
    const account = await lockAccount(tx, workspaceId, target.accountId);
    const latest = await latestOutcome(tx, workspaceId, account.id);
    if (!latest) throw new UserError(`${account.name} has no renewal outcome to undo.`, { hint: `Record one with /renewal "${account.name}" renewed.` });
    if (target.outcomeId !== undefined && latest.id !== target.outcomeId) {
      throw new UserError(`That outcome of ${account.name} was already undone, or a later one was recorded: only the latest can be undone.`, { hint: `See /account history "${account.name}".` });
    }
    const refusal = undoRefusal(account, latest, actor);
    if (refusal) throw refusal;
    const next = nextRenewalOf(latest, actor.timezone);
    const unchanged = latest.outcome === 'churned' ? account.stage === 'churned' : account.renewalDate === next && account.arrCents === latest.arrAfterCents;
    if (!unchanged) {
      throw new UserError(`${account.name} has changed since its ${latest.outcome} outcome was recorded, so undoing it would overwrite that change.`, {
        hint: `Correct the account with /account set "${account.name}" renewal=… arr=… stage=….`,
      });
    }
    const restored = {
      renewalDate: latest.renewalDate,
      arrCents: latest.outcome === 'churned' ? account.arrCents : latest.arrBeforeCents,
      stage: latest.outcome === 'churned' ? await stageBeforeChurn(tx, workspaceId, latest) : account.stage,
      churnedOn: latest.outcome === 'churned' ? null : account.churnedOn,
    };
    await tx
      .update(accounts)
      .set({ ...restored, updatedAt: actor.now })
      .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, account.id)));
    // The ARR the outcome set never took effect: its history row goes with it (outcome and row share the moment).
    await tx
      .delete(arrHistory)
      .where(and(eq(arrHistory.workspaceId, workspaceId), eq(arrHistory.accountId, account.id), eq(arrHistory.source, 'renewal'), eq(arrHistory.recordedAt, latest.recordedAt)));
    await tx.delete(renewalOutcomes).where(and(eq(renewalOutcomes.workspaceId, workspaceId), eq(renewalOutcomes.id, latest.id)));
    const diff = changedFields({ renewalDate: account.renewalDate, arrCents: account.arrCents, stage: account.stage, churnedOn: account.churnedOn }, restored);
    await recordAudit(tx, workspaceId, {
      actorUserId: actor.userId,
      at: actor.now,
      entityType: 'account',
      entityId: account.id,
      action: 'undo-renewal',
      before: { outcome: latest.outcome, recordedAt: latest.recordedAt.toISOString(), ...diff.before },
      after: diff.after,
    });
    return { accountName: account.name, outcome: latest.outcome, ...restored };
  });
}

/** An account's recorded outcomes, oldest first. */
export async function renewalHistory(db: Db, workspaceId: string, accountId: string) {
  return db
    .select()
    .from(renewalOutcomes)
    .where(and(eq(renewalOutcomes.workspaceId, workspaceId), eq(renewalOutcomes.accountId, accountId)))
    .orderBy(renewalOutcomes.recordedAt);
}

/** One outcome of this workspace by id (an Undo button's value), or undefined. */
export async function findRenewalOutcome(db: Db, workspaceId: string, id: string): Promise<OutcomeRow | undefined> {
  const [row] = await db
    .select()
    .from(renewalOutcomes)
    .where(and(eq(renewalOutcomes.workspaceId, workspaceId), eq(renewalOutcomes.id, id)));
  return row;
}
