// What a test reads of a reply: its text as the plain renderer shows it (the new
// version of a pressed message included), and the buttons it carries.
import type { Action, Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';

export const replyText = (reply: Reply): string => [...reply.messages, ...(reply.update ? [reply.update] : [])].map(renderPlain).join('\n');

export const replyButtons = (reply: Reply): Action[] => reply.messages.flatMap((m) => m.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : [])));

/** The reply's Undo button (every confirmation of a change carries one). */
export function undoButton(reply: Reply): Action {
  const undo = replyButtons(reply).find((b) => b.label === 'Undo');
  if (!undo) throw new Error(`no Undo button on: ${replyText(reply)}`);
  return undo;
}
