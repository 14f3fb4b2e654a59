// Plain-text rendering of a neutral message: the console's `text`, logs, tests.
import type { Block, Message } from './message.js';

/** Drops the light markup (**bold**, `code`) for plain text. */
export function stripMarkup(value: string): string {
  return value.replace(/\*\*(.+?)\*\*/gs, '$1').replace(/`([^`]+)`/g, '$1');
}

function blockText(block: Block): string {
  switch (block.kind) {
    case 'header':
      return stripMarkup(block.text);
    case 'text':
    case 'context':
      return stripMarkup(block.text);
    case 'fields':
      return block.fields.map((f) => `${f.label}: ${stripMarkup(f.value)}`).join('\n');
    case 'actions':
      return block.actions.map((a) => `[${a.label}]`).join(' ');
    case 'divider':
      return '---';
  }
}

export function renderPlain(message: Message): string {
  return message.blocks.map(blockText).join('\n');
}
