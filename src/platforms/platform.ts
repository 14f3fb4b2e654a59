// The contract every chat platform implements (Slack, Teams, the local console),
// in the spirit of vercel/chat's Adapter: the few things Tenure needs from a
// platform, typed once, so that a new platform is one folder that implements this
// and one line in main.ts's list. Members a platform cannot offer are optional
// (the console cannot list a channel's members), never stubs that pretend.
import type { Router } from 'express';
import type { CommandContext } from '../../commands/context.js';
import type { Registry } from '../../commands/registry.js';
import type { Db } from '../../db/client.js';
import type { Platform } from '../core/workspaces.js';
import type { ChannelAudience, ChannelDelivery } from '../jobs/delivery.js';
import type { Message, Reply } from '../messages/message.js';
import type { InFlight } from '../serving.js';

/**
 * What main.ts hands every platform it builds, the same for all: each adapter runs commands
 * through the one registry on the one database, and makes a workspace it meets for the first
 * time in the deployment's time zone and currency.
 */
export interface PlatformAdapterDeps {
  db: Db;
  registry: Registry;
  timezone: string;
  /** Currency of a workspace seen for the first time (TENURE_CURRENCY). */
  currency?: string;
  clock: () => Date;
}

/**
 * `Person`: what identifies someone in a request (a Slack user in a team, a Teams
 * activity's sender, a console user name). `ReplyTarget`: where a request is
 * answered (a Slack request's ack and response_url, a Teams turn, the console's
 * HTTP response). `Rendered`: the platform's form of a message.
 */
export interface PlatformAdapter<Person = never, ReplyTarget = never, Rendered = unknown> {
  /** The platform whose workspaces this serves (workspaces.platform). */
  readonly platform: Platform;
  /** A neutral Message in the platform's own form (Block Kit, an Adaptive Card, HTML). Pure. */
  render: (message: Message) => Rendered;
  /** The person behind a request, with their workspace and channel: the context every command runs in. */
  resolvePerson: (person: Person, now: Date) => Promise<CommandContext>;
  /**
   * Every part of a Reply, answered where the request came from: messages, the
   * update of the message a button was on, the form to open, files, and
   * deliveries to other channels. A part the request cannot carry as such is
   * still delivered another way (an update with nothing to replace is said).
   */
  deliverReply: (reply: Reply, target: ReplyTarget) => Promise<void>;
  /** Posts into a channel when no one asked: scheduled jobs' digests, alerts and surveys. */
  readonly delivery: ChannelDelivery;
  /** A channel's members and private posts to them (survey reminders); only where the platform can tell. */
  readonly audience?: ChannelAudience;
  /** Its HTTP door on the shared server (webhooks, a page); none over a socket of its own. */
  readonly routers: Router[];
  /** Work that outlives its HTTP answer (Slack listeners past their ack): shutdown waits for it. */
  readonly work?: InFlight;
  /** Before the server listens: connect, or load an SDK that a first request would wait for. */
  start?(): Promise<void>;
  /** Shutdown begins: take no more requests that do not come over HTTP (Slack's Socket Mode). */
  stop?(): Promise<void>;
  /** Shutdown, once work under way is done: let posts in flight finish, refuse later ones. */
  close?(): Promise<void>;
}
