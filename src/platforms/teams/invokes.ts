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

const SORRY = 'Sorry, something went wrong on our side. Nothing you typed was lost: please try again.';

/**
 * The answer to an invoke whose handler failed: still non-empty, in the form Teams
 * shows for that invoke (a message in the card, the compose box or the dialog),
 * so Teams says what happened instead of "unable to reach app".
 */
export function failedInvokeAnswer(name: string | undefined): { status: number; body?: unknown } {
  if (name === 'adaptiveCard/action') return { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: SORRY } };
  if (name === 'composeExtension/query') return { status: 200, body: { composeExtension: { type: 'message', text: SORRY } } };
  if (name === 'composeExtension/fetchTask' || name === 'composeExtension/submitAction') return { status: 200, body: { task: { type: 'message', value: SORRY } } };
  return { status: 500 };
}

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
