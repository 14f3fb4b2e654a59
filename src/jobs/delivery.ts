// How scheduled jobs post into chat, without knowing any platform: each adapter
// (Slack, Teams, the local console) implements ChannelDelivery, and main.ts hands
// the jobs one per platform it runs.
import type { Message } from '../messages/message.js';
import type { Platform, Workspace } from '../core/workspaces.js';

export interface ChannelDelivery {
  /**
   * Posts a message into a channel of the workspace. Throws DeliveryNotSent when
   * the platform provably did not take it (then the job may try again later); any
   * other error means it may have been posted, and the job does not repeat it.
   * Where the platform names the posted message (Slack's ts), that is returned so
   * the job can record what it sent.
   */
  post(workspace: Workspace, channelId: string, message: Message): Promise<Delivered | void>;
}

/** A posted message as the platform named it. */
export interface Delivered {
  /** Slack: the message ts; other platforms: their message id, when they give one. */
  ref?: string;
}

/** The deliveries a process has, by the platform of the workspace. */
export type Deliveries = Partial<Record<Platform, ChannelDelivery>>;

/** Nothing was posted: safe to try again. */
export class DeliveryNotSent extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeliveryNotSent';
  }
}

/**
 * Platforms that know who is in a channel (Slack: its members), so a survey can
 * remind the people who have not answered, privately. Where a platform cannot
 * tell, no reminder is sent.
 */
export interface ChannelAudience {
  /** Platform user ids of the channel's members, or null when they cannot be known. */
  members(workspace: Workspace, channelId: string): Promise<string[] | null>;
  /** A message only `userId` sees, in the channel. */
  postPrivately(workspace: Workspace, channelId: string, userId: string, message: Message): Promise<void>;
}
