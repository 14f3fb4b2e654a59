// The Teams adapter's bot: a Teams SDK v2 App (@microsoft/teams.apps) on the shared
// Express server at POST /api/messages, through the SDK's Express adapter given an
// Express app of ours, in which our body limit and activity check run first. With
// TEAMS_APP_ID set the SDK validates every activity's Bot Framework token (single
// tenant with TEAMS_TENANT_ID); without it (local mode only — config.ts never builds
// a Teams config without an app id otherwise) the endpoint takes emulator and
// Agents Playground traffic unauthenticated, and then only from a loopback
// serviceUrl. Every SDK option is passed from our config: left undefined, the SDK
// would read CLIENT_ID, TENANT_ID, SERVICE_URL, CLOUD … from the environment. Only
// translation lives here and in its siblings; loader.ts is the PlatformAdapter and
// loads this on demand.
import { PUBLIC, type CloudEnvironment, type TokenProvider } from '@microsoft/teams.api';
import { App, ExpressAdapter, type HttpRouteHandler, type IActivityContext } from '@microsoft/teams.apps';
import express, { type Router } from 'express';
import type { CommandContext } from '../../../commands/context.js';
import type { TeamsConfig } from '../../config.js';
import type { Workspace } from '../../core/workspaces.js';
import { requestOrigin } from '../../http/exports.js';
import { isLoopbackUrl } from '../../http/loopback.js';
import type { Logger } from '../../log.js';
import { notice } from '../../messages/builders.js';
import type { PlatformAdapterDeps } from '../platform.js';
import { messageActivity } from './cards.js';
import { ProactiveDelivery, type RetryOptions } from './delivery.js';
import type { TeamsDownloads } from './downloads.js';
import { registerTeamsHandlers, identifier } from './handlers.js';
import { baseConversationId, EMULATOR_TENANT, tenantOf, type TeamsIdentity } from './identity.js';
import { readActivity, type InboundActivity } from './inbound.js';
import { failedInvokeAnswer, registerInvokes } from './invokes.js';
import { OnceByActivity } from './once.js';
import { PrivateChats, type MeetingPlace } from './private-chat.js';
import { ConversationReferences } from './references.js';
import { teamsReplyDelivery, type TeamsReplyDelivery, type TeamsTurn } from './reply.js';
import { sdkLogger } from './sdk-logger.js';

/** Where the Bot Framework's signing keys and our outbound tokens come from: the public cloud, or a test's own. */
export interface TeamsCloud {
  cloud?: CloudEnvironment;
  /** Outbound tokens from this provider instead of Entra with the app password (tests: no Entra to ask). */
  token?: TokenProvider;
}

export interface TeamsAdapterDeps extends PlatformAdapterDeps {
  config: TeamsConfig;
  logger: Logger;
  /** Throttling retries for proactive posts (tests shorten them). */
  retry?: RetryOptions;
  /** Signed download links for exports (Teams bots cannot upload files into channels). */
  downloads?: TeamsDownloads;
  /** Load the SDK at start (a Teams deployment) rather than on the first activity (local mode). */
  loadAtStart?: boolean;
  /** Tests: a local OpenID metadata / JWKS server and a token provider (see TeamsCloud). */
  cloud?: TeamsCloud;
}

export interface TeamsBot {
  app: App;
  router: Router;
  /** Proactive posts and in-place card updates; also the jobs' ChannelDelivery for Teams. */
  delivery: ProactiveDelivery;
  /** Channel members and private chats: survey reminders, private answers. */
  privateChats: PrivateChats;
  /** What the handlers answer with (loader.ts's deliverReply is this one). */
  deliverReply: TeamsReplyDelivery;
  references: ConversationReferences;
  stop(): Promise<void>;
}

/** Where the bot meets the activity's sender for a private chat: the activity's serviceUrl, tenant and bot. */
function meetingPlaceOf(activity: InboundActivity): MeetingPlace {
  const tenantId = tenantOf(activity);
  return {
    serviceUrl: activity.serviceUrl ?? '',
    bot: activity.recipient,
    conversationId: baseConversationId(activity.conversation.id),
    ...(tenantId ? { tenantId } : {}),
    ...(activity.channelId ? { channelId: activity.channelId } : {}),
  };
}

/** The body Teams gets for any failed authentication: what failed is for our log only. */
const UNAUTHORIZED = { error: 'unauthorized' };

/** The SDK's Express adapter, whose 401s say nothing of why (the reason goes to our log). */
class DoorAdapter extends ExpressAdapter {
  constructor(
    door: express.Express,
    private readonly log: Logger,
  ) {
    super(door, { logger: sdkLogger(log) });
  }

  override registerRoute(method: 'POST', path: string, handler: HttpRouteHandler): void {
    super.registerRoute(method, path, async (request) => {
      const response = await handler(request);
      if (response.status !== 401) return response;
      const body = request.body as Partial<InboundActivity> | undefined;
      const reason = (response.body as { error?: unknown } | undefined)?.error;
      this.log.warn({ reason: typeof reason === 'string' ? reason : 'unauthorized', type: body?.type }, 'refused a Teams activity that failed authentication');
      return { status: 401, body: UNAUTHORIZED };
    });
  }
}

export async function createTeamsBot(deps: TeamsAdapterDeps & { resolvePerson: (person: TeamsIdentity, now: Date) => Promise<CommandContext> }): Promise<TeamsBot> {
  const { config, logger } = deps;
  const log = logger.child({ component: 'teams' });
  const authenticated = Boolean(config.appId);

  // Our checks run before the SDK's route on the same Express app.
  const door = express();
  // Our public origin as each activity reached us (download links), until it is answered.
  const origins = new Map<string, string>();
  const originKey = (activity: InboundActivity) => `${activity.conversation.id}|${activity.id ?? ''}`;
  door.post('/api/messages', express.json({ limit: '1mb' }), (req, res, next) => {
    const activity = readActivity(req.body);
    if (!activity) {
      // With an app id nothing is answered before authentication, and what cannot be
      // read cannot be authenticated: the same generic 401 as a bad token.
      if (authenticated) res.status(401).json(UNAUTHORIZED);
      else res.status(400).json({ error: 'not a Bot Framework activity' });
      return;
    }
    // Unauthenticated (local mode), the serviceUrl is whatever the caller says, and
    // the bot posts its replies there: only an emulator on this machine is served.
    if (!authenticated && !isLoopbackUrl(activity.serviceUrl)) {
      log.warn({ serviceUrl: String(activity.serviceUrl ?? '').slice(0, 200), type: activity.type }, 'refused an activity whose serviceUrl is not on localhost (local mode)');
      res.status(403).json({ error: 'the Teams emulator door only replies to a serviceUrl on localhost' });
      return;
    }
    const key = originKey(activity);
    origins.set(key, requestOrigin(req));
    res.on('close', () => origins.delete(key));
    next();
  });

  const cloud = deps.cloud?.cloud ?? PUBLIC;
  const app = new App({
    // Empty strings, not undefined: the SDK reads the environment for what is undefined.
    clientId: config.appId ?? '',
    ...(deps.cloud?.token ? { clientSecret: '', token: deps.cloud.token } : { clientSecret: config.appPassword ?? '' }),
    tenantId: config.tenantId ?? '',
    // With an app id config.ts requires the password, so no managed identity is ever tried.
    managedIdentityClientId: config.appId ?? '',
    cloud,
    serviceUrl: 'https://smba.trafficmanager.net/teams',
    dangerouslyAllowUnauthenticatedRequests: !authenticated,
    httpServerAdapter: new DoorAdapter(door, log),
    messagingEndpoint: '/api/messages',
    logger: sdkLogger(log),
    state: false,
    activity: { mentions: { stripText: false } },
    telemetry: { agent365: false },
  });

  const references = new ConversationReferences(deps.db);
  const connector = (serviceUrl: string) => app.api.clone({ serviceUrl: serviceUrl.replace(/(?<!\/)\/+$/, '') });
  const delivery = new ProactiveDelivery({ connector, references, logger: log, ...(deps.retry ? { retry: deps.retry } : {}) });
  const privateChats = new PrivateChats({ connector, references, delivery, logger: log });
  const deliverReply = teamsReplyDelivery({ delivery, logger: log, ...(deps.downloads ? { downloads: deps.downloads } : {}) });

  const turnOf = (ctx: IActivityContext): TeamsTurn => {
    const activity = ctx.activity as unknown as InboundActivity;
    const key = `turn|${baseConversationId(activity.conversation.id)}`;
    const origin = origins.get(originKey(activity));
    return {
      activity,
      send: async (outgoing) => (await delivery.retrying(key, () => ctx.send(outgoing as never))).id,
      update: async (id, outgoing) => {
        await delivery.retrying(key, () => ctx.send({ ...outgoing, id } as never));
      },
      sendPrivately: (outgoing, workspace) => privateChats.sendActivity(workspace, activity.from, meetingPlaceOf(activity), outgoing),
      ...(origin ? { origin } : {}),
    };
  };
  const lookupMember = (ctx: IActivityContext) => async (account: { id: string }) => {
    const member = await ctx.api.conversations.members(baseConversationId(ctx.activity.conversation.id)).getById(account.id);
    return member.aadObjectId ?? (member as { objectId?: string }).objectId;
  };

  // Every activity: a single-tenant bot ignores other tenants before anything is
  // written; a retried activity gets its first run's answer; a failed turn says so.
  const once = new OnceByActivity<unknown>();
  app.use(async (ctx) => {
    const activity = ctx.activity as unknown as InboundActivity;
    const tenant = tenantOf(activity);
    if (authenticated && config.tenantId && tenant && tenant !== config.tenantId) {
      log.warn({ tenant, type: activity.type }, 'Teams activity from another tenant ignored');
      return;
    }
    const key = activity.id ? `${baseConversationId(activity.conversation.id)}|${activity.id}` : undefined;
    return once.run(key, async () => {
      try {
        return await ctx.next();
      } catch (err) {
        log.error({ err, type: activity.type, name: activity.name, conversationId: activity.conversation.id }, 'Teams turn failed');
        // An invoke is answered in its HTTP response, where Teams shows it; a message, in the conversation.
        if (activity.type === 'invoke') return failedInvokeAnswer(activity.name);
        await ctx.send(messageActivity(notice('Sorry, something went wrong on our side. Nothing you typed was lost: please try again.', { tone: 'error' })) as never).catch(() => undefined);
        return undefined;
      }
    }) as never;
  });

  const handlerDeps = {
    db: deps.db,
    registry: deps.registry,
    logger: log,
    clock: deps.clock,
    references,
    resolvePerson: deps.resolvePerson,
    deliverReply,
    turnOf,
    lookupMember,
    isMember: (workspace: Workspace, conversationId: string, personId: string) => privateChats.isMember(workspace, conversationId, personId),
    fallbackTenant: config.tenantId ?? EMULATOR_TENANT,
  };
  registerTeamsHandlers(app, handlerDeps);
  registerInvokes(app, { ...handlerDeps, identify: identifier(handlerDeps) });
  await app.initialize();

  const router = express.Router();
  router.use(door);
  return { app, router, delivery, privateChats, deliverReply, references, stop: () => delivery.stop() };
}
