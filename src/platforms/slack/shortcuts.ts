// Slack shortcuts (manifest features.shortcuts, from CHECKIN_SHORTCUTS): a message
// shortcut ("Log as check-in" on a message's menu) presses its registry action with
// the message as { text, authorName, link }; a global shortcut presses its action with
// nothing. Both answer with a form, opened as a modal on the shortcut's trigger_id,
// which Slack honours for three seconds: the ack goes first, and the author's name and
// the permalink are looked up side by side, each within a budget.
import type { App, GlobalShortcut, MessageShortcut } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Registry } from '../../../commands/registry.js';
import type { Logger } from '../../log.js';
import type { Reply } from '../../messages/message.js';
import type { Identified } from '../requests.js';
import { DisplayNames, type SlackIdentity } from './identity.js';
import type { SlackReplyDelivery } from './reply.js';

/** How long the permalink may take before the form opens without it (the trigger expires at 3 s). */
const PERMALINK_BUDGET_MS = 700;

/** Slack's escapes in message text (the only three it uses). */
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/**
 * A Slack message's text as a person reads it: mentions, channels and links in
 * Slack's angle-bracket form become `@name`, `#name` and `label (url)`, and its
 * escapes are undone. Everything else (*bold*, `code`, emoji) stays as typed.
 */
export function slackMessageText(raw: string, names: Map<string, string> = new Map()): string {
  const readable = raw.replace(/<([^<>]*)>/g, (_whole, inner: string) => {
    const [target = '', label] = inner.split('|', 2) as [string, string | undefined];
    if (target.startsWith('@')) return `@${label ?? names.get(target.slice(1)) ?? target.slice(1)}`;
    if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
    if (target.startsWith('!subteam^')) return label ?? '@group';
    // A date Slack formats for each reader; the label is its fallback text.
    if (target.startsWith('!date^')) return label ?? '';
    if (target.startsWith('!')) return `@${label ?? target.slice(1).split('^')[0]}`;
    const url = target.replace(/^mailto:/, '');
    return label && label !== url && label !== target ? `${label} (${target})` : url;
  });
  return readable.replace(/&(amp|lt|gt);/g, (e) => ENTITIES[e]!);
}

/** The user ids a message mentions (`<@U123>`), to look their names up. */
const mentionedUsers = (raw: string) => [...new Set([...raw.matchAll(/<@([A-Z0-9]+)(?:\|[^<>]*)?>/g)].map((m) => m[1]!))];

const within = <T>(work: Promise<T>, ms: number, fallback: T): Promise<T> =>
  Promise.race([work.catch(() => fallback), new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ms).unref())]);

export interface ShortcutDeps {
  registry: Registry;
  logger: Logger;
  deliverReply: SlackReplyDelivery;
  identify: (identity: SlackIdentity, client: WebClient) => Promise<Identified>;
}

export function registerSlackShortcuts(app: App, deps: ShortcutDeps): void {
  const names = new DisplayNames();

  /** The message as the registry takes it: its readable text, its author's name and its permalink. */
  const messageOf = async (client: WebClient, teamId: string, s: MessageShortcut) => {
    const raw = s.message.text ?? '';
    const author = s.message.user;
    const botName = typeof s.message.username === 'string' ? s.message.username : (s.message.bot_profile as { name?: string } | undefined)?.name;
    const [authorName, link, mentioned] = await Promise.all([
      author ? names.lookup(client, teamId, author, botName) : Promise.resolve(botName),
      within(
        client.chat.getPermalink({ channel: s.channel.id, message_ts: s.message_ts }).then((r) => r.permalink),
        PERMALINK_BUDGET_MS,
        undefined,
      ),
      Promise.all(mentionedUsers(raw).map(async (id) => [id, await names.lookup(client, teamId, id, undefined)] as const)),
    ]);
    return { text: slackMessageText(raw, new Map(mentioned)), ...(authorName ? { authorName } : {}), ...(link ? { link } : {}) };
  };

  app.shortcut(/.*/, async ({ shortcut, ack, client, context, respond }) => {
    await ack();
    const s = shortcut as MessageShortcut | GlobalShortcut;
    const teamId = context.teamId ?? s.team?.id ?? s.user.team_id ?? '';
    const channelId = s.type === 'message_action' ? s.channel.id : undefined;
    const [who, message] = await Promise.all([
      deps.identify(
        { teamId, userId: s.user.id, userName: s.user.username ?? (s as MessageShortcut).user.name, ...(s.type === 'message_action' ? { channelId: s.channel.id, channelName: s.channel.name } : {}) },
        client,
      ),
      s.type === 'message_action' ? messageOf(client, teamId, s) : Promise.resolve(undefined),
    ]);
    const reply: Reply = who.ctx ? await deps.registry.press(who.ctx, s.callback_id, message ? JSON.stringify(message) : '') : who.failure;
    await deps.deliverReply(reply, {
      client,
      userId: s.user.id,
      ...(channelId ? { channelId } : {}),
      ...(s.type === 'message_action' ? { respond } : {}),
      triggerId: s.trigger_id,
      // A global shortcut has no channel: the check-in's confirmation goes to the person.
      formOrigin: { channelId: channelId ?? s.user.id, responseUrl: s.type === 'message_action' ? s.response_url : '' },
    });
  });
}
