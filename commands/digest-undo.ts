// The Undo button on /digest schedule and /digest off (src/core/digest-schedule-undo.ts).
import { z } from 'zod';
import { undoDigestSchedule } from '../src/core/digest-schedule-undo.js';
import { UserError } from '../src/core/errors.js';
import { message, text } from '../src/messages/builders.js';
import type { Message } from '../src/messages/message.js';
import { requireAdmin } from './admin.js';
import type { CommandContext } from './context.js';
import type { ActionHandler } from './registry.js';
import { withUndo } from './undo-button.js';
import { undoValue } from './undo-value.js';
import { DAY_NAMES } from './format.js';

/** The confirmation of a schedule change made in ctx's channel at ctx.now, with its Undo button. */
export const withDigestUndo = (ctx: CommandContext, shown: Message): Message =>
  withUndo(ctx, shown, { id: 'digest.undo', value: JSON.stringify({ c: ctx.channel.id, at: ctx.now.toISOString() }), madeAt: ctx.now });

const scheduleValue = z.object({ c: z.string().min(1).max(300), at: z.string().datetime() });

export const DIGEST_UNDO_ACTIONS: Record<string, ActionHandler> = {
  async 'digest.undo'(ctx, value) {
    const target = undoValue(value, scheduleValue);
    if (!target) throw new UserError('That change can no longer be undone from here. See the schedule with /digest schedule.');
    // The schedule is an admin's to change, undone or not.
    await requireAdmin(ctx, 'change the weekly digest');
    const back = await undoDigestSchedule(ctx.db, ctx.workspace.id, { channelId: target.c, at: new Date(target.at) }, { userId: ctx.user.id, now: ctx.now, timezone: ctx.workspace.timezone });
    const said = back.digestEnabled
      ? `Undid the change: the weekly digest is back to every ${back.digestDay ? DAY_NAMES[back.digestDay] : '?'} at ${back.digestTime ?? '?'}${back.timezone ? ` (${back.timezone})` : ''}.`
      : 'Undid the change: the weekly digest is off for this channel again.';
    return { messages: [], update: message(said, [text(`↩️ ${said}`)], { visibility: 'channel' }) };
  },
};
