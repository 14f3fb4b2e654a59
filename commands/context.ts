// What every command runs with: the database, the workspace (tenant), the person,
// the channel the command came from, and the time. Adapters build it.
import type { Db } from '../db/client.js';
import type { ChannelStanding } from '../src/core/channel-kinds.js';
import type { User, Workspace } from '../src/core/workspaces.js';

export interface CommandContext {
  db: Db;
  workspace: Workspace;
  user: User;
  channel: ChannelSeen;
  now: Date;
  /**
   * What the channel counts as (customer, internal, unlinked): looked up once, when first
   * asked (most answers never need it), through the registry; absent outside the registry.
   */
  standing?: () => Promise<ChannelStanding>;
  /** Files shared in the conversation, where the platform has them (Slack); see commands/csv-import.ts. */
  files?: SharedFiles;
}

/**
 * The channel a request came from, as its platform describes it. `sharedExternally`
 * is the platform's word that people of another organisation read it (Slack
 * Connect, a Teams shared channel or one with guests): such a channel is a customer
 * channel whatever it was linked as. Undefined where the platform cannot tell.
 */
export interface ChannelSeen {
  id: string;
  name?: string;
  sharedExternally?: boolean;
}

/** A file someone shared in chat, as the adapter fetched it (text, size-capped). */
export interface SharedFile {
  id: string;
  name: string;
  content: string;
}

/** The adapter's access to shared files; read() throws a UserError a person can act on. */
export interface SharedFiles {
  read(fileId: string): Promise<SharedFile>;
}

/** Where internal errors go (pino in production; a collector in tests). */
export interface ErrorLog {
  error(details: Record<string, unknown>, message: string): void;
}

import { ensureWorkspaceAndUser, type Platform } from '../src/core/workspaces.js';

export interface PlatformIdentity {
  platform: Platform;
  workspaceExternalId: string;
  workspaceName: string;
  /** Zone for a workspace seen for the first time. */
  defaultTimezone: string;
  /** Currency for a workspace seen for the first time (TENURE_CURRENCY); USD when not given. */
  defaultCurrency?: string;
  userId: string;
  userName: string;
  channelId: string;
  channelName?: string;
  /** See ChannelSeen.sharedExternally. */
  channelSharedExternally?: boolean;
}

/** Turns a platform's ids into a command context, creating workspace and user on first sight. */
export async function contextFor(db: Db, who: PlatformIdentity, now: Date): Promise<CommandContext> {
  const { workspace, user } = await ensureWorkspaceAndUser(
    db,
    {
      platform: who.platform,
      externalId: who.workspaceExternalId,
      name: who.workspaceName,
      timezone: who.defaultTimezone,
      ...(who.defaultCurrency ? { currency: who.defaultCurrency } : {}),
    },
    { platformUserId: who.userId, displayName: who.userName },
  );
  return { db, workspace, user, channel: {
      id: who.channelId,
      ...(who.channelName ? { name: who.channelName } : {}),
      ...(who.channelSharedExternally !== undefined ? { sharedExternally: who.channelSharedExternally } : {}),
    },
    now,
  };
}
