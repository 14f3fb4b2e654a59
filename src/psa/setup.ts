// Setting a connection up, the same from chat (commands/connect.ts) and from the
// command line (scripts/connect.ts): the credentials tried against the PSA with a
// dry-run preview before anything is stored, then saved; and the confirmed first
// import (the PSA's callback registered where its API allows, every page pulled, the
// connection made active).
import type { Db } from '../../db/client.js';
import { activateConnection, findConnection, recordSyncSuccess, saveConnection, type OpenedConnection } from '../core/psa-connections.js';
import type { ConnectorName } from '../core/ticket-sources.js';
import { connectorFor } from './connectors.js';
import type { RetryPolicy } from './http.js';
import { failureText, previewImport, pullChanges, type Preview, type SyncCounts } from './sync.js';
import { webhookUrl } from './webhook-router.js';

/**
 * Asks the PSA what the first import would bring with these credentials; only when
 * it answers are they stored (sealed), in preview. Throws the PSA's errors
 * (SourceAuthError, SourceUnavailableError) with nothing stored.
 */
export async function previewAndSave(
  db: Db,
  workspaceId: string,
  input: { connector: ConnectorName; credentials: Record<string, string>; key: Buffer; retry?: RetryPolicy },
  actor: { userId: string | null; now: Date },
): Promise<{ preview: Preview; connection: OpenedConnection }> {
  const trial: OpenedConnection = {
    id: '',
    workspaceId,
    connector: input.connector,
    status: 'preview',
    priorityMap: (await findConnection(db, workspaceId, input.connector))?.priorityMap ?? {},
    cursor: null,
    lastSuccessAt: null,
    failingSince: null,
    lastError: null,
    createdByUserId: actor.userId,
    createdAt: actor.now,
    credentials: input.credentials,
    webhookSecret: '',
  };
  const preview = await previewImport(db, trial, input.retry);
  const connection = await db.transaction((tx) => saveConnection(tx, workspaceId, { connector: input.connector, credentials: input.credentials, key: input.key }, actor));
  return { preview, connection };
}

export interface ImportResult extends SyncCounts {
  /** What became of the PSA-side registration of the webhook, in a sentence (empty when the admin pastes it). */
  webhook: string;
}

/** The confirmed first import. A PSA failure half-way keeps the pages stored; running it again continues from the cursor. */
export async function confirmImport(db: Db, connection: OpenedConnection, options: { publicUrl?: string; retry?: RetryPolicy; actor: { userId: string | null; now: Date } }): Promise<ImportResult> {
  const connector = connectorFor(connection.connector)!;
  let webhook = '';
  if (connector.registerWebhook && options.publicUrl) {
    try {
      const done = await connector.registerWebhook(connection.credentials, webhookUrl(options.publicUrl, connection.id), options.retry);
      webhook = done === 'registered' ? 'Tenure registered its callback in the PSA.' : "The PSA already had Tenure's callback.";
    } catch (err) {
      webhook = `The callback could not be registered (${failureText(err)}); the poll every five minutes still catches every change.`;
    }
  }
  const counts = await pullChanges(db, connection, options.actor.now, options.retry);
  await activateConnection(db, connection.workspaceId, connection.id, options.actor);
  await recordSyncSuccess(db, connection.id, options.actor.now);
  return { ...counts, webhook };
}
