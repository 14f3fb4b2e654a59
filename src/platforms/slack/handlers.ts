// Bolt listeners: slash commands, button presses, shortcuts (shortcuts.ts), modal submissions and events
// (App Home, uninstalls, CSV files shared in channels). Each one identifies the
// caller from the signed payload, calls the registry (or, for a shared file, the
// neutral preview), and delivers the answer the way Slack expects for that payload.
// The workspace is Bolt's context.teamId: the one the request was authorized for
// (the token's own in single-workspace mode), not a team id the payload carries
// elsewhere — a Slack Connect user's, or a shared channel's other workspace.
import type { App, BlockAction, ButtonAction, RespondArguments, SlashCommand, ViewResponseAction, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { looksLikeCsv, previewSharedCsv } from '../../../commands/csv-import.js';
import type { CommandContext, SharedFiles } from '../../../commands/context.js';
import type { Registry } from '../../../commands/registry.js';
import { portfolioHome } from '../../../commands/home.js';
import { platformSaysShared } from '../../core/channel-kinds.js';
import type { ChannelSharing } from './channel-sharing.js';
import type { Db } from '../../../db/client.js';
import { firstDelivery } from '../../core/ledger.js';
import type { Logger } from '../../log.js';
import type { Reply } from '../../messages/message.js';
import { within } from '../../settles.js';
import { identify as identifyPerson, submitForm } from '../requests.js';
import { actionIdFromSlack, toSlackMessage } from './blocks.js';
import { errorsForSlack, valuesFromView } from './modal.js';
import type { SlackIdentity, SlackPerson } from './identity.js';
import { slackSharedFiles } from './files.js';
import { deactivateSlackWorkspace } from './installation-store.js';
import { eventListener } from './event-listener.js';
import { registerSlackShortcuts } from './shortcuts.js';
import type { SlackReplyDelivery } from './reply.js';
import { ForeignWorkspaceError } from './single-authorize.js';

export interface HandlerDeps {
  db: Db;
  registry: Registry;
  logger: Logger;
  clock: () => Date;
  /** The adapter's own (app.ts): who is asking, and every part of a reply. */
  resolvePerson: (person: SlackPerson, now: Date) => Promise<CommandContext>;
  deliverReply: SlackReplyDelivery;
  ackBudgetMs?: number;
  /** SLACK_API_URL, whose host may serve shared files (tests). */
  apiUrl?: string;
  /** What Slack said about channels' sharing, cached (channel-sharing.ts): forgotten when Slack says it changed. */
  channelSharing?: ChannelSharing;
}

/** A message event carrying files (message.channels / message.groups, subtype file_share). */
const fileShareEvent = z.object({
  subtype: z.literal('file_share'),
  user: z.string().min(1),
  channel: z.string().min(1),
  ts: z.string().min(1),
  thread_ts: z.string().optional(),
  bot_id: z.string().optional(),
  files: z
    .array(
      z.object({
        id: z.string().min(1),
        name: z.string().optional(),
        mimetype: z.string().optional(),
        filetype: z.string().optional(),
        user_team: z.string().optional(),
      }),
    )
    .min(1),
});

/** A message with many CSVs gets a preview for the first few; the rest can be shared again. */
const FILES_PER_MESSAGE = 3;

async function postToResponseUrl(url: string, body: RespondArguments): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`response_url answered ${res.status}`);
}

export function registerSlackHandlers(app: App, deps: HandlerDeps): void {
  const { registry, logger, deliverReply } = deps;
  const budget = deps.ackBudgetMs ?? 2_000;

  const identify = (identity: SlackIdentity, client: WebClient) =>
    identifyPerson(registry, () => deps.resolvePerson({ identity, client }, deps.clock()), { teamId: identity.teamId, userId: identity.userId });

  /** Shared files of this workspace, read with its bot token (none without one). */
  const filesOf = (client: WebClient, token: string | undefined, teamId: string): { files?: SharedFiles } =>
    token ? { files: slackSharedFiles({ client, token, teamId, ...(deps.apiUrl ? { apiUrl: deps.apiUrl } : {}) }) } : {};

  // Events Slack retries (X-Slack-Retry-Num) arrive with a new signature: one run per event_id,
  // across replicas, through the job ledger's unique (job, period) key.
  app.use(async ({ body, next }) => {
    // message.channels brings every message in the bot's channels: only file shares matter,
    // and the rest is dropped here, before anything is written for it.
    const event = (body as { event?: { type?: unknown; subtype?: unknown } }).event;
    if (event?.type === 'message' && event.subtype !== 'file_share') return;
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && eventId) {
      if (!(await firstDelivery(deps.db, 'slack-event', eventId, deps.clock()))) {
        logger.info({ eventId }, 'Slack event already handled; ignoring the retry');
        return;
      }
    }
    await next();
  });

  /**
   * A slash command's text as typed: Slack escapes &, < and > in it (&amp; &lt; &gt;),
   * while its own mentions (<@U1|ana>) arrive unescaped, so undoing the three escapes
   * keeps both a note's "a < b" and the mentions the tokenizer reads.
   */
  const slashText = (text: string) => text.replace(/&(amp|lt|gt);/g, (e) => ({ '&amp;': '&', '&lt;': '<', '&gt;': '>' })[e]!);

  app.command(/^\/[\w-]+$/, async ({ command, ack, respond, client, context }) => {
    const cmd = command as SlashCommand;
    const answer = (async (): Promise<Reply> => {
      const who = await identify(
        { teamId: context.teamId ?? cmd.team_id, teamName: cmd.team_domain, userId: cmd.user_id, userName: cmd.user_name, channelId: cmd.channel_id, channelName: cmd.channel_name },
        client,
      );
      if (!who.ctx) return who.failure;
      return registry.run(who.ctx, `${cmd.command} ${slashText(cmd.text ?? '')}`);
    })();
    // Quick answers go in the ack itself; slow ones are acked empty and follow through response_url.
    const quick = await within(answer, budget);
    if (quick === undefined) await ack();
    await deliverReply(quick ?? (await answer), {
      client,
      userId: cmd.user_id,
      channelId: cmd.channel_id,
      ...(quick !== undefined ? { pending: { kind: 'command' as const, ack: (body?: RespondArguments) => ack(body as never) } } : {}),
      respond,
      triggerId: cmd.trigger_id,
      formOrigin: { channelId: cmd.channel_id, responseUrl: cmd.response_url },
    });
  });

  app.action(/.*/, async ({ ack, body, action, respond, client, context }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button') return;
    const b = body as BlockAction;
    const button = action as ButtonAction;
    const channelId = b.channel?.id ?? b.container?.channel_id;
    const teamId = context.teamId ?? b.team?.id ?? b.user.team_id ?? '';
    const who = await identify({ teamId, userId: b.user.id, userName: b.user.username ?? b.user.name, channelId, channelName: b.channel?.name }, client);
    const reply = who.ctx
      ? await registry.press({ ...who.ctx, ...filesOf(client, context.botToken, teamId) }, actionIdFromSlack(button.action_id), button.value ?? '')
      : who.failure;
    await deliverReply(reply, {
      client,
      userId: b.user.id,
      // App Home has no channel (and no response_url): answers go to the app's messages tab with the user.
      ...(channelId ? { channelId } : {}),
      ...(b.response_url ? { respond } : {}),
      fromMessage: true,
      triggerId: b.trigger_id,
      formOrigin: { channelId: channelId ?? b.user.id, responseUrl: b.response_url ?? '' },
    });
  });

  registerSlackShortcuts(app, { registry, logger, deliverReply, identify });

  app.view(/.*/, async ({ ack, body, view, client, context }) => {
    const submission = body as ViewSubmitAction;
    let meta: Record<string, string> = {};
    try {
      const parsed: unknown = JSON.parse(view.private_metadata || '{}');
      if (parsed && typeof parsed === 'object') meta = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
    } catch {
      meta = {};
    }
    const { responseUrl = '', ...state } = meta;
    const channelId = state.channelId;
    const who = await identify(
      { teamId: context.teamId ?? submission.team?.id ?? submission.user.team_id ?? '', userId: submission.user.id, userName: submission.user.name, channelId },
      client,
    );
    const result = await submitForm(registry, who, { formId: view.callback_id, values: valuesFromView(undefined, view.state as never), state });
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: errorsForSlack(result.errors) });
      return;
    }
    const target = channelId ?? submission.user.id;
    await deliverReply(result.reply, {
      client,
      userId: submission.user.id,
      channelId: target,
      pending: { kind: 'view', ack: (body?: ViewResponseAction) => ack(body) },
      ...(responseUrl ? { respond: (body: RespondArguments) => postToResponseUrl(responseUrl, body) } : {}),
      formOrigin: { channelId: target, responseUrl },
    });
  });

  const events = eventListener(app);
  // Slack Connect: a channel shared with another organisation is a customer channel from now on
  // (core/channel-kinds.ts); unshared, it is what it was linked as again.
  const sharingChanged = async (teamId: string, channel: string, shared: boolean) => {
    deps.channelSharing?.forget(teamId, channel);
    if (await platformSaysShared(deps.db, 'slack', teamId, channel, shared, deps.clock())) logger.info({ teamId, channel, shared }, 'Slack says a channel’s sharing changed');
  };
  events.on('app_home_opened', async ({ event, body, client, context }) => {
    if (event.tab && event.tab !== 'home') return;
    const teamId = context.teamId ?? (body as { team_id?: string }).team_id ?? '';
    const who = await identify({ teamId, userId: event.user }, client);
    const home = who.ctx ? await portfolioHome(who.ctx) : who.failure.messages[0]!;
    const { blocks } = toSlackMessage(home);
    await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: blocks as never } });
  });

  // A CSV shared in a channel with the bot: a dry-run preview in the file's thread, with
  // Import / Cancel buttons (commands/csv-import.ts); problems go privately to the sharer.
  events.on('message', async ({ event, body, client, context }) => {
    const share = fileShareEvent.safeParse(event);
    // Bots' files (our own /export uploads among them) are never offered back for import.
    if (!share.success || share.data.bot_id) return;
    const e = share.data;
    const teamId = context.teamId ?? (body as { team_id?: string }).team_id ?? '';
    const csvs = e.files.filter((f) => looksLikeCsv(f));
    // Slack Connect: a partner organisation's files are not this workspace's to import.
    const ours = csvs.filter((f) => !f.user_team || f.user_team === teamId);
    if (ours.length < csvs.length) logger.info({ teamId, channel: e.channel }, 'CSV shared from another organisation; not offered for import');
    if (ours.length === 0) return;
    const who = await identify({ teamId, userId: e.user, channelId: e.channel }, client);
    for (const f of ours.slice(0, FILES_PER_MESSAGE)) {
      let reply: Reply;
      if (!who.ctx) reply = who.failure;
      else {
        const ctx = { ...who.ctx, ...filesOf(client, context.botToken, teamId) };
        try {
          if (!ctx.files) throw new Error('no bot token to read a shared file with');
          reply = await registry.answerIn(ctx, await previewSharedCsv(ctx, await ctx.files.read(f.id)));
        } catch (err) {
          reply = { messages: [registry.explain(err, undefined, { ctx, fileId: f.id })] };
        }
      }
      await deliverReply(reply, { client, userId: e.user, channelId: e.channel, thread: { ts: e.thread_ts ?? e.ts, joined: e.thread_ts !== undefined } });
    }
  });

  events.on('channel_shared', async ({ event, body, context }) => sharingChanged(teamOf(context, body), event.channel, true));
  events.on('channel_unshared', async ({ event, body, context }) => sharingChanged(teamOf(context, body), event.channel, event.is_ext_shared === true));

  const deactivate = async (teamId: string, why: string) => {
    await deactivateSlackWorkspace(deps.db, teamId, deps.clock());
    logger.info({ teamId, why }, 'Slack workspace deactivated; its data is kept');
  };
  const teamOf = (context: { teamId?: string }, body: unknown) => context.teamId ?? (body as { team_id: string }).team_id;
  events.on('app_uninstalled', async ({ body, context }) => deactivate(teamOf(context, body), 'app_uninstalled'));
  events.on('tokens_revoked', async ({ event, body, context }) => {
    // Only the bot token matters: revoking a user token leaves the app installed.
    if ((event.tokens.bot ?? []).length > 0) await deactivate(teamOf(context, body), 'tokens_revoked');
  });
  events.register();

  app.error(async (error) => {
    // Socket Mode's only refusal of another workspace's request (HTTP refuses it before Bolt).
    const original = (error as { original?: unknown }).original;
    if (original instanceof ForeignWorkspaceError) {
      logger.warn({ ...original.request }, 'refused a Slack request for a workspace this server does not serve');
      return;
    }
    logger.error({ err: error }, 'Slack listener failed');
  });
}
