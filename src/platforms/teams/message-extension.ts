// Tenure's message extension (manifest/teams: composeExtensions): "Find account"
// searches the workspace's accounts and inserts an account's card into the message
// being written; "Log as check-in", on a message's menu, opens the check-in form in a
// dialog, prefilled with the message's text, author and link and the conversation's
// account (commands/checkin-from-message.ts), and logs it on submit. Every invoke
// gets a non-empty answer (invokes.ts).
import { channelStanding, kindOf } from '../../core/channel-kinds.js';
import { mayPostPublicly } from '../../core/posting-rule.js';
import type { App, IActivityContext } from '@microsoft/teams.apps';
import { CHECKIN_FROM_MESSAGE } from '../../../commands/checkin-from-message.js';
import type { CommandContext } from '../../../commands/context.js';
import { customerChannelName } from '../../../commands/customer-channel.js';
import { accountNames } from '../../core/accounts.js';
import type { Form, Message, Reply } from '../../messages/message.js';
import { renderPlain } from '../../messages/plain.js';
import { submitForm } from '../requests.js';
import { plainTitle, toAdaptiveCard, type AdaptiveCard } from './cards.js';
import { readSubmission, toFormCard } from './form-card.js';
import type { InboundActivity } from './inbound.js';
import { LOG_CHECKIN_COMMAND } from './extension-commands.js';
import type { TeamsInvokeDeps } from './invokes.js';

const RESULTS = 10;
const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

/** What Teams sends with a message action: the message the person picked. */
interface MessagePayload {
  body?: { contentType?: string; content?: string };
  from?: { user?: { displayName?: string } };
  linkToMessage?: string;
}

interface ExtensionValue {
  commandId?: string;
  parameters?: { name?: string; value?: unknown }[];
  messagePayload?: MessagePayload;
  data?: unknown;
}

const valueOf = (activity: InboundActivity): ExtensionValue => (activity.value && typeof activity.value === 'object' ? (activity.value as ExtensionValue) : {});

/** A message's HTML body as the plain text a note keeps: line breaks kept, tags dropped, entities decoded. */
export function messageText(body: MessagePayload['body']): string {
  const content = body?.content ?? '';
  if (body?.contentType !== 'html') return content.trim();
  return content
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6])>/gi, '\n')
    .replace(/<[^<>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const dialog = (title: string, card: AdaptiveCard) => ({
  task: { type: 'continue' as const, value: { title: plainTitle(title, 60), width: 'medium' as const, card: { contentType: ADAPTIVE, content: card } } },
});
const closing = (text: string) => ({ task: { type: 'message' as const, value: plainTitle(text, 500) } });
const summaryOf = (messages: Message[]) => messages.map((m) => renderPlain(m)).join('\n') || 'Done.';

export function registerMessageExtension(app: App, deps: TeamsInvokeDeps): void {
  const { registry, logger } = deps;
  /** Extensions run where the bot may not be a member: their conversations are not stored for posts. */
  const who = (ctx: IActivityContext) => deps.identify(ctx.activity as unknown as InboundActivity, { remember: false });

  app.on('message.ext.query', async (ctx) => {
    const identified = await who(ctx);
    if (!identified.ctx) return { composeExtension: { type: 'message', text: summaryOf(identified.failure.messages) } };
    // What may be posted where is the posting rule's (core/posting-rule.ts): a card the customer would read in
    // their own channel must be written for them, and an account card (health, ARR, renewal risk) is not.
    const here = await channelStanding(identified.ctx.db, identified.ctx.workspace.id, identified.ctx.channel.id);
    const kind = kindOf(here.linkedAs, here.sharedExternally || identified.ctx.channel.sharedExternally === true);
    const refused = { composeExtension: { type: 'message' as const, text: `This is ${customerChannelName(here)}: the customer would read an account card (health, ARR, renewal risk), so none is inserted here. Search from one of your team’s channels.` } };
    const typed = String(valueOf(ctx.activity as unknown as InboundActivity).parameters?.find((p) => p.name === 'query' || p.name === 'name')?.value ?? '').trim();
    const names = (await accountNames(identified.ctx.db, identified.ctx.workspace.id)).filter((n) => n.toLowerCase().includes(typed.toLowerCase())).slice(0, RESULTS);
    const attachments = [];
    for (const name of names) {
      const card = (await registry.run(identified.ctx, `account "${name.replace(/"/g, '\\"')}"`)).messages[0];
      if (!card) continue;
      if (!mayPostPublicly(kind, card)) return refused;
      attachments.push({
        contentType: ADAPTIVE,
        content: toAdaptiveCard({ ...card, visibility: 'channel' }),
        preview: { contentType: 'application/vnd.microsoft.card.thumbnail', content: { title: plainTitle(name, 80), text: plainTitle(card.text, 120) } },
      });
    }
    if (attachments.length === 0) {
      const text = typed ? `No account matches "${plainTitle(typed, 60)}". Add it with /account add, e.g. /account add "Acme Corp" arr=$120k` : 'No accounts yet. Add one with /account add "Acme Corp" arr=$120k';
      return { composeExtension: { type: 'message', text } };
    }
    return { composeExtension: { type: 'result', attachmentLayout: 'list', attachments } };
  });

  // "Log as check-in": the dialog with the form, prefilled from the message.
  app.on('message.ext.open', async (ctx) => {
    const activity = ctx.activity as unknown as InboundActivity;
    const value = valueOf(activity);
    if (value.commandId !== LOG_CHECKIN_COMMAND) return closing('That action is no longer available. Update Tenure in Teams and try again.');
    const identified = await who(ctx);
    if (!identified.ctx) return closing(summaryOf(identified.failure.messages));
    const payload = value.messagePayload ?? {};
    const picked = {
      text: messageText(payload.body),
      ...(payload.from?.user?.displayName ? { authorName: payload.from.user.displayName } : {}),
      ...(payload.linkToMessage && /^https:\/\//.test(payload.linkToMessage) ? { link: payload.linkToMessage } : {}),
    };
    const reply = await registry.press(identified.ctx, CHECKIN_FROM_MESSAGE, JSON.stringify(picked));
    return reply.form ? dialog(reply.form.title, toFormCard(reply.form)) : closing(summaryOf(reply.messages));
  });

  // The dialog's form sent: errors re-render it in the dialog; success closes it with what was logged.
  app.on('message.ext.submit', async (ctx) => {
    const activity = ctx.activity as unknown as InboundActivity;
    const identified = await who(ctx);
    const submission = identified.ctx ? readSubmission(valueOf(activity).data) : null;
    const result = await submitForm(registry, identified, submission ? { formId: submission.form.id, values: submission.values, state: submission.state } : undefined);
    if (!result.ok) {
      const { form, values } = submission!;
      return dialog(form.title, toFormCard(form as Form, { errors: result.errors, values }));
    }
    await deliverRest(result.reply, result.ctx);
    return closing(summaryOf(result.reply.messages));

    /** Deliveries elsewhere (an owner's alert) still go out; the answer itself is the dialog's closing line. */
    async function deliverRest(reply: Reply, commandCtx: CommandContext | undefined) {
      if (!commandCtx || !(reply.deliveries?.length)) return;
      await deps.deliverReply({ messages: [], deliveries: reply.deliveries }, { turn: deps.turnOf(ctx), ctx: commandCtx }).catch((err: unknown) => logger.warn({ err }, 'could not deliver what a check-in from a message sent elsewhere'));
    }
  });
}
