// The local console's PlatformAdapter (../platform.ts): a page and a JSON API on
// the shared server, in local mode only. Jobs' posts go to an in-memory feed the
// page polls; it cannot list a channel's members, so no survey reminders here.
import { contextFor } from '../../../commands/context.js';
import type { PlatformAdapter, PlatformAdapterDeps } from '../platform.js';
import { ConsoleFeed } from './feed.js';
import { toConsoleMessage, type ConsoleMessage } from './render.js';
import { ConsoleFiles, consoleReplyDelivery, type ConsoleReplyTarget } from './reply.js';
import { CONSOLE_WORKSPACE_ID, consoleRouter, type ConsolePerson } from './routes.js';

export interface ConsoleAdapter extends PlatformAdapter<ConsolePerson, ConsoleReplyTarget, ConsoleMessage> {
  readonly platform: 'console';
  readonly delivery: ConsoleFeed;
}

/** The console needs nothing beyond what every platform gets. */
export type ConsoleAdapterDeps = PlatformAdapterDeps;

export function createConsoleAdapter(deps: ConsoleAdapterDeps): ConsoleAdapter {
  const feed = new ConsoleFeed(deps.clock);
  const files = new ConsoleFiles();
  const resolvePerson = (person: ConsolePerson, now: Date) =>
    contextFor(
      deps.db,
      {
        platform: 'console',
        workspaceExternalId: CONSOLE_WORKSPACE_ID,
        workspaceName: 'Demo workspace',
        defaultTimezone: deps.timezone,
        defaultCurrency: deps.currency,
        userId: person.user.toLowerCase(),
        userName: person.user,
        channelId: person.channel,
        channelName: person.channel,
      },
      now,
    );
  const deliverReply = consoleReplyDelivery(files);
  return {
    platform: 'console',
    render: toConsoleMessage,
    resolvePerson,
    deliverReply,
    delivery: feed,
    routers: [consoleRouter({ registry: deps.registry, clock: deps.clock, feed, files, resolvePerson, deliverReply })],
  };
}
