// The Undo button every confirmation of a change carries (PRODUCT.md: "Every change a
// person makes can be undone by that person for a day"), and the line saying until
// when. The button's action is the change's own (`checkin.undo`, `ticket.undo-open`…),
// its value what it names (an id).
import { formatDateTimeInZone } from '../src/core/time.js';
import { undoUntil } from '../src/core/undo.js';
import { actions, button, context } from '../src/messages/builders.js';
import type { Message } from '../src/messages/message.js';
import type { CommandContext } from './context.js';

/** The message with an Undo button and, under it, until when it works (and `instead`, when given). */
export function withUndo(ctx: CommandContext, shown: Message, action: { id: string; value: string; madeAt: Date; instead?: string }): Message {
  const until = `Undo works for you until ${formatDateTimeInZone(undoUntil(action.madeAt), ctx.workspace.timezone)}.`;
  return { ...shown, blocks: [...shown.blocks, actions([button(action.id, 'Undo', action.value)]), context(action.instead ? `${until} ${action.instead}` : until)] };
}
