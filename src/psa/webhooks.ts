// A PSA's webhook, from request to ticket: the connection the URL names, the PSA's
// own verification (a refusal is answered 401, logged with the reason and never a
// secret, and nothing is stored), then the ticket the payload describes (or the PSA's
// current version of it, for payloads that only name it), applied in one
// transaction through the same core function as the poll.
import { connectionForWebhook } from '../core/psa-connections.js';
import { SecretKeyError } from '../core/secrets.js';
import { applySourceTicket } from '../core/psa-sync.js';
import { WebhookRefused, type WebhookRequest } from '../core/ticket-sources.js';
import { sourceOf, syncTarget, type PsaDeps } from './sync.js';

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

export async function receiveWebhook(deps: PsaDeps, connectionId: string, request: WebhookRequest, now: Date): Promise<WebhookAnswer> {
  let connection;
  try {
    connection = await connectionForWebhook(deps.db, connectionId, deps.key);
  } catch (err) {
    // The key changed since the credentials were stored: nothing can be verified; the PSA retries later.
    if (!(err instanceof SecretKeyError)) throw err;
    deps.logger.error({ connectionId }, `PSA webhook not handled: ${err.message}`);
    return { status: 503, body: { error: 'this connection must be set up again' } };
  }
  if (!connection) {
    deps.logger.warn({ connectionId: connectionId.slice(0, 40) }, 'PSA webhook refused: no connection has this URL');
    return { status: 401, body: { error: 'unknown webhook' } };
  }
  const where = { connectionId: connection.id, connector: connection.connector, workspaceId: connection.workspaceId };
  const source = sourceOf(connection, deps.retry);
  try {
    await source.verifyWebhook(request);
  } catch (err) {
    if (!(err instanceof WebhookRefused)) throw err;
    deps.logger.warn({ ...where, reason: err.reason }, 'PSA webhook refused: verification failed');
    return { status: 401, body: { error: 'verification failed' } };
  }
  let event;
  try {
    event = source.parseWebhook(request.rawBody);
  } catch {
    deps.logger.warn(where, 'PSA webhook: a verified body that is not a ticket payload');
    return { status: 400, body: { error: 'not a ticket payload this connector reads' } };
  }
  if (event.kind === 'ignored') return { status: 200, body: { outcome: 'ignored', why: event.why } };
  if (connection.status !== 'active') return { status: 200, body: { outcome: 'ignored', why: 'the first import is not confirmed yet' } };
  const ticket = event.kind === 'ticket' ? event.ticket : await source.fetchTicket(event.externalId);
  if (!ticket) return { status: 200, body: { outcome: 'ignored', why: 'the PSA no longer has this ticket' } };
  const target = await syncTarget(deps.db, connection);
  const outcome = await deps.db.transaction((tx) => applySourceTicket(tx, target, ticket, now));
  return { status: 200, body: { outcome } };
}
