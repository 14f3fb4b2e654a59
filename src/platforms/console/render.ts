// The console's renderer: neutral Message → HTML, and the message as the page's
// JSON carries it. Pure; every piece of user text is escaped before the light
// markup (**bold**, `code`, > quote) is applied.
import type { Action, Block, Message } from '../../messages/message.js';
import { mentionsAsNames, renderPlain } from '../../messages/plain.js';

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** `**bold**` and `code` on one escaped line; code spans stay literal (no bold inside them). */
function inlineMarkup(escaped: string): string {
  // NUL never survives an HTML parser anyway, so it is free to mark where code spans were.
  const spans: string[] = [];
  const held = escaped.replace(/\u0000/g, '\uFFFD').replace(/`([^`]+)`/g, (_m, code: string) => `\u0000${spans.push(code) - 1}\u0000`);
  return held
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/\u0000(\d+)\u0000/g, (_m, i: string) => `<code>${spans[Number(i)]}</code>`);
}

/**
 * Escapes, then turns the light markup into tags. Consecutive lines starting with
 * "> " form one quote (a block-styled span, since it sits inside a <p>); other
 * lines are joined with <br>.
 */
export function markupToHtml(value: string): string {
  value = mentionsAsNames(value);
  const groups: { quoted: boolean; lines: string[] }[] = [];
  for (const line of value.split('\n')) {
    const escaped = escapeHtml(line);
    const quoted = /^&gt; ?/.test(escaped);
    const html = inlineMarkup(quoted ? escaped.replace(/^&gt; ?/, '') : escaped);
    const last = groups[groups.length - 1];
    if (last && last.quoted === quoted) last.lines.push(html);
    else groups.push({ quoted, lines: [html] });
  }
  return groups.map((g) => (g.quoted ? `<span class="quote">${g.lines.join('<br>')}</span>` : g.lines.join('<br>'))).join('');
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'header':
      return `<h3 class="m-header">${markupToHtml(block.text)}</h3>`;
    case 'text':
      return `<p class="m-text">${markupToHtml(block.text)}</p>`;
    case 'context':
      return `<p class="m-context">${markupToHtml(block.text)}</p>`;
    case 'fields':
      return `<dl class="m-fields">${block.fields
        .map((f) => `<div><dt>${escapeHtml(f.label)}</dt><dd>${markupToHtml(f.value)}</dd></div>`)
        .join('')}</dl>`;
    case 'actions':
      return `<div class="m-actions">${block.actions
        .map(
          (a) =>
            `<button type="button" class="m-button${a.style ? ` ${a.style}` : ''}" data-action-id="${escapeHtml(a.id)}" data-action-value="${escapeHtml(a.value)}">${escapeHtml(a.label)}</button>`,
        )
        .join('')}</div>`;
    case 'divider':
      return '<hr class="m-divider">';
  }
}

export function renderHtml(message: Message): string {
  const tone = message.tone ? ` tone-${message.tone}` : '';
  return `<div class="m-body visibility-${message.visibility}${tone}">${message.blocks.map(blockHtml).join('')}</div>`;
}

export interface ConsoleMessage {
  text: string;
  html: string;
  visibility: Message['visibility'];
  tone?: Message['tone'];
  actions: Action[];
}

export function toConsoleMessage(message: Message): ConsoleMessage {
  const actions = message.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : []));
  return {
    text: renderPlain(message),
    html: renderHtml(message),
    visibility: message.visibility,
    ...(message.tone ? { tone: message.tone } : {}),
    actions,
  };
}
