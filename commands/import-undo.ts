// The Undo button on the confirmation of a CSV imported from chat
// (src/data/import-undo.ts does the work). Its value is the import's id.
import { UserError } from '../src/core/errors.js';
import { isUuid } from '../src/core/ids.js';
import { undoImport, type ImportUndone } from '../src/data/import-undo.js';
import { message, text } from '../src/messages/builders.js';
import type { Message } from '../src/messages/message.js';
import { FIELD_WORDS } from './account-undo.js';
import type { CommandContext } from './context.js';
import type { ActionHandler } from './registry.js';
import { withUndo } from './undo-button.js';

export const IMPORT_UNDO = 'csv-import.undo';

/** The confirmation of import `importId`, made at `madeAt`, with its Undo button. */
export const withImportUndo = (ctx: CommandContext, shown: Message, importId: string, madeAt: Date): Message =>
  withUndo(ctx, shown, { id: IMPORT_UNDO, value: importId, madeAt, instead: 'Accounts that get check-ins, tickets or other changes meanwhile are kept.' });

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "Undid the import of accounts.csv: removed 12 new accounts, put back 3 changed ones; 1 kept because a check-in was logged since: Acme Corp." */
export function undoneInWords(u: ImportUndone): string {
  const parts: string[] = [];
  if (u.removed > 0) parts.push(`removed ${plural(u.removed, 'new account', 'new accounts')}`);
  if (u.restored > 0) parts.push(`put back ${plural(u.restored, 'changed one', 'changed ones')}`);
  if (u.contactsRemoved > 0) parts.push(`removed ${plural(u.contactsRemoved, 'contact', 'contacts')} it added`);
  if (u.readingsRemoved > 0) parts.push(`removed ${plural(u.readingsRemoved, 'usage reading', 'usage readings')}`);
  if (parts.length === 0) parts.push('nothing could be taken back');
  const kept = new Map<string, string[]>();
  for (const k of u.kept) kept.set(k.why, [...(kept.get(k.why) ?? []), k.name]);
  const notes = [...kept].map(([why, names]) => `${names.length} kept because ${why}: ${names.join(', ')}`);
  const moved = u.leftAsIs.filter((l) => !l.problem);
  if (moved.length > 0) {
    const names = moved.map((l) => `${l.name} (${l.changedSince.map((k) => FIELD_WORDS[k] ?? k).join(', ')})`);
    notes.push(`${moved.length} left as ${moved.length === 1 ? 'it is because it' : 'they are because they'} changed since: ${names.join(', ')}`);
  }
  for (const l of u.leftAsIs.filter((x) => x.problem)) notes.push(`${l.name} left as it is: ${l.problem!.replace(/\.$/, '')}`);
  return `Undid the import of ${u.file}: ${parts.join(', ')}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}.`;
}

export const IMPORT_UNDO_ACTIONS: Record<string, ActionHandler> = {
  async [IMPORT_UNDO](ctx, value) {
    if (!isUuid(value)) throw new UserError('That import can no longer be undone from here.', { hint: 'Change accounts one at a time with /account set "<name>" key=value.' });
    const undone = await undoImport(ctx.db, ctx.workspace.id, value, { userId: ctx.user.id, now: ctx.now, timezone: ctx.workspace.timezone });
    const said = undoneInWords(undone);
    return { messages: [], update: message(said, [text(`↩️ ${said}`)], { visibility: 'channel' }) };
  },
};
