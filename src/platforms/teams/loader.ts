// When Teams AI and botbuilder are loaded. They take one to three seconds to load
// (under tsx, more): a Teams deployment (platform mode) loads them at start, while in
// local mode — where /api/messages only serves the Bot Framework Emulator — they load
// on the first activity or proactive post, so `npm start` stays quick. Only types
// come from the SDK side here; the SDK itself is imported on demand.
import express, { type Router } from 'express';
import { DeliveryNotSent } from '../../jobs/delivery.js';
import type { TeamsAdapterDeps, TeamsBot } from './app.js';
import type { TeamsDelivery } from './delivery.js';

export interface TeamsDoor {
  /** POST /api/messages, for the shared server. */
  router: Router;
  delivery: TeamsDelivery;
  /** The loaded bot (loading it if need be). */
  ready(): Promise<TeamsBot>;
  stop(): Promise<void>;
}

export function teamsDoor(deps: TeamsAdapterDeps): TeamsDoor {
  let bot: Promise<TeamsBot> | undefined;
  let stopped = false;
  const ready = () => (bot ??= import('./app.js').then((m) => m.createTeamsAdapter(deps)));
  const loaded = async () => {
    if (stopped) throw new DeliveryNotSent('Tenure is shutting down; nothing was posted to Teams');
    return (await ready()).delivery;
  };

  const router = express.Router();
  router.post('/api/messages', (req, res, next) => {
    ready().then((b) => b.router(req, res, next), next);
  });

  return {
    router,
    ready,
    delivery: {
      post: async (workspace, channelId, message) => (await loaded()).post(workspace, channelId, message),
      postToConversation: async (workspace, conversationId, message) => (await loaded()).postToConversation(workspace, conversationId, message),
      updateCard: async (workspace, conversationId, activityId, message) => (await loaded()).updateCard(workspace, conversationId, activityId, message),
    },
    async stop() {
      stopped = true;
      if (bot) await (await bot).stop();
    },
  };
}
