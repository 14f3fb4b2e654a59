// Posting into Teams without being asked (digests, alerts, deliveries to another
// channel) and updating cards in place (a survey's tally), through the Teams SDK's
// API client for the serviceUrl stored with each conversation: Teams has one per
// region, and the SDK's own app.send() would use one app-wide serviceUrl.
//
// Retries: the SDK's API client retries nothing. A 429 (with Retry-After or
// without) is retried here with backoff, and so are 5xx answers and time-outs, as
// the Bot connector client of the Bot Framework SDK did before. 403 means the bot
// was removed or blocked: the reference is marked inactive and nothing is
// retried. Sends are paced at ~7/s per conversation.
import type { Client as ApiClient } from '@microsoft/teams.api';
import type { Workspace } from '../../core/workspaces.js';
import { DeliveryNotSent, type ChannelDelivery } from '../../jobs/delivery.js';
import type { Logger } from '../../log.js';
import type { Message } from '../../messages/message.js';
import { messageActivity } from './cards.js';
import { ConversationPacer } from './pacer.js';
import type { ConversationReferences, StoredReference } from './references.js';

export type DeliveryResult =
  | { status: 'delivered'; activityId?: string }
  | { status: 'skipped'; reason: 'no-reference' | 'inactive' | 'forbidden' | 'not-found' };

/** The conversation cannot be reached (never stored, bot removed, 403): not retried. */
export class ConversationUnavailable extends Error {
  constructor(
    readonly conversationId: string,
    readonly reason: Extract<DeliveryResult, { status: 'skipped' }>['reason'],
  ) {
    super(`Teams conversation ${conversationId} is not reachable (${reason})`);
    this.name = 'ConversationUnavailable';
  }
}

/** The Teams SDK's API client for one serviceUrl (a region of the Bot connector). */
export type ConnectorFor = (serviceUrl: string) => ApiClient;

export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
}

export interface TeamsDeliveryDeps {
  connector: ConnectorFor;
  references: ConversationReferences;
  logger: Logger;
  /** Our retries on throttling and connector failures. */
  retry?: RetryOptions;
  pacer?: ConversationPacer;
  sleep?: (ms: number) => Promise<void>;
}

/** An error of the SDK's HTTP client (axios): the connector's status and headers, or a network code. */
interface ConnectorError {
  code?: string;
  response?: { status?: number; headers?: Record<string, unknown> & { get?(name: string): unknown } };
}

export const connectorStatusOf = (err: unknown): number | undefined => (err as ConnectorError)?.response?.status;

/** Retry-After in ms (seconds or an HTTP date), if the connector sent one. */
function retryAfterMs(err: unknown): number | undefined {
  const headers = (err as ConnectorError)?.response?.headers;
  const raw = headers?.get?.('retry-after') ?? headers?.['retry-after'];
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(String(raw));
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Network failures where the request provably never reached the connector. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);

/** Proactive posting for Teams; also the jobs' ChannelDelivery. */
export interface TeamsDelivery extends ChannelDelivery {
  postToConversation(workspace: Workspace, conversationId: string, message: Message): Promise<DeliveryResult>;
  postActivity(workspace: Workspace, conversationId: string, activity: Outgoing): Promise<DeliveryResult>;
  updateCard(workspace: Workspace, conversationId: string, activityId: string, message: Message): Promise<DeliveryResult>;
}

type Outgoing = ReturnType<typeof messageActivity>;

export class ProactiveDelivery implements TeamsDelivery {
  private readonly pacer: ConversationPacer;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly deps: TeamsDeliveryDeps) {
    this.pacer = deps.pacer ?? new ConversationPacer();
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Posts a new message (a new thread in a channel) into a stored conversation, or a person's personal chat. */
  postToConversation(workspace: Workspace, conversationId: string, message: Message): Promise<DeliveryResult> {
    return this.postActivity(workspace, conversationId, messageActivity(message));
  }

  /** As postToConversation, for a message already rendered. */
  postActivity(workspace: Workspace, conversationId: string, activity: Outgoing): Promise<DeliveryResult> {
    return this.track(this.send(workspace, conversationId, 'post', (api, reference) => this.create(api, reference, activity)));
  }

  /** Replaces a message the bot posted earlier (a survey's tally) with a new version. */
  updateCard(workspace: Workspace, conversationId: string, activityId: string, message: Message): Promise<DeliveryResult> {
    return this.track(
      this.send(workspace, conversationId, 'update', async (api, reference) => {
        await api.conversations.activities(reference.conversation!.id).update(activityId, { ...messageActivity(message), id: activityId } as never);
        return activityId;
      }),
    );
  }

  /** ChannelDelivery for scheduled jobs: unreachable conversations throw ConversationUnavailable (not retried), throttling DeliveryNotSent. */
  async post(workspace: Workspace, channelId: string, message: Message): Promise<void> {
    const result = await this.postToConversation(workspace, channelId, message);
    if (result.status === 'skipped') throw new ConversationUnavailable(channelId, result.reason);
  }

  /**
   * Runs one call to the connector with this class's pacing and retries, for sends
   * that are not to a stored reference (answers within a turn): `key` names the
   * conversation it goes to. Errors other than throttling reach the caller.
   */
  retrying<T>(key: string, call: () => Promise<T>): Promise<T> {
    return this.track(this.attempt(key, { kind: 'reply' }, call));
  }

  /** Lets posts under way finish (up to `ms`); later ones are refused. */
  async stop(ms = 5_000): Promise<void> {
    this.stopped = true;
    const timer = new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
    await Promise.race([Promise.allSettled([...this.inFlight]), timer]);
  }

  private async create(api: ApiClient, reference: StoredReference, activity: Outgoing): Promise<string | undefined> {
    const sent = await api.conversations.activities(reference.conversation!.id).create({ ...activity, ...(reference.bot ? { from: reference.bot } : {}) } as never);
    return sent?.id;
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  private async send(
    workspace: Workspace,
    conversationId: string,
    kind: 'post' | 'update',
    act: (api: ApiClient, reference: StoredReference) => Promise<string | undefined>,
  ): Promise<DeliveryResult> {
    if (this.stopped) throw new DeliveryNotSent('Tenure is shutting down; nothing was posted to Teams');
    const { logger, references } = this.deps;
    const where = { workspaceId: workspace.id, conversationId, kind };
    const row = await references.find(workspace.id, conversationId);
    if (!row || !row.active || !row.reference.serviceUrl || !row.reference.conversation?.id) {
      logger.warn(where, row ? 'Teams conversation is inactive (the bot was removed); skipped' : 'no Teams conversation reference stored; skipped');
      return { status: 'skipped', reason: row ? 'inactive' : 'no-reference' };
    }
    const reference = row.reference;
    const api = this.deps.connector(reference.serviceUrl!);
    try {
      const activityId = await this.attempt(`${workspace.id}|${row.conversationId}`, where, () => act(api, reference));
      return { status: 'delivered', ...(activityId ? { activityId } : {}) };
    } catch (err) {
      const status = connectorStatusOf(err);
      if (status === 403 || (status === 404 && kind === 'post')) {
        await references.deactivate(workspace.id, row.conversationId);
        logger.warn({ ...where, status }, 'Teams refused the bot in this conversation; reference marked inactive, not retried');
        return { status: 'skipped', reason: status === 403 ? 'forbidden' : 'not-found' };
      }
      if (status === 404) return { status: 'skipped', reason: 'not-found' };
      throw err;
    }
  }

  /** One call, paced, retried on throttling and connector failures; what cannot have been sent becomes DeliveryNotSent. */
  private async attempt<T>(key: string, where: Record<string, unknown>, call: () => Promise<T>): Promise<T> {
    const attempts = this.deps.retry?.attempts ?? 4;
    const baseMs = this.deps.retry?.baseMs ?? 1_000;
    const maxMs = this.deps.retry?.maxMs ?? 30_000;
    for (let attempt = 1; ; attempt++) {
      await this.pacer.slot(key);
      try {
        return await call();
      } catch (err) {
        const status = connectorStatusOf(err);
        if (status !== undefined && RETRIED_STATUSES.has(status) && attempt < attempts) {
          const wait = Math.min(retryAfterMs(err) ?? baseMs * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4), maxMs);
          this.deps.logger.warn({ ...where, status, attempt, waitMs: Math.round(wait) }, status === 429 ? 'Teams is throttling the bot; retrying' : 'the Bot connector failed; retrying');
          await this.sleep(wait);
          continue;
        }
        if (status === 429) throw new DeliveryNotSent(`Teams kept throttling after ${attempts} tries; nothing was posted`, { cause: err });
        const code = (err as ConnectorError)?.code;
        if (code && NOT_SENT_CODES.has(code)) throw new DeliveryNotSent(`the Bot connector could not be reached (${code})`, { cause: err });
        throw err;
      }
    }
  }
}
