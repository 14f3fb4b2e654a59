// Teams' renderer: neutral Message → Adaptive Card 1.5 (forms live in form-card.ts).
// Pure. Text goes through Adaptive Cards' markdown (TextBlock and FactSet both parse
// it), so user text is escaped first and only the neutral light markup becomes
// markdown: **bold** stays bold, `code` shows as its plain content. Teams shows at
// most 6 actions per action set, so buttons come in rows of 6.

import type { Action, Block, Message } from '../../messages/message.js';
import { mentionsAsNames, oneLine, stripMarkup, truncate } from '../../messages/plain.js';

export type CardElement = Record<string, unknown>;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: CardElement[];
  msteams?: { width: 'Full' };
  fallbackText?: string;
}

export const CARD_LIMITS = {
  /** Teams shows at most this many actions per action set; more hide behind "…". */
  actionsPerSet: 6,
  buttonTitle: 60,
  /** Teams refuses messages over ~28 KB; the card JSON stays under this. */
  cardBytes: 24_000,
  fallbackText: 1_000,
} as const;

/** The key of Action.Submit data that handlers.ts routes a card submit on (a button press or a form). */
export const SUBMIT_VERB_KEY = 'tenureVerb';
export const PRESS_VERB = 'tenure.press';
export const SUBMIT_VERB = 'tenure.submit';

/** Action.Submit data for a button: the registry action id and its value. */
export interface PressData {
  [SUBMIT_VERB_KEY]: typeof PRESS_VERB;
  tenureAction: string;
  tenureValue: string;
}

const ELLIPSIS = '…';

/**
 * Backslash-escapes what Adaptive Cards' markdown would read as markup: emphasis,
 * links, code, and list or heading markers at the start of a line.
 */
export function escapeMarkdown(value: string): string {
  return value
    .replace(/([\\`*_[\]])/g, '\\$1')
    // Indentation within the line only ([^\S\n\r\u2028\u2029] is white space that ends no
    // line): a \s* that crossed lines would rescan every following blank line from each.
    .replace(/^([^\S\n\r\u2028\u2029]*)([-+#>])/gm, '$1\\$2')
    .replace(/^([^\S\n\r\u2028\u2029]*\d+)([.)])/gm, '$1\\$2');
}

/** One line of neutral text → escaped card markdown; code spans become their plain content. */
function lineToMarkdown(line: string): string {
  line = mentionsAsNames(line);
  const parts: string[] = [];
  // Split on code spans first so bold never reaches inside them.
  for (const [i, piece] of line.split(/`([^`]+)`/).entries()) {
    if (i % 2 === 1) {
      parts.push(escapeMarkdown(piece));
      continue;
    }
    const bold = piece.split(/\*\*(.+?)\*\*/);
    parts.push(bold.map((p, j) => (j % 2 === 1 ? `**${escapeMarkdown(p)}**` : escapeMarkdown(p))).join(''));
  }
  return parts.join('');
}

/** Neutral text → card markdown, line by line (Teams keeps single newlines as line breaks only when doubled). */
export function toCardMarkdown(value: string): string {
  return value
    .split('\n')
    .map(lineToMarkdown)
    .join('\n\n');
}

/** Plain text for titles (buttons, choices, fallback): markup dropped, one line. */
export function plainTitle(value: string, max: number): string {
  return truncate(oneLine(stripMarkup(value)).trim(), max);
}

const textBlock = (text: string, extra: CardElement = {}): CardElement => ({ type: 'TextBlock', text, wrap: true, ...extra });

/** Text, with runs of "> " lines as an emphasised container (cards have no block quotes). */
function textElements(value: string, extra: CardElement = {}): CardElement[] {
  const groups: { quoted: boolean; lines: string[] }[] = [];
  for (const line of value.split('\n')) {
    const quoted = /^> ?/.test(line);
    const body = quoted ? line.replace(/^> ?/, '') : line;
    const last = groups[groups.length - 1];
    if (last && last.quoted === quoted) last.lines.push(body);
    else groups.push({ quoted, lines: [body] });
  }
  return groups
    .filter((g) => g.lines.some((l) => l.trim() !== ''))
    .map((g) => {
      const block = textBlock(toCardMarkdown(g.lines.join('\n')), extra);
      return g.quoted ? { type: 'Container', style: 'emphasis', items: [block] } : block;
    });
}

function actionSets(actions: Action[]): CardElement[] {
  const rows: CardElement[] = [];
  for (let i = 0; i < actions.length; i += CARD_LIMITS.actionsPerSet) {
    rows.push({
      type: 'ActionSet',
      actions: actions.slice(i, i + CARD_LIMITS.actionsPerSet).map((action) => {
        const data: PressData = { [SUBMIT_VERB_KEY]: PRESS_VERB, tenureAction: action.id, tenureValue: action.value };
        return {
          type: 'Action.Submit',
          title: plainTitle(action.label, CARD_LIMITS.buttonTitle) || action.id,
          data,
          ...(action.style === 'primary' ? { style: 'positive' } : action.style === 'danger' ? { style: 'destructive' } : {}),
        };
      }),
    });
  }
  return rows;
}

function blockElements(block: Block, tone: Message['tone']): CardElement[] {
  switch (block.kind) {
    case 'header':
      return block.text.trim() === '' ? [] : [textBlock(escapeMarkdown(plainTitle(block.text, 200)), { size: 'Medium', weight: 'Bolder', style: 'heading' })];
    case 'text':
      return textElements(block.text, tone === 'error' ? { color: 'Attention' } : {});
    case 'context':
      return textElements(block.text, { isSubtle: true, size: 'Small' });
    case 'fields': {
      const facts = block.fields
        .filter((f) => f.label.trim() !== '' || f.value.trim() !== '')
        .map((f) => ({ title: escapeMarkdown(plainTitle(f.label, 200)), value: toCardMarkdown(f.value) }));
      return facts.length === 0 ? [] : [{ type: 'FactSet', facts }];
    }
    case 'actions':
      return actionSets(block.actions);
    case 'divider':
      return [DIVIDER];
  }
}

/** Cards have no divider element: the element after one draws a separator line above itself. */
const DIVIDER: CardElement = { type: '__divider' };

function applyDividers(elements: CardElement[]): CardElement[] {
  const out: CardElement[] = [];
  let separate = false;
  for (const element of elements) {
    if (element === DIVIDER) {
      separate = out.length > 0;
      continue;
    }
    out.push(separate ? { ...element, separator: true, spacing: 'Medium' } : element);
    separate = false;
  }
  return out;
}

export function emptyCard(body: CardElement[], fallbackText?: string): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    msteams: { width: 'Full' },
    ...(fallbackText ? { fallbackText: plainTitle(fallbackText, CARD_LIMITS.fallbackText) } : {}),
  };
}

const sizeOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** A neutral message as an Adaptive Card; over Teams' size limit, trailing elements give way to "…and N more". */
export function toAdaptiveCard(message: Message): AdaptiveCard {
  const body = applyDividers(message.blocks.flatMap((b) => blockElements(b, message.tone)));
  const card = emptyCard(body, message.text);
  if (sizeOf(card) <= CARD_LIMITS.cardBytes) return card;
  const kept = [...body];
  const more = (n: number) => textBlock(`${ELLIPSIS}and ${n} more`, { isSubtle: true });
  while (kept.length > 1 && sizeOf(emptyCard([...kept, more(body.length - kept.length)], message.text)) > CARD_LIMITS.cardBytes) kept.pop();
  return emptyCard([...kept, more(body.length - kept.length)], message.text);
}

/** A Bot Framework message activity carrying a card; `summary` is what notifications and screen readers show. */
export function cardActivity(card: AdaptiveCard, summary: string): { type: 'message'; summary: string; attachments: { contentType: string; content: AdaptiveCard }[] } {
  return {
    type: 'message',
    summary: plainTitle(summary, 200),
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
  };
}

export const messageActivity = (message: Message) => cardActivity(toAdaptiveCard(message), message.text);
