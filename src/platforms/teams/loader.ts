// Teams' PlatformAdapter, and when Teams AI and botbuilder are loaded. They take one
// to three seconds to load (under tsx, more): a Teams deployment (platform mode)
// loads them at start, while in local mode — where /api/messages only serves the
// Bot Framework Emulator — they load on the first activity or proactive post, so
// `npm start` stays quick. Only types come from the SDK side here; the SDK itself
// is imported on demand.
import express from 'express';
import { DeliveryNotSent } from '../../jobs/delivery.js';
import type { PlatformAdapter } from '../platform.js';
import type { TeamsAdapterDeps, TeamsBot } from './app.js';
import { messageActivity } from './cards.js';
import type { TeamsDelivery } from './delivery.js';
import { teamsContext, type TeamsIdentity } from './identity.js';
import type { TeamsReplyTarget } from './reply.js';

/** Teams cannot list a channel's members for reminders: it has no audience. */
export interface TeamsAdapter extends PlatformAdapter<TeamsIdentity, TeamsReplyTarget, ReturnType<typeof messageActivity>> {
  readonly platform: 'teams';
  /** Proactive posts (digests, alerts, deliveries) and in-place card updates. */
  readonly delivery: TeamsDelivery;
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
      post: async (workspace, channelId, message) => (await loaded()).post(workspace, channelId, message),
      postToConversation: async (workspace, conversationId, message) => (await loaded()).postToConversation(workspace, conversationId, message),
      updateCard: async (workspace, conversationId, activityId, message) => (await loaded()).updateCard(workspace, conversationId, activityId, message),
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
