// The Teams adapter: a Teams AI Application on the shared Express server at
// POST /api/messages. With TEAMS_APP_ID set, botbuilder validates every activity's
// Bot Framework token; without it (local mode only — config.ts never builds a Teams
// config without an app id otherwise) the endpoint takes Bot Framework Emulator
// traffic unauthenticated, and then only from a loopback serviceUrl. Only
// translation lives here and in its siblings; Teams AI stays behind this folder so
// its successor can replace it. loader.ts is the PlatformAdapter; this is the bot
// it loads on demand.
import { Application, TeamsAdapter as TeamsAiAdapter } from '@microsoft/teams-ai';
import type { Activity, ConfigurationBotFrameworkAuthentication, ConfigurationBotFrameworkAuthenticationOptions, TurnContext } from 'botbuilder';
import express, { type Router } from 'express';
import type { CommandContext } from '../../../commands/context.js';
import type { TeamsConfig } from '../../config.js';
import { isLoopbackUrl } from '../../http/loopback.js';
import type { Logger } from '../../log.js';
import { notice } from '../../messages/builders.js';
import type { PlatformAdapterDeps } from '../platform.js';
import { messageActivity, SUBMIT_VERB_KEY } from './cards.js';
import { rememberOrigin, type TeamsDownloads } from './downloads.js';
import { ProactiveDelivery, type TeamsDeliveryDeps } from './delivery.js';
import { registerTeamsHandlers } from './handlers.js';
import { EMULATOR_TENANT, type TeamsIdentity } from './identity.js';
import { readActivity } from './inbound.js';
import { ConversationReferences } from './references.js';
import { teamsReplyDelivery, type TeamsReplyDelivery } from './reply.js';

export interface TeamsAdapterDeps extends PlatformAdapterDeps {
  config: TeamsConfig;
  logger: Logger;
  /** Throttling retries for proactive posts (tests shorten them). */
  retry?: TeamsDeliveryDeps['retry'];
  /** Signed download links for exports (Teams bots cannot upload files into channels). */
  downloads?: TeamsDownloads;
  /** Load the SDK at start (a Teams deployment) rather than on the first activity (local mode). */
  loadAtStart?: boolean;
}

type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/**
 * botbuilder's adapter with its two steps apart: its own `process()` answers a
 * failed authentication with the error's text (a DNS failure reaching
 * login.botframework.com came out as a 500 carrying it), so the door authenticates
 * first and answers failures itself.
 */
class DoorAdapter extends TeamsAiAdapter {
  /** The Authorization header checked as botbuilder checks it; throws when it does not hold. */
  authenticate(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
  }

  /** Runs an authenticated activity through the bot; an invoke's answer comes back. */
  run(authenticated: AuthenticateRequestResult, activity: Activity, logic: (turn: TurnContext) => Promise<void>) {
    return this.processActivity(authenticated, activity, logic);
  }
}

export interface TeamsBot {
  app: Application;
  adapter: TeamsAiAdapter;
  router: Router;
  /** Proactive posts and in-place card updates; also the jobs' ChannelDelivery for Teams. */
  delivery: ProactiveDelivery;
  /** What the handlers answer with (loader.ts's deliverReply is this one). */
  deliverReply: TeamsReplyDelivery;
  references: ConversationReferences;
  stop(): Promise<void>;
}

export function createTeamsBot(deps: TeamsAdapterDeps & { resolvePerson: (person: TeamsIdentity, now: Date) => Promise<CommandContext> }): TeamsBot {
  const { config, logger } = deps;
  const log = logger.child({ component: 'teams' });
  const auth: ConfigurationBotFrameworkAuthenticationOptions = config.appId
    ? {
        MicrosoftAppId: config.appId,
        MicrosoftAppPassword: config.appPassword ?? '',
        // New bot registrations are single-tenant; a tenant id says which one.
        MicrosoftAppType: config.tenantId ? 'SingleTenant' : 'MultiTenant',
        ...(config.tenantId ? { MicrosoftAppTenantId: config.tenantId } : {}),
      }
    : {};
  const adapter = new DoorAdapter(auth);
  adapter.onTurnError = async (turn, error) => {
    log.error({ err: error, type: turn.activity.type, conversationId: turn.activity.conversation?.id }, 'Teams turn failed');
    try {
      await turn.sendActivity(messageActivity(notice('Sorry, something went wrong on our side. Nothing you typed was lost: please try again.', { tone: 'error' })));
    } catch {
      // The connector itself may be what failed; the log has it.
    }
  };

  const app = new Application({
    adapter,
    botAppId: config.appId ?? '',
    removeRecipientMention: true,
    startTypingTimer: true,
    longRunningMessages: false,
    adaptiveCards: { actionSubmitFilter: SUBMIT_VERB_KEY },
  });
  const references = new ConversationReferences(deps.db);
  const delivery = new ProactiveDelivery({ adapter, botAppId: config.appId ?? '', references, logger: log, ...(deps.retry ? { retry: deps.retry } : {}) });
  const deliverReply = teamsReplyDelivery({ delivery, logger: log, ...(deps.downloads ? { downloads: deps.downloads } : {}) });
  registerTeamsHandlers(app, {
    registry: deps.registry,
    logger: log,
    clock: deps.clock,
    references,
    resolvePerson: deps.resolvePerson,
    deliverReply,
    fallbackTenant: config.tenantId ?? EMULATOR_TENANT,
    ...(config.appId && config.tenantId ? { onlyTenant: config.tenantId } : {}),
  });

  const router = express.Router();
  router.post('/api/messages', express.json({ limit: '1mb' }), async (req, res, next) => {
    const activity = readActivity(req.body);
    if (!activity) {
      // With an app id nothing is answered before authentication, and what cannot be
      // read cannot be authenticated: the same generic 401 as a bad token.
      if (config.appId) res.status(401).json({ error: 'unauthorized' });
      else res.status(400).json({ error: 'not a Bot Framework activity' });
      return;
    }
    // Unauthenticated (local mode), the serviceUrl is whatever the caller says, and
    // the bot posts its replies there: only the emulator on this machine is served.
    if (!config.appId && !isLoopbackUrl(activity.serviceUrl)) {
      log.warn({ serviceUrl: String(activity.serviceUrl ?? '').slice(0, 200), type: activity.type }, 'refused an activity whose serviceUrl is not on localhost (local mode)');
      res.status(403).json({ error: 'the Teams emulator door only replies to a serviceUrl on localhost' });
      return;
    }
    let authenticated: AuthenticateRequestResult;
    try {
      authenticated = await adapter.authenticate(activity, String(req.headers.authorization ?? ''));
    } catch (err) {
      // Whatever failed — a bad token, or the key server out of reach — the caller learns only that it was refused.
      log.warn({ err, type: activity.type }, 'refused a Teams activity that failed authentication');
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    try {
      const invoke = await adapter.run(authenticated, activity, async (turn) => {
        rememberOrigin(turn, req);
        await app.run(turn);
      });
      res.status(invoke?.status ?? 200);
      if (invoke?.body !== undefined) res.json(invoke.body);
      else res.end();
    } catch (err) {
      // Errors inside a turn are onTurnError's; what is left (no connector client) is the server's generic 500.
      next(err);
    }
  });

  return { app, adapter, router, delivery, deliverReply, references, stop: () => delivery.stop() };
}
