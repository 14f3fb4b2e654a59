// The Undo buttons on /survey nps|csat (the survey is withdrawn) and /survey close (it
// is open again); src/core/survey-undo.ts does the work and says when it may not. The
// survey's own message cannot be changed from here (a platform lets a press replace
// only the message it was on): the channel is told instead, and a click on a withdrawn
// survey replaces it (commands/survey.ts).
import { z } from 'zod';
import { UserError } from '../src/core/errors.js';
import { isUuid } from '../src/core/ids.js';
import { partnerNameFor } from '../src/core/settings.js';
import { reopenSurvey, withdrawSurvey } from '../src/core/survey-undo.js';
import type { Survey } from '../src/core/surveys.js';
import { formatDay, localDate } from '../src/core/time.js';
import { context, message, text } from '../src/messages/builders.js';
import type { Message } from '../src/messages/message.js';
import type { CommandContext } from './context.js';
import { inCustomerChannel } from './customer-channel.js';
import type { ActionHandler } from './registry.js';
import { reopenedMessage, withdrawnMessage } from './survey-messages.js';
import { withUndo } from './undo-button.js';
import { undoValue } from './undo-value.js';

/** The private note to whoever started `survey`, with its Undo button (the survey is withdrawn). */
export const withStartUndo = (ctx: CommandContext, shown: Message, survey: Survey): Message =>
  withUndo(ctx, shown, { id: 'survey.undo-start', value: survey.id, madeAt: ctx.now, instead: 'Once someone has answered, close it instead.' });

/** The confirmation of closing `survey` at ctx.now, with its Undo button (it opens again). */
export const withCloseUndo = (ctx: CommandContext, shown: Message, survey: Survey): Message =>
  withUndo(ctx, shown, { id: 'survey.undo-close', value: JSON.stringify({ s: survey.id, at: ctx.now.toISOString() }), madeAt: ctx.now });

const closeValue = z.object({ s: z.string().refine(isUuid), at: z.string().datetime() });

const actor = (ctx: CommandContext) => ({ userId: ctx.user.id, now: ctx.now, timezone: ctx.workspace.timezone });

export const SURVEY_UNDO_ACTIONS: Record<string, ActionHandler> = {
  async 'survey.undo-start'(ctx, value) {
    if (!isUuid(value)) throw new UserError('That survey can no longer be withdrawn from here. See /survey list.');
    const { survey, accountName } = await withdrawSurvey(ctx.db, ctx.workspace.id, value, actor(ctx));
    const said = `Withdrew survey #${survey.number} about ${accountName}: nobody had answered, it takes no answers now and counts nowhere.`;
    // Where the survey was posted, whoever can see it is told it is withdrawn.
    const here = survey.channelId === ctx.channel.id;
    return {
      messages: here ? [withdrawnMessage(partnerNameFor(ctx.workspace))] : [],
      update: message(said, [text(`↩️ ${said}`), context('A click on the survey now says it was withdrawn and takes its buttons away.')]),
    };
  },
  async 'survey.undo-close'(ctx, value) {
    const target = undoValue(value, closeValue);
    if (!target) throw new UserError('That closing can no longer be undone from here. See /survey list.');
    const { survey, accountName } = await reopenSurvey(ctx.db, ctx.workspace.id, { surveyId: target.s, at: new Date(target.at) }, actor(ctx));
    const said = `Undid closing survey #${survey.number} about ${accountName}: it is open again until ${formatDay(localDate(survey.closesAt, ctx.workspace.timezone))}.`;
    // Told of the closing where the customer reads (commands/survey.ts close), they are told of the reopening there too.
    const closedHere = survey.channelId === ctx.channel.id && (await inCustomerChannel(ctx));
    return {
      messages: closedHere ? [reopenedMessage(survey, partnerNameFor(ctx.workspace), ctx.workspace.timezone)] : [],
      update: message(said, [text(`↩️ ${said}`), context(`Close it again with /survey close ${survey.number}.`)], { visibility: 'channel' }),
    };
  },
};
