// Running a connection: the dry-run preview, the import and the incremental poll
// (the same loop: pages of tickets changed since the cursor, each page stored in
// one transaction that also moves the cursor, so a failure half-way leaves whole
// pages and a cursor that matches them), and what happens when the PSA stops
// answering: the failure is recorded, and the admin who connected it is told once,
// privately, per run of failures (the job ledger keys the notice).
import type { Db } from '../../db/client.js';
import { claimRun, finishRun } from '../core/ledger.js';
import {
  advanceCursor,
  connectionById,
  connectionOwner,
  connectionSummary,
  connectionWorkspace,
  recordSyncFailure,
  recordSyncSuccess,
  type OpenedConnection,
  type PsaConnection,
} from '../core/psa-connections.js';
import { SecretKeyError } from '../core/secrets.js';
import { applySourceTicket, previewCounts, recordCompanies, type ApplyOutcome, type SyncTarget } from '../core/psa-sync.js';
import { businessHoursFor } from '../core/settings.js';
import { SourceAuthError, SourceUnavailableError, type TicketSource } from '../core/ticket-sources.js';
import type { Deliveries } from '../jobs/delivery.js';
import type { SchedulerLog } from '../jobs/scheduler.js';
import { context, message, text } from '../messages/builders.js';
import { connectorFor } from './connectors.js';
import type { RetryPolicy } from './http.js';

export interface PsaDeps {
  db: Db;
  /** TENURE_SECRET_KEY, parsed. */
  key: Buffer;
  logger: SchedulerLog;
  retry?: RetryPolicy;
  /** Where a failure notice goes (by the workspace's platform); none in a script. */
  deliveries?: Deliveries;
}

export const FAILURE_NOTICE_JOB = 'psa-failure-notice';

export function sourceOf(connection: OpenedConnection, retry?: RetryPolicy): TicketSource {
  const connector = connectorFor(connection.connector);
  if (!connector) throw new Error(`no connector named ${connection.connector}`);
  return connector.source(connection.credentials, { webhookSecret: connection.webhookSecret, ...(retry ? { retry } : {}) });
}

export async function syncTarget(db: Db, connection: OpenedConnection): Promise<SyncTarget> {
  const workspace = await connectionWorkspace(db, connection.workspaceId);
  return {
    workspaceId: connection.workspaceId,
    connector: connection.connector,
    priorityMap: connection.priorityMap,
    defaults: connectorFor(connection.connector)!.priorities,
    hours: businessHoursFor(workspace),
    companies: new Map(),
  };
}

export interface Preview {
  tickets: number;
  companies: number;
  unmatched: string[];
}

/** What the first import would bring, read from the PSA without writing anything. */
export async function previewImport(db: Db, connection: OpenedConnection, retry?: RetryPolicy): Promise<Preview> {
  const source = sourceOf(connection, retry);
  const companies = await source.fetchCompanies();
  const perCompany = new Map<string, number>();
  for (let token: string | undefined, first = true; first || token; first = false) {
    const page = await source.fetchTicketsChangedSince(null, token);
    for (const t of page.tickets) perCompany.set(t.companyExternalId, (perCompany.get(t.companyExternalId) ?? 0) + 1);
    token = page.next;
  }
  return previewCounts(db, connection.workspaceId, connection.connector, companies, perCompany);
}

export type SyncCounts = Record<ApplyOutcome, number> & { pages: number };

/**
 * Takes in every ticket changed since the connection's cursor (all of them the
 * first time): companies first, then page by page, one transaction each.
 */
export async function pullChanges(db: Db, connection: OpenedConnection, now: Date, retry?: RetryPolicy): Promise<SyncCounts> {
  const source = sourceOf(connection, retry);
  const target = await syncTarget(db, connection);
  const companies = await source.fetchCompanies();
  await db.transaction((tx) => recordCompanies(tx, connection.workspaceId, connection.connector, companies, now));
  const counts: SyncCounts = { created: 0, updated: 0, unchanged: 0, aside: 0, pages: 0 };
  const since = connection.cursor;
  let newest: Date | undefined;
  for (let token: string | undefined, first = true; first || token; first = false) {
    const page = await source.fetchTicketsChangedSince(since, token);
    await db.transaction(async (tx) => {
      for (const ticket of page.tickets) {
        counts[await applySourceTicket(tx, target, ticket, now)]++;
        if (!newest || ticket.updatedAt > newest) newest = ticket.updatedAt;
      }
      // Pages by id: a later page may hold an older change, so the cursor waits for the last page.
      if (newest && (source.ordersByChange || !page.next)) await advanceCursor(tx, connection.id, newest);
    });
    counts.pages++;
    token = page.next;
  }
  return counts;
}

/** What an admin is told about a failure; never a credential (errors name a method, a path, a status). */
export function failureText(err: unknown): string {
  if (err instanceof SourceAuthError) return `${err.message} — the key may have been revoked or its role changed`;
  if (err instanceof SourceUnavailableError) return err.message;
  return 'an unexpected error (see the log)';
}

export type SyncResult = ({ ok: true } & SyncCounts) | { ok: false; error: string; notified: boolean };

/**
 * One sync of one connection: the changes pulled, the success recorded; or the
 * failure recorded, logged and (once per run of failures) told to the admin who
 * set the connection up. Never throws for the PSA's sake.
 */
export async function syncConnection(deps: PsaDeps, connectionId: string, now: Date): Promise<SyncResult> {
  let connection: OpenedConnection | undefined;
  try {
    connection = await connectionById(deps.db, connectionId, deps.key);
  } catch (err) {
    // TENURE_SECRET_KEY changed since the credentials were stored: a person must connect again.
    if (!(err instanceof SecretKeyError)) throw err;
    const stored = (await connectionSummary(deps.db, connectionId))!;
    return failed(deps, stored, `${err.message}; connect it again with /tenure connect ${stored.connector}`, now);
  }
  if (!connection) return { ok: false, error: 'the connection was removed', notified: false };
  try {
    const counts = await pullChanges(deps.db, connection, now, deps.retry);
    await recordSyncSuccess(deps.db, connection.id, now);
    return { ok: true, ...counts };
  } catch (err) {
    const known = err instanceof SourceAuthError || err instanceof SourceUnavailableError;
    if (!known) deps.logger.error({ err, connectionId, connector: connection.connector, workspaceId: connection.workspaceId }, 'PSA sync failed unexpectedly');
    return failed(deps, connection, failureText(err), now);
  }
}

/** A failed sync: recorded, logged, and told to the admin once per run of failures. */
async function failed(deps: PsaDeps, connection: PsaConnection, error: string, now: Date): Promise<SyncResult> {
  deps.logger.warn({ connectionId: connection.id, connector: connection.connector, workspaceId: connection.workspaceId, error }, 'PSA sync failed');
  const since = await recordSyncFailure(deps.db, connection.id, error, now);
  const notified = await noticeFailure(deps, connection, since, error, now);
  return { ok: false, error, notified };
}

async function noticeFailure(deps: PsaDeps, connection: PsaConnection, since: Date, error: string, now: Date): Promise<boolean> {
  const claim = await claimRun(deps.db, { jobName: FAILURE_NOTICE_JOB, periodKey: `${connection.id}:${since.toISOString()}`, workspaceId: connection.workspaceId, now });
  if (!claim) return false;
  const workspace = await connectionWorkspace(deps.db, connection.workspaceId);
  const owner = await connectionOwner(deps.db, connection);
  const delivery = deps.deliveries?.[workspace.platform];
  if (!owner || !delivery) {
    await finishRun(deps.db, claim, { status: 'done', now, detail: { skipped: owner ? 'no delivery for the platform' : 'nobody set the connection up' } });
    return false;
  }
  const label = connectorFor(connection.connector)?.label ?? connection.connector;
  const notice = message(
    `${label} stopped syncing: ${error}`,
    [
      text(`⚠️ **${label} stopped syncing tickets** into Tenure: ${error}.`),
      text('Tenure keeps trying every few minutes and catches up on everything missed once it works again; you are told once per outage.'),
      context(`Check the connection with /tenure connect list; to give new credentials, run /tenure connect ${connection.connector} again.`),
    ],
    { visibility: 'ephemeral', tone: 'error' },
  );
  try {
    await delivery.post(workspace, owner.platformUserId, notice);
    await finishRun(deps.db, claim, { status: 'done', now, detail: { to: owner.platformUserId } });
    return true;
  } catch (err) {
    deps.logger.warn({ err, connectionId: connection.id }, 'PSA failure notice not delivered');
    await finishRun(deps.db, claim, { status: 'failed', now, detail: { error: String(err) } });
    return false;
  }
}
