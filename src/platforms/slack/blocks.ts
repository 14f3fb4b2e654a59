// Slack's renderer: neutral Message → Block Kit (forms live in modal.ts). Pure; only
// types come from @slack/types. User text is escaped for mrkdwn (&, <, > only) before
// the light markup (**bold**, `code`, "> " quotes) becomes Slack's; plain_text fields
// are never escaped, since Slack shows them literally. Every Block Kit limit is applied
// here so no message or modal is rejected for its size.
import type {
  ActionsBlock,
  Button,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  PlainTextElement,
  SectionBlock,
} from '@slack/types';
import type { Action, Block, Message } from '../../messages/message.js';
import { mentionsAsNames, oneLine, stripMarkup, truncate } from '../../messages/plain.js';

export type SlackBlock = HeaderBlock | SectionBlock | ContextBlock | ActionsBlock | DividerBlock;

/** Block Kit limits (docs.slack.dev block and element references). */
export const SLACK_LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  fallbackText: 3000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
} as const;

const ELLIPSIS = '…';

// Shared with the other renderers; re-exported for modal.ts and the tests.
export { truncate };

/** As truncate, for escaped mrkdwn: a cut never leaves half an entity (`&am`). */
export function truncateMrkdwn(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = truncate(value, max).slice(0, -ELLIPSIS.length);
  return cut.replace(/&[a-z]*$/, '') + ELLIPSIS;
}

/** The three characters Slack treats as control characters in mrkdwn. */
export function escapeMrkdwn(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Characters any of the rewrites below acts on; a line without them reads the same in mrkdwn. */
const MRKDWN_SPECIAL = /[&<>`@*\u0000]|^>/;
/** `@{U123|name}` of a Slack user; the second branch as in MENTION_MARKUP (messages/plain.ts). */
const SLACK_MENTION = /@\{(?:([UW][A-Z0-9]{2,})\|[^}\n]*\}|[UW][A-Z0-9]{2,}\|[^}\n]*)/g;

/** One line: escape, keep code spans literal, **bold** → *bold*; "> " leads a real quote. */
function lineToMrkdwn(line: string): string {
  // Most lines of an answer ("• Adoption 72% …") need none of it: eight regular
  // expressions per line showed under load.
  if (!MRKDWN_SPECIAL.test(line)) return line;
  const quoted = /^> ?/.test(line);
  const escaped = escapeMrkdwn(quoted ? line.replace(/^> ?/, '') : line);
  const spans: string[] = [];
  // NUL marks where code spans were held so bold never reaches inside them.
  const held = escaped.replace(/\u0000/g, '\uFFFD').replace(/`([^`]+)`/g, (_m, code: string) => `\u0000${spans.push(code) - 1}\u0000`);
  // A mention of a Slack user notifies them; anything else shows as @name. An unfinished
  // Slack mention is taken whole and kept (see MENTION_MARKUP in messages/plain.ts).
  const body = mentionsAsNames(held.replace(SLACK_MENTION, (whole, id: string | undefined) => (id === undefined ? whole : `<@${id}>`)))
    .replace(/\*\*(.+?)\*\*/g, '*$1*')
    .replace(/\u0000(\d+)\u0000/g, (_m, i: string) => `\`${spans[Number(i)]}\``);
  return quoted ? `> ${body}` : body;
}

/** Neutral light markup → Slack mrkdwn, line by line. */
export function toMrkdwn(value: string): string {
  return value.split('\n').map(lineToMrkdwn).join('\n');
}

export const plain = (text: string): PlainTextElement => ({ type: 'plain_text', text });

/** A plain_text label: markup dropped (plain_text cannot show it), not escaped, cut to `max`. */
export function plainLabel(value: string, max: number): string {
  return truncate(oneLine(stripMarkup(value)).trim(), max);
}

/** Splits one over-long mrkdwn line at whitespace (or hard), never inside an entity; quotes stay quotes. */
function splitLongLine(line: string, max: number): string[] {
  const quote = line.startsWith('> ') ? '> ' : '';
  let rest = quote ? line.slice(2) : line;
  const room = max - quote.length;
  const pieces: string[] = [];
  while (rest.length > room) {
    let cut = rest.lastIndexOf(' ', room);
    if (cut < room / 2) cut = room;
    const entity = /&[a-z]*$/.exec(rest.slice(0, cut));
    if (entity && cut === room) cut = entity.index;
    if (/[\uD800-\uDBFF]/.test(rest.charAt(cut - 1))) cut -= 1;
    pieces.push(quote + rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  pieces.push(quote + rest);
  return pieces;
}

/** mrkdwn text → chunks of at most `max` characters, split on line boundaries. */
export function splitMrkdwn(mrkdwn: string, max: number = SLACK_LIMITS.sectionText): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of mrkdwn.split('\n').flatMap((l) => (l.length > max ? splitLongLine(l, max) : [l]))) {
    if (current === '') current = line;
    else if (current.length + 1 + line.length <= max) current += `\n${line}`;
    else {
      chunks.push(current);
      current = line;
    }
  }
  if (current.trim() !== '') chunks.push(current);
  return chunks.filter((c) => c.trim() !== '');
}

const chunk = <T>(list: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(list.length / size) }, (_v, i) => list.slice(i * size, i * size + size));

/**
 * Slack rejects an actions block whose buttons share an action_id, but a neutral
 * action set may repeat one (a 0–10 score, each with its own value). Repeats get
 * a `#n` suffix; actionIdFromSlack() takes it off again before dispatch.
 */
const ACTION_SUFFIX = /#\d+$/;

export function actionIdFromSlack(actionId: string): string {
  return actionId.replace(ACTION_SUFFIX, '');
}

function button(action: Action, actionId: string): Button {
  return {
    type: 'button',
    action_id: actionId,
    text: plain(truncate(action.label, SLACK_LIMITS.buttonText) || action.id),
    value: truncate(action.value, SLACK_LIMITS.buttonValue),
    ...(action.style ? { style: action.style } : {}),
  };
}

function actionsBlocks(actions: Action[], nextBlockId: () => string): ActionsBlock[] {
  return chunk(actions, SLACK_LIMITS.actionsElements).map((group) => {
    const seen = new Map<string, number>();
    const elements = group.map((action) => {
      const count = seen.get(action.id) ?? 0;
      seen.set(action.id, count + 1);
      return button(action, count === 0 ? action.id : `${action.id}#${count}`);
    });
    return { type: 'actions', block_id: nextBlockId(), elements };
  });
}

function fieldText(label: string, value: string): string {
  const head = label.trim() === '' ? '' : `*${escapeMrkdwn(oneLine(label))}*`;
  const body = toMrkdwn(value);
  return truncateMrkdwn([head, body].filter((p) => p !== '').join('\n'), SLACK_LIMITS.fieldText);
}

function blockToSlack(block: Block, nextBlockId: () => string): SlackBlock[] {
  switch (block.kind) {
    case 'header': {
      const text = plainLabel(block.text, SLACK_LIMITS.headerText);
      return text === '' ? [] : [{ type: 'header', text: plain(text) }];
    }
    case 'text':
      return splitMrkdwn(toMrkdwn(block.text)).map((text): SectionBlock => ({ type: 'section', text: { type: 'mrkdwn', text } }));
    case 'fields': {
      const texts = block.fields.map((f) => fieldText(f.label, f.value)).filter((t) => t.trim() !== '');
      return chunk(texts, SLACK_LIMITS.sectionFields).map(
        (group): SectionBlock => ({ type: 'section', fields: group.map((text) => ({ type: 'mrkdwn', text })) }),
      );
    }
    case 'context': {
      const text = truncateMrkdwn(toMrkdwn(block.text), SLACK_LIMITS.contextText);
      return text.trim() === '' ? [] : [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }];
    }
    case 'actions':
      return actionsBlocks(block.actions, nextBlockId);
    case 'divider':
      return [{ type: 'divider' }];
  }
}

/** A neutral message as a Block Kit message: `text` is the notification/fallback line. */
export function toSlackMessage(message: Message): { text: string; blocks: SlackBlock[] } {
  let actionsCount = 0;
  const nextBlockId = () => `actions-${++actionsCount}`;
  const blocks = message.blocks.flatMap((b) => blockToSlack(b, nextBlockId));
  const max = SLACK_LIMITS.messageBlocks;
  const kept: SlackBlock[] =
    blocks.length <= max
      ? blocks
      : [...blocks.slice(0, max - 1), { type: 'context', elements: [{ type: 'mrkdwn', text: `${ELLIPSIS}and ${blocks.length - (max - 1)} more` }] }];
  return { text: truncateMrkdwn(toMrkdwn(message.text), SLACK_LIMITS.fallbackText), blocks: kept };
}
