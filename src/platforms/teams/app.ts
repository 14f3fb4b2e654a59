// The Teams adapter: a Teams AI Application on the shared Express server at
// POST /api/messages. With TEAMS_APP_ID set, botbuilder validates every activity's
// Bot Framework token; without it (local mode only — config.ts never builds a Teams
// config without an app id otherwise) the endpoint takes Bot Framework Emulator
// traffic unauthenticated. Only translation lives here and in its siblings; Teams AI
// stays behind this folder so its successor can replace it.
import { Application, TeamsAdapter } from '@microsoft/teams-ai';
import type { ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import express, { type Router } from 'express';
import type { Registry } from '../../../commands/registry.js';
import type { Db } from '../../../db/client.js';
import type { TeamsConfig } from '../../config.js';
import type { Logger } from '../../log.js';
import { notice } from '../../messages/builders.js';
import { messageActivity, SUBMIT_VERB_KEY } from './cards.js';
import { rememberOrigin, type TeamsDownloads } from './downloads.js';
import { ProactiveDelivery, type TeamsDeliveryDeps } from './delivery.js';
import { registerTeamsHandlers } from './handlers.js';
import { EMULATOR_TENANT } from './identity.js';
import { ConversationReferences } from './references.js';

export interface TeamsAdapterDeps {
  config: TeamsConfig;
  db: Db;
  registry: Registry;
  logger: Logger;
  timezone: string;
  clock: () => Date;
  /** Throttling retries for proactive posts (tests shorten them). */
  retry?: TeamsDeliveryDeps['retry'];
  /** Signed download links for exports (Teams bots cannot upload files into channels). */
  downloads?: TeamsDownloads;
}

export interface TeamsBot {
  app: Application;
  adapter: TeamsAdapter;
  router: Router;
  /** Proactive posts and in-place card updates; also the jobs' ChannelDelivery for Teams. */
  delivery: ProactiveDelivery;
  references: ConversationReferences;
  stop(): Promise<void>;
}

export function createTeamsAdapter(deps: TeamsAdapterDeps): TeamsBot {
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
  const adapter = new TeamsAdapter(auth);
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
  registerTeamsHandlers(app, {
    db: deps.db,
    registry: deps.registry,
    logger: log,
    timezone: deps.timezone,
    clock: deps.clock,
    references,
    delivery,
    fallbackTenant: config.tenantId ?? EMULATOR_TENANT,
    ...(deps.downloads ? { downloads: deps.downloads } : {}),
    ...(config.appId && config.tenantId ? { onlyTenant: config.tenantId } : {}),
  });

  const router = express.Router();
  router.post('/api/messages', express.json({ limit: '1mb' }), async (req, res) => {
    await adapter.process(req, res, async (turn) => {
      rememberOrigin(turn, req);
      await app.run(turn);
    });
  });

  return { app, adapter, router, delivery, references, stop: () => delivery.stop() };
}
