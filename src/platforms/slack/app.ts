// The Slack adapter: a real Bolt App on the shared Express server (HTTP mode,
// single workspace or OAuth multi-workspace) or over Socket Mode. It translates
// only: Slack payload → registry call → neutral Message → Block Kit. It is Slack's
// PlatformAdapter (../platform.ts).
import { App, ExpressReceiver, LogLevel, webApi, type Logger as BoltLogger } from '@slack/bolt';
import express, { type Router } from 'express';
import type { SlackConfig } from '../../config.js';
import type { Logger } from '../../log.js';
import { InFlight } from '../../serving.js';
import type { PlatformAdapter, PlatformAdapterDeps } from '../platform.js';
import { toSlackMessage } from './blocks.js';
import { registerSlackHandlers } from './handlers.js';
import { ChannelSharing } from './channel-sharing.js';
import { DisplayNames, slackContext, type SlackPerson } from './identity.js';
import { SlackDelivery } from './delivery.js';
import { slackReplyDelivery, type SlackReplyTarget } from './reply.js';
import { databaseInstallationStore } from './installation-store.js';
import { slackClientOptions } from './post.js';
import { singleWorkspace } from './single-authorize.js';
import { verifySlackRequests } from './verify.js';
import { slackWorkspaceGate } from './workspace-gate.js';

/** Least privilege: see the README's scope table for why each is needed. */
// files:write: /export uploads its CSV with files.uploadV2. files:read, channels:history,
// groups:history: a CSV shared in a (public or private) channel with the bot is offered for import.
// channels:read, groups:read: conversations.info says whether a channel is shared with another
// organisation (Slack Connect), which makes it a customer channel (channel-sharing.ts).
export const SLACK_BOT_SCOPES = ['commands', 'chat:write', 'users:read', 'channels:read', 'groups:read', 'files:write', 'files:read', 'channels:history', 'groups:history'];
/** Events the app subscribes to (the manifest's bot_events). */
export const SLACK_BOT_EVENTS = ['app_home_opened', 'app_uninstalled', 'tokens_revoked', 'message.channels', 'message.groups', 'channel_shared', 'channel_unshared'];

export interface SlackAdapterDeps extends PlatformAdapterDeps {
  config: SlackConfig;
  logger: Logger;
  /** How long a slash command may run before it is acked empty and answered later (ms). */
  ackBudgetMs?: number;
}

export interface SlackAdapter extends PlatformAdapter<SlackPerson, SlackReplyTarget, ReturnType<typeof toSlackMessage>> {
  readonly platform: 'slack';
  readonly app: App;
  /** Scheduled posts and private reminders into this adapter's workspaces. */
  readonly delivery: SlackDelivery;
  readonly audience: SlackDelivery;
  /** Listeners keep working after their ack (a slow command answers through response_url). */
  readonly work: InFlight;
}

function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  let level = LogLevel.INFO;
  return {
    debug: (...msg: unknown[]) => child.debug(msg.map(String).join(' ')),
    info: (...msg: unknown[]) => child.info(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => child.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => child.error(msg.map(String).join(' ')),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

export function createSlackAdapter(deps: SlackAdapterDeps): SlackAdapter {
  const { config } = deps;
  const clientOptions = slackClientOptions(config.apiUrl);
  const logger = boltLogger(deps.logger);
  const names = new DisplayNames();
  const sharing = new ChannelSharing();
  const resolvePerson = (person: SlackPerson, now: Date) =>
    slackContext(deps.db, person.identity, { ...(person.client ? { client: person.client } : {}), names, sharing, timezone: deps.timezone, currency: deps.currency, now });
  const deliverReply = slackReplyDelivery({ logger: deps.logger });
  const work = new InFlight();
  /** The listeners, then the tracking of their work for shutdown. */
  const listen = (app: App) => {
    registerSlackHandlers(app, {
      db: deps.db,
      registry: deps.registry,
      logger: deps.logger,
      clock: deps.clock,
      resolvePerson,
      deliverReply,
      channelSharing: sharing,
      ...(deps.ackBudgetMs !== undefined ? { ackBudgetMs: deps.ackBudgetMs } : {}),
      ...(config.apiUrl ? { apiUrl: config.apiUrl } : {}),
    });
    app.use(async ({ next }) => {
      await work.track(next());
    });
  };
  const adapter = (app: App, delivery: SlackDelivery, routers: Router[]) =>
    ({ platform: 'slack', app, render: toSlackMessage, resolvePerson, deliverReply, delivery, audience: delivery, routers, work }) as const;

  if (config.appToken) {
    // Socket Mode: Slack pushes over a WebSocket; no public URL, no HTTP routes.
    const botToken = config.botToken ?? '';
    const client = new webApi.WebClient(botToken, { ...clientOptions, logger });
    const app = new App({
      // No HTTP gate in Socket Mode: authorize alone refuses other workspaces' requests.
      authorize: singleWorkspace(client, botToken).authorize,
      signingSecret: config.signingSecret,
      appToken: config.appToken,
      socketMode: true,
      // Tenure keeps no conversation state in Bolt; its default store only costs work per event.
      convoStore: false,
      clientOptions,
      logger,
    });
    listen(app);
    return {
      ...adapter(app, new SlackDelivery({ client, logger: deps.logger }), []),
      start: async () => {
        await app.start();
      },
      stop: async () => {
        await app.stop();
      },
    };
  }

  const router = express.Router();
  const oauth = config.oauth;
  // Single workspace: the bot token's identity is asked of Slack on the first request and
  // kept only once Slack has answered (see single-authorize.ts); OAuth: per installation.
  const botToken = oauth ? undefined : config.botToken;
  const client = botToken ? new webApi.WebClient(botToken, { ...clientOptions, logger }) : undefined;
  const single = client && botToken ? singleWorkspace(client, botToken) : undefined;
  // Our checks guard every request to /slack/events (signature, timestamps stale or in the
  // future, replays; then the workspace it is for) and hand Bolt the raw body they verified;
  // Bolt's own check of the same signature is switched off below, as it would only repeat
  // ours (three HMACs and a random draw per command, ~3% of the server's CPU under the load
  // benchmark).
  router.post(
    '/slack/events',
    verifySlackRequests({ signingSecret: config.signingSecret, logger: deps.logger }),
    slackWorkspaceGate({ logger: deps.logger, ...(single ? { identity: single.identity } : {}) }),
  );
  const installationStore = oauth ? databaseInstallationStore(deps.db, { timezone: deps.timezone, currency: deps.currency, clock: deps.clock }) : undefined;
  const receiver = new ExpressReceiver({
    signingSecret: config.signingSecret,
    router,
    endpoints: '/slack/events',
    signatureVerification: false,
    logger,
    processBeforeResponse: false,
    ...(oauth
      ? {
          clientId: oauth.clientId,
          clientSecret: oauth.clientSecret,
          stateSecret: oauth.stateSecret,
          scopes: SLACK_BOT_SCOPES,
          installationStore,
          installerOptions: {
            installPath: '/slack/install',
            redirectUriPath: '/slack/oauth_redirect',
            directInstall: true,
            clientOptions,
          },
        }
      : {}),
  });
  const app = new App({ receiver, ...(single ? { authorize: single.authorize } : {}), convoStore: false, clientOptions, logger });
  listen(app);
  const delivery = new SlackDelivery(installationStore ? { installationStore, apiUrl: config.apiUrl, logger: deps.logger } : { client: client ?? app.client, logger: deps.logger });
  return adapter(app, delivery, [router]);
}
