// Teams AI routes: messages to the bot, card button presses and form submits
// (Action.Submit, routed on their verb), and installs / uninstalls. Each one
// identifies the caller from the activity, calls the registry, and answers with
// cards in the conversation (a channel thread, a group chat or the personal chat).
import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import type { CommandContext } from '../../../commands/context.js';
import { portfolioHome } from '../../../commands/home.js';
import type { Registry } from '../../../commands/registry.js';
import type { Logger } from '../../log.js';
import { context as contextBlock, message, notice, text } from '../../messages/builders.js';
import type { Message, Reply } from '../../messages/message.js';
import { identify as identifyPerson, submitForm, type Identified } from '../requests.js';
import { cardActivity, messageActivity, PRESS_VERB, SUBMIT_VERB } from './cards.js';
import { readSubmission, toFormCard } from './form-card.js';
import { channelDataOf, commandText, identityOf, tenantOf, type TeamsIdentity } from './identity.js';
import { scopeOf, type ConversationReferences } from './references.js';
import { replaceCard as replaceCardOf, type TeamsReplyDelivery } from './reply.js';

export interface TeamsHandlerDeps {
  registry: Registry;
  logger: Logger;
  clock: () => Date;
  references: ConversationReferences;
  /** The adapter's own: who is asking, and every part of a reply. */
  resolvePerson: (person: TeamsIdentity, now: Date) => Promise<CommandContext>;
  deliverReply: TeamsReplyDelivery;
  /** The workspace for activities that carry no tenant (the emulator). */
  fallbackTenant: string;
  /** A single-tenant bot answers only its own tenant. */
  onlyTenant?: string;
}

export function registerTeamsHandlers(app: Application, deps: TeamsHandlerDeps): void {
  const { registry, logger } = deps;

  /** A command context (and the conversation remembered for later posts), or an answer saying why not. */
  const identify = (turn: TurnContext, options: { remember?: boolean } = {}): Promise<Identified> => {
    const who = identityOf(turn.activity, deps.fallbackTenant);
    return identifyPerson(
      registry,
      async () => {
        const ctx = await deps.resolvePerson(who, deps.clock());
        if (options.remember !== false) await deps.references.remember(ctx.workspace.id, turn.activity);
        return ctx;
      },
      { tenantId: who.tenantId, userId: who.userId },
    );
  };

  const replaceCard = (turn: TurnContext, activity: ReturnType<typeof cardActivity>) => replaceCardOf(turn, activity, logger);
  const answer = (turn: TurnContext, reply: Reply, ctx?: CommandContext) => deps.deliverReply(reply, { turn, ...(ctx ? { ctx } : {}) });

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
    const submission = who.ctx ? readSubmission(data) : undefined;
    const result = await submitForm(registry, who, submission ? { formId: submission.form.id, values: submission.values, state: submission.state } : undefined);
    if (!result.ok) {
      const { form, values, renderable } = submission!;
      if (renderable) {
        await replaceCard(turn, cardActivity(toFormCard(form, { errors: result.errors, values }), form.title));
        return;
      }
      // The card keeps what was typed; the errors come as a message under it.
      const labels = new Map(form.fields.map((f) => [f.id, f.label]));
      const lines = Object.entries(result.errors).map(([id, m]) => `• ${labels.has(id) ? `**${labels.get(id)}**: ` : ''}${m}`);
      await answer(turn, { messages: [message('Please fix the form', [text('⚠️ Nothing was saved yet. Please fix these and send the form again:'), text(lines.join('\n'))], { tone: 'error' })] });
      return;
    }
    if (submission && result.ctx && turn.activity.replyToId) {
      const { form } = submission;
      const receipt = message(`${form.title}: done`, [contextBlock(`✓ ${form.title} — sent by ${result.ctx.user.displayName}`)]);
      await replaceCard(turn, messageActivity(receipt)).catch((err: unknown) => logger.warn({ err }, 'could not mark the form as sent'));
    }
    await answer(turn, result.reply, result.ctx);
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
