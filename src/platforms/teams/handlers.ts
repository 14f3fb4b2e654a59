// Teams AI routes: messages to the bot, card button presses and form submits
// (Action.Submit, routed on their verb), and installs / uninstalls. Each one
// identifies the caller from the activity, calls the registry, and answers with
// cards in the conversation (a channel thread, a group chat or the personal chat).
import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import type { CommandContext } from '../../../commands/context.js';
import { portfolioHome } from '../../../commands/home.js';
import type { Registry } from '../../../commands/registry.js';
import type { Db } from '../../../db/client.js';
import type { Logger } from '../../log.js';
import { context as contextBlock, message, notice, text } from '../../messages/builders.js';
import type { Message, Reply } from '../../messages/message.js';
import { cardActivity, messageActivity, PRESS_VERB, SUBMIT_VERB } from './cards.js';
import type { TeamsDelivery } from './delivery.js';
import { downloadsActivity, type TeamsDownloads } from './downloads.js';
import { readSubmission, toFormCard } from './form-card.js';
import { channelDataOf, commandText, identityOf, teamsContext, tenantOf } from './identity.js';
import { scopeOf, type ConversationReferences } from './references.js';

export interface TeamsHandlerDeps {
  db: Db;
  registry: Registry;
  logger: Logger;
  timezone: string;
  clock: () => Date;
  references: ConversationReferences;
  delivery: TeamsDelivery;
  /** The workspace for activities that carry no tenant (the emulator). */
  fallbackTenant: string;
  /** A single-tenant bot answers only its own tenant. */
  onlyTenant?: string;
  /** Exports arrive as signed download links. */
  downloads?: TeamsDownloads;
}

type Turn = { ctx: CommandContext; failure?: undefined } | { ctx?: undefined; failure: Reply };

export function registerTeamsHandlers(app: Application, deps: TeamsHandlerDeps): void {
  const { registry, logger } = deps;

  /** A command context (and the conversation remembered for later posts), or an answer saying why not. */
  const identify = async (turn: TurnContext, options: { remember?: boolean } = {}): Promise<Turn> => {
    const who = identityOf(turn.activity, deps.fallbackTenant);
    try {
      const ctx = await teamsContext(deps.db, who, { timezone: deps.timezone, now: deps.clock() });
      if (options.remember !== false) await deps.references.remember(ctx.workspace.id, turn.activity);
      return { ctx };
    } catch (err) {
      return { failure: { messages: [registry.explain(err, undefined, { tenantId: who.tenantId, userId: who.userId })] } };
    }
  };

  /** Replaces the card a button or submit came from; where Teams cannot (or there is none), posts it instead. */
  const replaceCard = async (turn: TurnContext, activity: ReturnType<typeof cardActivity>) => {
    const id = turn.activity.replyToId;
    if (id) {
      try {
        await turn.updateActivity({ ...activity, id });
        return;
      } catch (err) {
        logger.warn({ err }, 'could not update the card in place; sending it again');
      }
    }
    await turn.sendActivity(activity);
  };

  const answer = async (turn: TurnContext, reply: Reply, ctx?: CommandContext) => {
    if (reply.update) await replaceCard(turn, messageActivity(reply.update));
    if (reply.form) await turn.sendActivity(cardActivity(toFormCard(reply.form), reply.form.title));
    for (const m of reply.messages) await turn.sendActivity(messageActivity(m));
    if (!ctx) return;
    if (reply.files?.length && deps.downloads) {
      const card = downloadsActivity(turn, deps.downloads, ctx.workspace.id, reply.files, ctx.now);
      if (card) await turn.sendActivity(card);
    }
    for (const delivery of reply.deliveries ?? []) {
      try {
        await deps.delivery.postToConversation(ctx.workspace, delivery.channelId, delivery.message);
      } catch (err) {
        logger.error({ err, workspaceId: ctx.workspace.id, channelId: delivery.channelId }, 'could not deliver a message to Teams');
      }
    }
  };

  // A single-tenant bot ignores other tenants' traffic before anything is written.
  app.turn('beforeTurn', async (turn) => {
    const tenant = tenantOf(turn.activity);
    if (deps.onlyTenant && tenant && tenant !== deps.onlyTenant) {
      logger.warn({ tenant, type: turn.activity.type }, 'Teams activity from another tenant ignored');
      return false;
    }
    return true;
  });

  // Card buttons: Action.Submit data carries the registry action id and value.
  app.adaptiveCards.actionSubmit(PRESS_VERB, async (turn, _state, data: Record<string, unknown>) => {
    const who = await identify(turn);
    const id = typeof data.tenureAction === 'string' ? data.tenureAction : '';
    const value = typeof data.tenureValue === 'string' ? data.tenureValue : '';
    const reply = who.ctx ? await registry.press(who.ctx, id, value) : who.failure;
    await answer(turn, reply, who.ctx);
  });

  // Form cards: errors re-render the same card in place; success turns it into a receipt.
  app.adaptiveCards.actionSubmit(SUBMIT_VERB, async (turn, _state, data: Record<string, unknown>) => {
    const who = await identify(turn);
    if (!who.ctx) return answer(turn, who.failure);
    const submission = readSubmission(data);
    if (!submission) {
      await answer(turn, { messages: [notice('⚠️ That form is no longer available. Run the command again.', { tone: 'error' })] });
      return;
    }
    const { form, values, state, renderable } = submission;
    const result = await registry.submit(who.ctx, form.id, values, state);
    if (!result.ok && renderable) {
      await replaceCard(turn, cardActivity(toFormCard(form, { errors: result.errors, values }), form.title));
      return;
    }
    if (!result.ok) {
      // The card keeps what was typed; the errors come as a message under it.
      const labels = new Map(form.fields.map((f) => [f.id, f.label]));
      const lines = Object.entries(result.errors).map(([id, m]) => `• ${labels.has(id) ? `**${labels.get(id)}**: ` : ''}${m}`);
      await answer(turn, { messages: [message('Please fix the form', [text('⚠️ Nothing was saved yet. Please fix these and send the form again:'), text(lines.join('\n'))], { tone: 'error' })] });
      return;
    }
    if (turn.activity.replyToId) {
      const receipt = message(`${form.title}: done`, [contextBlock(`✓ ${form.title} — sent by ${who.ctx.user.displayName}`)]);
      await replaceCard(turn, messageActivity(receipt)).catch((err: unknown) => logger.warn({ err }, 'could not mark the form as sent'));
    }
    await answer(turn, result.reply, who.ctx);
  });

  app.activity(ActivityTypes.ConversationUpdate, async (turn) => {
    const a = turn.activity;
    const bot = a.recipient?.id;
    if ((a.membersAdded ?? []).some((m) => m.id === bot)) await installed(turn, true);
    else if ((a.membersRemoved ?? []).some((m) => m.id === bot)) await uninstalled(turn);
  });

  // Teams also sends installationUpdate; the welcome goes out once, on conversationUpdate.
  app.activity(ActivityTypes.InstallationUpdate, async (turn) => {
    const action = String(turn.activity.action ?? '');
    if (action === 'add' || action === 'add-upgrade') await installed(turn, false);
    else if (action === 'remove') await uninstalled(turn);
  });

  const installed = async (turn: TurnContext, welcome: boolean) => {
    const who = await identify(turn, { remember: false });
    if (!who.ctx) return answer(turn, who.failure);
    await deps.references.remember(who.ctx.workspace.id, turn.activity, { force: true });
    logger.info({ workspaceId: who.ctx.workspace.id, scope: scopeOf(turn.activity) }, 'Tenure added to a Teams conversation');
    if (!welcome) return;
    const personal = scopeOf(turn.activity) === 'personal';
    const how = personal
      ? 'Type a command here, e.g. `help`, `account list` or `checkin "Acme Corp" call Walked through the runbook`.'
      : 'Mention me with a command, e.g. `@Tenure help` or `@Tenure checkin "Acme Corp" call Walked through the runbook`. Digests and alerts scheduled here will arrive in this conversation.';
    const hello: Message = message('Tenure is here', [text('👋 **Tenure** keeps your customer-success practice in Teams: check-ins, tickets, surveys, health and renewals.'), text(how)]);
    const messages = [hello];
    if (personal) messages.push(await portfolioHome(who.ctx));
    await answer(turn, { messages }, who.ctx);
  };

  const uninstalled = async (turn: TurnContext) => {
    const who = await identify(turn, { remember: false });
    if (!who.ctx) return;
    const teamId = channelDataOf(turn.activity).team?.id;
    const workspaceId = who.ctx.workspace.id;
    if (teamId) await deps.references.deactivateTeam(workspaceId, teamId);
    else await deps.references.deactivate(workspaceId, who.ctx.channel.id);
    logger.info({ workspaceId, teamId, conversationId: who.ctx.channel.id }, 'Tenure removed from a Teams conversation; its references are inactive');
  };

  // Text to the bot (the @mention already removed by Teams AI): the same commands as everywhere.
  app.activity(ActivityTypes.Message, async (turn) => {
    const a = turn.activity;
    if (!a.text && a.value && typeof a.value === 'object') {
      // A card from before a change of format, or from another app.
      await answer(turn, { messages: [notice('⚠️ That button is no longer available. Run the command again.', { tone: 'error' })] });
      return;
    }
    const who = await identify(turn);
    const reply = who.ctx ? await registry.run(who.ctx, commandText(a.text)) : who.failure;
    await answer(turn, reply, who.ctx);
  });
}
