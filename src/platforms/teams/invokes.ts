// Invokes: requests Teams waits on for an answer in the HTTP response. Every one we
// take gets a non-empty answer — an empty one makes Teams show "unable to reach
// app" and send the invoke again, which would run its handler twice (app.ts answers
// a retried activity id with the first run's answer). Our cards use Action.Submit;
// an Action.Execute (adaptiveCard/action) comes only from an older card or another
// app and is answered with a message saying so. Invokes nobody handles are 501.
import type { App } from '@microsoft/teams.apps';
import type { Identified } from '../requests.js';
import type { TeamsHandlerDeps } from './handlers.js';
import type { InboundActivity } from './inbound.js';
import { registerMessageExtension } from './message-extension.js';

export interface TeamsInvokeDeps extends TeamsHandlerDeps {
  identify: (activity: InboundActivity, options?: { remember?: boolean }) => Promise<Identified>;
}

export function registerInvokes(app: App, deps: TeamsInvokeDeps): void {
  app.on('card.action', async () => ({
    statusCode: 200,
    type: 'application/vnd.microsoft.activity.message',
    value: 'That button is no longer available. Run the command again.',
  }));

  registerMessageExtension(app, deps);

  // Registered last: only invokes no route above took. (The SDK types an invoke's
  // catch-all as answering nothing; an invoke response is what it sends back.)
  const notImplemented = async () => ({ status: 501 });
  app.on('invoke', notImplemented as never);
}
