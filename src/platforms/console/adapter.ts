// The local console's PlatformAdapter (../platform.ts): a page and a JSON API on
// the shared server, in local mode only. Jobs' posts go to an in-memory feed the
// page polls; it cannot list a channel's members, so no survey reminders here.
import { contextFor } from '../../../commands/context.js';
import type { PlatformAdapter, PlatformAdapterDeps } from '../platform.js';
import { ConsoleFeed } from './feed.js';
import { toConsoleMessage, type ConsoleMessage } from './render.js';
import { ConsoleFiles, consoleReplyDelivery, type ConsoleReplyTarget } from './reply.js';
import { workspaceChannels } from '../../core/channel-kinds.js';
import { CONSOLE_WORKSPACE_ID, consoleRouter, DEFAULT_CONSOLE_CHANNEL, DEFAULT_CONSOLE_USER, type ConsoleChannel, type ConsolePerson } from './routes.js';

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
  const deliverReply = consoleReplyDelivery(files, feed);
  // The picker lists #general and every channel Tenure knows, each with its kind, so the
  // customer-channel rule can be tried: type in #acme-corp (customer) and in #acme-team (internal).
  const channels = async (): Promise<ConsoleChannel[]> => {
    const ctx = await resolvePerson({ user: DEFAULT_CONSOLE_USER, channel: DEFAULT_CONSOLE_CHANNEL }, deps.clock());
    const known = await workspaceChannels(deps.db, ctx.workspace.id);
    const general: ConsoleChannel = { id: DEFAULT_CONSOLE_CHANNEL, label: `#${DEFAULT_CONSOLE_CHANNEL}`, kind: 'unlinked' };
    return [
      general,
      ...known
        .filter((c) => c.channelId !== DEFAULT_CONSOLE_CHANNEL)
        .map((c) => {
          const what = c.kind === 'customer' ? 'customer channel' : c.kind === 'internal' ? 'internal channel' : c.isAlertChannel ? 'alert channel' : 'channel';
          const extra = [c.accountName, c.kind !== 'unlinked' && c.isAlertChannel ? 'alert channel' : null].filter(Boolean).join(' · ');
          return { id: c.channelId, label: `#${c.name} — ${what}${extra ? ` · ${extra}` : ''}`, kind: c.kind === 'unlinked' && c.isAlertChannel ? 'internal' : c.kind };
        }),
    ];
  };
  return {
    platform: 'console',
    render: toConsoleMessage,
    resolvePerson,
    deliverReply,
    delivery: feed,
    routers: [consoleRouter({ registry: deps.registry, clock: deps.clock, feed, files, resolvePerson, deliverReply, channels })],
  };
}
