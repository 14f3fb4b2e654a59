// Posting into Teams without being asked (digests, alerts, deliveries to another
// channel) and updating cards in place (a survey's tally), through botbuilder's
// continueConversation on a stored conversation reference.
//
// Retries: the Bot connector client's own pipeline (Azure core) already retries 5xx,
// network errors and 429s that carry Retry-After, with exponential backoff. What it
// leaves — a 429 without Retry-After, or one still throttled after its tries — is
// retried here with backoff. 403 means the bot was removed or blocked: the reference
// is marked inactive and nothing is retried. Sends are paced at ~7/s per conversation.
import type { CloudAdapter, TurnContext } from 'botbuilder';
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

export interface TeamsDeliveryDeps {
  adapter: CloudAdapter;
  botAppId: string;
  references: ConversationReferences;
  logger: Logger;
  /** Our retries on throttling (the connector's own come first). */
  retry?: { attempts?: number; baseMs?: number; maxMs?: number };
  pacer?: ConversationPacer;
  sleep?: (ms: number) => Promise<void>;
}

interface ConnectorError {
  statusCode?: number;
  code?: string;
  response?: { headers?: { get?(name: string): string | undefined } };
}

const statusOf = (err: unknown): number | undefined => (err as ConnectorError)?.statusCode;

/** Retry-After in ms (seconds or an HTTP date), if the connector sent one. */
function retryAfterMs(err: unknown): number | undefined {
  const raw = (err as ConnectorError)?.response?.headers?.get?.('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** Proactive posting for Teams; also the jobs' ChannelDelivery. */
export interface TeamsDelivery extends ChannelDelivery {
  postToConversation(workspace: Workspace, conversationId: string, message: Message): Promise<DeliveryResult>;
  updateCard(workspace: Workspace, conversationId: string, activityId: string, message: Message): Promise<DeliveryResult>;
}

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
    return this.track(this.send(workspace, conversationId, 'post', async (ctx) => {
      // A proactive turn replies to a made-up continuation activity; drop that so the
      // connector gets sendToConversation — a new post (a new thread in a channel).
      ctx.onSendActivities(async (_ctx, activities, next) => {
        for (const a of activities) delete a.replyToId;
        return next();
      });
      const sent = await ctx.sendActivity(messageActivity(message));
      return sent?.id;
    }));
  }

  /** Replaces a message the bot posted earlier (a survey's tally) with a new version. */
  updateCard(workspace: Workspace, conversationId: string, activityId: string, message: Message): Promise<DeliveryResult> {
    return this.track(this.send(workspace, conversationId, 'update', async (ctx) => {
      await ctx.updateActivity({ ...messageActivity(message), id: activityId });
      return activityId;
    }));
  }

  /** ChannelDelivery for scheduled jobs: unreachable conversations throw ConversationUnavailable (not retried), throttling DeliveryNotSent. */
  async post(workspace: Workspace, channelId: string, message: Message): Promise<void> {
    const result = await this.postToConversation(workspace, channelId, message);
    if (result.status === 'skipped') throw new ConversationUnavailable(channelId, result.reason);
  }

  /** Lets posts under way finish (up to `ms`); later ones are refused. */
  async stop(ms = 5_000): Promise<void> {
    this.stopped = true;
    const timer = new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
    await Promise.race([Promise.allSettled([...this.inFlight]), timer]);
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
    act: (ctx: TurnContext) => Promise<string | undefined>,
  ): Promise<DeliveryResult> {
    if (this.stopped) throw new DeliveryNotSent('Tenure is shutting down; nothing was posted to Teams');
    const { logger, references } = this.deps;
    const where = { workspaceId: workspace.id, conversationId, kind };
    const row = await references.find(workspace.id, conversationId);
    if (!row || !row.active) {
      logger.warn(where, row ? 'Teams conversation is inactive (the bot was removed); skipped' : 'no Teams conversation reference stored; skipped');
      return { status: 'skipped', reason: row ? 'inactive' : 'no-reference' };
    }
    const attempts = this.deps.retry?.attempts ?? 4;
    const baseMs = this.deps.retry?.baseMs ?? 1_000;
    const maxMs = this.deps.retry?.maxMs ?? 30_000;
    for (let attempt = 1; ; attempt++) {
      await this.pacer.slot(`${workspace.id}|${row.conversationId}`);
      try {
        const activityId = await this.continueWith(row.reference, act);
        return { status: 'delivered', ...(activityId ? { activityId } : {}) };
      } catch (err) {
        const status = statusOf(err);
        if (status === 403 || (status === 404 && kind === 'post')) {
          await references.deactivate(workspace.id, row.conversationId);
          logger.warn({ ...where, status }, 'Teams refused the bot in this conversation; reference marked inactive, not retried');
          return { status: 'skipped', reason: status === 403 ? 'forbidden' : 'not-found' };
        }
        if (status === 404) return { status: 'skipped', reason: 'not-found' };
        if (status === 429 && attempt < attempts) {
          const wait = Math.min(retryAfterMs(err) ?? baseMs * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4), maxMs);
          logger.warn({ ...where, attempt, waitMs: Math.round(wait) }, 'Teams is throttling the bot; retrying');
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

  /** Runs `act` in a proactive turn. Errors are carried out of the turn so the adapter's onTurnError never swallows them. */
  private async continueWith<T>(reference: StoredReference, act: (ctx: TurnContext) => Promise<T>): Promise<T> {
    let result: T | undefined;
    let failure: unknown;
    let failed = false;
    await this.deps.adapter.continueConversationAsync(this.deps.botAppId, reference, async (ctx) => {
      try {
        result = await act(ctx);
      } catch (err) {
        failed = true;
        failure = err;
      }
    });
    if (failed) throw failure;
    return result as T;
  }
}
