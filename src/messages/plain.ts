// Plain-text rendering of a neutral message: the console's `text`, logs, tests.
import type { Block, Message } from './message.js';

const ELLIPSIS = '…';

/** Cuts to at most `max` UTF-16 units, ending in "…", never splitting a surrogate pair (every renderer's limits). */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  let cut = max - ELLIPSIS.length;
  if (cut > 0 && /[\uD800-\uDBFF]/.test(value.charAt(cut - 1))) cut -= 1;
  return value.slice(0, Math.max(cut, 0)) + ELLIPSIS;
}

/** Mention markup `@{id|name}` → `@name`, for renderers that cannot notify a person. */
export function mentionsAsNames(value: string): string {
  return value.replace(/@\{([^|}\n]+)\|([^}\n]*)\}/g, '@$2');
}

/** Drops the light markup (**bold**, `code`) for plain text. */
export function stripMarkup(value: string): string {
  return mentionsAsNames(value).replace(/\*\*(.+?)\*\*/gs, '$1').replace(/`([^`]+)`/g, '$1');
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
