// The console's renderer: neutral Message → HTML. Pure; every piece of user text
// is escaped before the light markup (**bold**, `code`, > quote) is applied.
import type { Block, Message } from '../../messages/message.js';

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Escapes, then turns the light markup into tags. */
export function markupToHtml(value: string): string {
  const lines = value.split('\n').map((line) => {
    const quoted = /^&gt; ?/.test(escapeHtml(line));
    let html = escapeHtml(line).replace(/^&gt; ?/, '');
    html = html.replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/`([^`]+)`/g, '<code>$1</code>');
    return quoted ? `<span class="quote">${html}</span>` : html;
  });
  return lines.join('<br>');
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
