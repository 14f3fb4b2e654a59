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

/**
 * Mention markup `@{id|name}`. The second branch takes the rest of an unfinished
 * mention (`@{id` or `@{id|name` without its `}`) in one step and leaves it as it is:
 * no mention can start inside it, and trying each `@{` of a long run of them again
 * would be quadratic. Only the first branch sets the groups.
 */
const MENTION_MARKUP = /@\{(?:([^|}\n]+)\|([^}\n]*)\}|[^|}\n]+(?:\|[^}\n]*)?)/g;

/** Mention markup `@{id|name}` → `@name`, for renderers that cannot notify a person. */
export function mentionsAsNames(value: string): string {
  return value.replace(MENTION_MARKUP, (whole, _id: string | undefined, name: string | undefined) => (name === undefined ? whole : `@${name}`));
}

/**
 * Text on one line: each run of white space with a line break in it becomes one
 * space. A run is matched from its first character only (the look-behind), so a
 * long run without a line break is read once, not once per character.
 */
export function oneLine(value: string): string {
  return value.replace(/(?<!\s)\s*\n\s*/g, ' ');
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
