// Teams SDK routes: messages to the bot, card button presses and form submits
// (Action.Submit, which Teams sends as a message carrying the card's data), and
// installs / uninstalls. Each one identifies the caller from the activity, calls
// the registry, and answers with cards in the conversation (a channel thread, a
// group chat or the personal chat). Invokes (message extension, Action.Execute)
// are invokes.ts's.
import type { App, IActivityContext } from '@microsoft/teams.apps';
import type { CommandContext } from '../../../commands/context.js';
import { portfolioHome } from '../../../commands/home.js';
import type { Db } from '../../../db/client.js';
import type { Workspace } from '../../core/workspaces.js';
import { platformSaysShared } from '../../core/channel-kinds.js';
import type { Registry } from '../../../commands/registry.js';
import type { Logger } from '../../log.js';
import { context as contextBlock, message, notice, text } from '../../messages/builders.js';
import type { Message, Reply } from '../../messages/message.js';
import { identify as identifyPerson, submitForm, type Identified } from '../requests.js';
import { cardActivity, messageActivity, PRESS_VERB, SUBMIT_VERB, SUBMIT_VERB_KEY } from './cards.js';
import { readSubmission, toFormCard } from './form-card.js';
import { baseConversationId, channelDataOf, identityOf, sharedExternallyOf, type TeamsIdentity } from './identity.js';
import type { InboundActivity } from './inbound.js';
import { commandWithMentions, type MemberLookup } from './mentions.js';
import { scopeOf, type ConversationReferences } from './references.js';
import { isShared, replaceCard as replaceCardOf, type TeamsReplyDelivery, type TeamsTurn } from './reply.js';

export interface TeamsHandlerDeps {
  db: Db;
  registry: Registry;
  logger: Logger;
  clock: () => Date;
  references: ConversationReferences;
  /** The adapter's own: who is asking, and every part of a reply. */
  resolvePerson: (person: TeamsIdentity, now: Date) => Promise<CommandContext>;
  deliverReply: TeamsReplyDelivery;
  /** The SDK's context as the conversation the handlers answer in. */
  turnOf: (ctx: IActivityContext) => TeamsTurn;
  /** A mentioned person's Entra object id, from the Bot connector. */
  lookupMember: (ctx: IActivityContext) => MemberLookup;
  /** Whether the Bot connector lists the person (Teams id) in a stored conversation of the workspace. */
  isMember: (workspace: Workspace, conversationId: string, personId: string) => Promise<boolean>;
  /** The workspace for activities that carry no tenant (the emulator). */
  fallbackTenant: string;
}

/** Who is asking, as a command context (and the conversation remembered for later posts), or an answer saying why not. */
export function identifier(deps: Pick<TeamsHandlerDeps, 'registry' | 'references' | 'resolvePerson' | 'clock' | 'fallbackTenant'>) {
  return (activity: InboundActivity, options: { remember?: boolean; in?: string } = {}): Promise<Identified> => {
    const seen = identityOf(activity, deps.fallbackTenant);
    // `in`: the channel a form came from, when it is sent from the person's personal chat.
    const who: TeamsIdentity = options.in ? { tenantId: seen.tenantId, userId: seen.userId, userName: seen.userName, conversationId: options.in, ...(seen.teamName ? { teamName: seen.teamName } : {}) } : seen;
    return identifyPerson(
      deps.registry,
      async () => {
        const ctx = await deps.resolvePerson(who, deps.clock());
        if (options.remember !== false) await deps.references.remember(ctx.workspace.id, activity);
        return ctx;
      },
      { tenantId: who.tenantId, userId: who.userId },
    );
  };
}

export function registerTeamsHandlers(app: App, deps: TeamsHandlerDeps): void {
  const { registry, logger } = deps;
  const identify = identifier(deps);
  const answer = (turn: TeamsTurn, reply: Reply, ctx?: CommandContext, unreachable: 'notice' | 'drop' = 'notice') => deps.deliverReply(reply, { turn, unreachable, ...(ctx ? { ctx } : {}) });

  /** Card buttons: Action.Submit data carries the registry action id and value. */
  const pressed = async (turn: TeamsTurn, data: Record<string, unknown>) => {
    const who = await identify(turn.activity);
    const id = typeof data.tenureAction === 'string' ? data.tenureAction : '';
    const value = typeof data.tenureValue === 'string' ? data.tenureValue : '';
    const reply = who.ctx ? await registry.press(who.ctx, id, value) : who.failure;
    await answer(turn, reply, who.ctx, 'drop');
  };

  /**
   * The channel a form sent from the personal chat was opened in (its state's
   * channelId), when the person is a member there: the form runs as if sent there,
   * as Slack's modal does, and what the channel should read is posted there.
   */
  const formOrigin = async (turn: TeamsTurn, ctx: CommandContext | undefined, data: Record<string, unknown>): Promise<string | undefined> => {
    const origin = readSubmission(data)?.state.channelId;
    if (!ctx || !origin || isShared(turn.activity) || origin === ctx.channel.id) return undefined;
    return (await deps.isMember(ctx.workspace, origin, turn.activity.from.id)) ? origin : undefined;
  };

  /** Form cards: errors re-render the same card in place; success turns it into a receipt. */
  const submitted = async (turn: TeamsTurn, data: Record<string, unknown>) => {
    const asked = await identify(turn.activity);
    const origin = await formOrigin(turn, asked.ctx, data);
    const who = origin ? await identify(turn.activity, { in: origin, remember: false }) : asked;
    const submission = who.ctx ? readSubmission(data) : undefined;
    const result = await submitForm(registry, who, submission ? { formId: submission.form.id, values: submission.values, state: submission.state } : undefined);
    if (!result.ok) {
      const { form, values, renderable } = submission!;
      if (renderable) {
        await replaceCardOf(turn, cardActivity(toFormCard(form, { errors: result.errors, values }), form.title), logger);
        return;
      }
      // The card keeps what was typed; the errors come as a message under it.
      const labels = new Map(form.fields.map((f) => [f.id, f.label]));
      const lines = Object.entries(result.errors).map(([id, m]) => `• ${labels.has(id) ? `**${labels.get(id)}**: ` : ''}${m}`);
      await answer(turn, { messages: [message('Please fix the form', [text('⚠️ Nothing was saved yet. Please fix these and send the form again:'), text(lines.join('\n'))], { tone: 'error', visibility: 'channel' })] });
      return;
    }
    if (submission && result.ctx && turn.activity.replyToId) {
      const { form } = submission;
      const receipt = message(`${form.title}: done`, [contextBlock(`✓ ${form.title} — sent by ${result.ctx.user.displayName}`)]);
      await replaceCardOf(turn, messageActivity(receipt), logger).catch((err: unknown) => logger.warn({ err }, 'could not mark the form as sent'));
    }
    await deps.deliverReply(result.reply, { turn, ...(result.ctx ? { ctx: result.ctx } : {}), ...(origin ? { publicTo: origin } : {}) });
  };

  app.on('conversationUpdate', async (ctx) => {
    const turn = deps.turnOf(ctx);
    const a = turn.activity;
    const bot = a.recipient.id;
    if ((a.membersAdded ?? []).some((m) => m.id === bot)) await installed(turn, true);
    else if ((a.membersRemoved ?? []).some((m) => m.id === bot)) await uninstalled(turn);
    else if ((a.channelData as { eventType?: unknown } | undefined)?.eventType === 'channelShared') await noteShared(turn);
  });

  /**
   * A shared channel is kept as shared with another organisation as soon as Teams
   * says so (installed there, or the channel shared with another team), not only
   * once someone types a command in it: scheduled posts ask before anyone has.
   */
  const noteShared = async (turn: TeamsTurn) => {
    const who = identityOf(turn.activity, deps.fallbackTenant);
    if (!sharedExternallyOf(turn.activity) && (turn.activity.channelData as { eventType?: unknown } | undefined)?.eventType !== 'channelShared') return;
    await platformSaysShared(deps.db, 'teams', who.tenantId, baseConversationId(turn.activity.conversation.id), true, deps.clock());
  };

  // Teams also sends installationUpdate; the welcome goes out once, on conversationUpdate.
  app.on('installationUpdate', async (ctx) => {
    const turn = deps.turnOf(ctx);
    const action = String(turn.activity.action ?? '');
    if (action === 'add' || action === 'add-upgrade') await installed(turn, false);
    else if (action === 'remove') await uninstalled(turn);
  });

  const installed = async (turn: TeamsTurn, welcome: boolean) => {
    const who = await identify(turn.activity, { remember: false });
    if (!who.ctx) return answer(turn, who.failure);
    await deps.references.remember(who.ctx.workspace.id, turn.activity, { force: true });
    await noteShared(turn);
    logger.info({ workspaceId: who.ctx.workspace.id, scope: scopeOf(turn.activity) }, 'Tenure added to a Teams conversation');
    if (!welcome) return;
    const personal = scopeOf(turn.activity) === 'personal';
    const how = personal
      ? 'Type a command here, e.g. `help`, `account list` or `checkin "Acme Corp" call Walked through the runbook`.'
      : 'Mention me with a command, e.g. `@Tenure help` or `@Tenure checkin "Acme Corp" call Walked through the runbook`. Digests and alerts scheduled here will arrive in this conversation; answers meant for you alone come to your personal chat with me.';
    const hello: Message = message('Tenure is here', [text('👋 **Tenure** keeps your customer-success practice in Teams: check-ins, tickets, surveys, health and renewals.'), text(how)], { visibility: 'channel' });
    const messages = [hello];
    if (personal) messages.push(await portfolioHome(who.ctx));
    await answer(turn, { messages }, who.ctx);
  };

  const uninstalled = async (turn: TeamsTurn) => {
    const who = await identify(turn.activity, { remember: false });
    if (!who.ctx) return;
    const teamId = channelDataOf(turn.activity).team?.id;
    const workspaceId = who.ctx.workspace.id;
    if (teamId) await deps.references.deactivateTeam(workspaceId, teamId);
    else await deps.references.deactivate(workspaceId, who.ctx.channel.id);
    logger.info({ workspaceId, teamId, conversationId: who.ctx.channel.id }, 'Tenure removed from a Teams conversation; its references are inactive');
  };

  // Text to the bot, or an Action.Submit from one of our cards (a message with a value).
  app.on('message', async (ctx) => {
    const turn = deps.turnOf(ctx);
    const a = turn.activity;
    const value = a.value && typeof a.value === 'object' ? (a.value as Record<string, unknown>) : undefined;
    if (value?.[SUBMIT_VERB_KEY] === PRESS_VERB) return pressed(turn, value);
    if (value?.[SUBMIT_VERB_KEY] === SUBMIT_VERB) return submitted(turn, value);
    if (!a.text && value) {
      // A card from before a change of format, or from another app.
      await answer(turn, { messages: [notice('⚠️ That button is no longer available. Run the command again.', { tone: 'error', visibility: 'channel' })] });
      return;
    }
    const who = await identify(a);
    const reply = who.ctx ? await registry.run(who.ctx, await commandWithMentions(a, deps.lookupMember(ctx))) : who.failure;
    await answer(turn, reply, who.ctx);
  });
}
