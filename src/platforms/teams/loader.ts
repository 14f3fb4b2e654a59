// Teams' PlatformAdapter, and when the Teams SDK is loaded. It takes a second or
// more to load (under tsx, more): a Teams deployment (platform mode) loads it at
// start, while in local mode — where /api/messages only serves an emulator or
// Microsoft 365 Agents Playground — it loads on the first activity or proactive
// post, so `npm start` stays quick. Only types come from the SDK side here; the
// SDK itself is imported on demand.
import express from 'express';
import { DeliveryNotSent, type ChannelAudience } from '../../jobs/delivery.js';
import type { PlatformAdapter } from '../platform.js';
import type { TeamsAdapterDeps, TeamsBot } from './app.js';
import { messageActivity } from './cards.js';
import { ConversationUnavailable, type TeamsDelivery } from './delivery.js';
import { teamsContext, type TeamsIdentity } from './identity.js';
import type { TeamsReplyTarget } from './reply.js';

/** A channel's members come from the Bot connector's member list; reminders go to personal chats. */
export interface TeamsAdapter extends PlatformAdapter<TeamsIdentity, TeamsReplyTarget, ReturnType<typeof messageActivity>> {
  readonly platform: 'teams';
  /** Proactive posts (digests, alerts, deliveries) and in-place card updates. */
  readonly delivery: TeamsDelivery;
  readonly audience: ChannelAudience;
  /** The loaded bot (loading it if need be). */
  ready(): Promise<TeamsBot>;
}

export function createTeamsAdapter(deps: TeamsAdapterDeps): TeamsAdapter {
  let bot: Promise<TeamsBot> | undefined;
  let stopped = false;
  const resolvePerson = (person: TeamsIdentity, now: Date) => teamsContext(deps.db, person, { timezone: deps.timezone, currency: deps.currency, now });
  const ready = () => (bot ??= import('./app.js').then((m) => m.createTeamsBot({ ...deps, resolvePerson })));
  const loaded = async () => {
    if (stopped) throw new DeliveryNotSent('Tenure is shutting down; nothing was posted to Teams');
    return (await ready()).delivery;
  };
  const audience = async () => {
    if (stopped) throw new DeliveryNotSent('Tenure is shutting down; nothing was posted to Teams');
    return (await ready()).privateChats;
  };

  const router = express.Router();
  router.post('/api/messages', (req, res, next) => {
    ready().then((b) => b.router(req, res, next), next);
  });

  return {
    platform: 'teams',
    render: messageActivity,
    resolvePerson,
    deliverReply: async (reply, target) => (await ready()).deliverReply(reply, target),
    routers: [router],
    ready,
    delivery: {
      // A job's post to a person (an owner's alert) with no personal chat stored yet opens one.
      post: async (workspace, channelId, message) => {
        try {
          return await (await loaded()).post(workspace, channelId, message);
        } catch (err) {
          if (!(err instanceof ConversationUnavailable) || err.reason !== 'no-reference') throw err;
          if (!(await (await audience()).postToPerson(workspace, channelId, message))) throw err;
        }
      },
      postToConversation: async (workspace, conversationId, message) => (await loaded()).postToConversation(workspace, conversationId, message),
      postActivity: async (workspace, conversationId, activity) => (await loaded()).postActivity(workspace, conversationId, activity),
      updateCard: async (workspace, conversationId, activityId, message) => (await loaded()).updateCard(workspace, conversationId, activityId, message),
    },
    audience: {
      members: async (workspace, channelId) => (await audience()).members(workspace, channelId),
      postPrivately: async (workspace, channelId, userId, message) => (await audience()).postPrivately(workspace, channelId, userId, message),
    },
    async start() {
      if (deps.loadAtStart) await ready();
    },
    async close() {
      stopped = true;
      if (bot) await (await bot).stop();
    },
  };
}
