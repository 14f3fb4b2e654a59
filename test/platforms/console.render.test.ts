// The console's HTML renderer (pure: escaping and light markup in every block kind)
// and its JSON API over plain fetch against Tenure started in-process.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startTenure, type Tenure } from '../../src/main.js';
import { actions, button, context, divider, field, fields, header, message, text } from '../../src/messages/builders.js';
import type { Message } from '../../src/messages/message.js';
import { escapeHtml, markupToHtml, renderHtml, toConsoleMessage } from '../../src/platforms/console/render.js';

/** Every character that means something in HTML text or a quoted attribute. */
const HOSTILE = `<img src=x onerror="alert('x')"> & co`;
const HOSTILE_ESCAPED = '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; co';

/** The rendered HTML must carry the hostile text only in escaped form. */
function expectOnlyEscaped(html: string): void {
  expect(html).toContain(HOSTILE_ESCAPED);
  expect(html).not.toContain('<img');
  expect(html).not.toContain(`"alert`);
  expect(html).not.toContain(`'x'`);
  expect(html).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
}

describe('console renderer: escaping', () => {
  it('escapes <, >, &, double and single quotes', () => {
    expect(escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;',
    );
    // Already-escaped text is text too: it is escaped again, never passed through.
    expect(escapeHtml('&amp; &lt;')).toBe('&amp;amp; &amp;lt;');
  });

  it.each([
    ['header', header(HOSTILE), /^<h3 class="m-header">/],
    ['text', text(HOSTILE), /^<p class="m-text">/],
    ['context', context(HOSTILE), /^<p class="m-context">/],
  ] as const)('escapes user text in a %s block', (_kind, block, opening) => {
    const html = renderHtml(message('summary', [block]));
    const inner = html.replace(/^<div class="[^"]*">/, '');
    expect(inner).toMatch(opening);
    expectOnlyEscaped(html);
  });

  it('escapes labels and values in a fields block', () => {
    const html = renderHtml(message('summary', [fields([field(HOSTILE, HOSTILE)])]));
    expect(html).toBe(`<div class="m-body visibility-ephemeral"><dl class="m-fields"><div><dt>${HOSTILE_ESCAPED}</dt><dd>${HOSTILE_ESCAPED}</dd></div></dl></div>`);
  });

  it("escapes an action's label, id and value (the last two inside attributes)", () => {
    const html = renderHtml(message('summary', [actions([button(HOSTILE, HOSTILE, HOSTILE, 'primary')])]));
    expect(html).toBe(
      '<div class="m-body visibility-ephemeral"><div class="m-actions">' +
        `<button type="button" class="m-button primary" data-action-id="${HOSTILE_ESCAPED}" data-action-value="${HOSTILE_ESCAPED}">${HOSTILE_ESCAPED}</button>` +
        '</div></div>',
    );
  });

  it('renders a divider and marks visibility and tone as classes', () => {
    const html = renderHtml(message('summary', [divider()], { visibility: 'channel', tone: 'error' }));
    expect(html).toBe('<div class="m-body visibility-channel tone-error"><hr class="m-divider"></div>');
  });

  it('never renders the summary line, only the blocks', () => {
    expect(renderHtml(message(HOSTILE, [text('shown')]))).not.toContain('img');
  });
});

describe('console renderer: light markup', () => {
  it('turns **bold** and `code` into tags', () => {
    expect(markupToHtml('Logged a **call** with **Acme Corp**: run `/account list`')).toBe(
      'Logged a <strong>call</strong> with <strong>Acme Corp</strong>: run <code>/account list</code>',
    );
  });

  it('applies markup only after escaping, so markup cannot smuggle tags in', () => {
    expect(markupToHtml('**<script>x</script>** `<b>&</b>`')).toBe(
      '<strong>&lt;script&gt;x&lt;/script&gt;</strong> <code>&lt;b&gt;&amp;&lt;/b&gt;</code>',
    );
    expect(markupToHtml('**"quoted" & \'single\'**')).toBe('<strong>&quot;quoted&quot; &amp; &#39;single&#39;</strong>');
  });

  it('keeps code literal and allows bold around code', () => {
    expect(markupToHtml('`**not bold**`')).toBe('<code>**not bold**</code>');
    expect(markupToHtml('**`/checkin`**')).toBe('<strong><code>/checkin</code></strong>');
  });

  it('leaves unmatched markers as they are', () => {
    expect(markupToHtml('2 ** 3 and a ` tick')).toBe('2 ** 3 and a ` tick');
  });

  it('cannot be tricked by control characters into restoring a code span elsewhere', () => {
    const html = markupToHtml('`<i>` \u00000\u0000');
    expect(html).toBe('<code>&lt;i&gt;</code> \uFFFD0\uFFFD');
  });

  it('joins lines with <br> and escapes each', () => {
    expect(markupToHtml('one <\ntwo &')).toBe('one &lt;<br>two &amp;');
  });

  it('makes consecutive lines starting with "> " one quote', () => {
    expect(markupToHtml('Notes:\n> first <line>\n> **second**\nafter')).toBe(
      'Notes:<span class="quote">first &lt;line&gt;<br><strong>second</strong></span>after',
    );
  });

  it('does not quote a ">" in the middle of a line', () => {
    expect(markupToHtml('active > licensed')).toBe('active &gt; licensed');
  });

  it('renders a check-in confirmation (bold, quote, context) as the console shows it', () => {
    const confirmation: Message = message(
      'Logged a call with Acme Corp today',
      [text('✅ Logged a **call** with **Acme & Co** today.'), text('> Walked through <DR>\n> next: QBR'), context('🟢 positive · by @ana')],
      { visibility: 'channel', tone: 'success' },
    );
    expect(renderHtml(confirmation)).toBe(
      '<div class="m-body visibility-channel tone-success">' +
        '<p class="m-text">✅ Logged a <strong>call</strong> with <strong>Acme &amp; Co</strong> today.</p>' +
        '<p class="m-text"><span class="quote">Walked through &lt;DR&gt;<br>next: QBR</span></p>' +
        '<p class="m-context">🟢 positive · by @ana</p>' +
        '</div>',
    );
  });

  it('gives the page plain text, html and the actions of every actions block', () => {
    const shown = toConsoleMessage(
      message('card', [header('Acme'), actions([button('checkin.form', 'Log a check-in', 'id-1', 'primary')]), actions([button('account.link', 'Link', 'id-1')])]),
    );
    expect(shown.text).toBe('Acme\n[Log a check-in]\n[Link]');
    expect(shown.actions.map((a) => a.id)).toEqual(['checkin.form', 'account.link']);
    expect(shown.visibility).toBe('ephemeral');
  });
});

describe('console JSON API', () => {
  let dataDir: string;
  let tenure: Tenure;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'tenure-console-api-'));
    // The schema refuses PORT=0; the config object takes it, and the OS picks a free port.
    const config = { ...loadConfig({ TENURE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), port: 0 };
    tenure = await startTenure(config, { logger: createLogger('silent'), clock: () => new Date('2026-11-23T10:00:00Z') });
  });

  afterAll(async () => {
    await tenure?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function post(route: string, body: unknown, raw = false): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(new URL(route, tenure.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw ? String(body) : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  it('serves the chat page at /', async () => {
    const res = await fetch(tenure.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<form class="composer" id="composer">');
    expect(html).toContain('<dialog id="form-dialog">');
  });

  it('answers a command with rendered messages', async () => {
    const { status, json } = await post('/console/command', { text: '/account list' });
    expect(status).toBe(200);
    const [first] = json.messages as { text: string; html: string; visibility: string }[];
    expect(first!.text).toContain('Acme Corp');
    expect(first!.html).toContain('<strong>Acme Corp</strong>');
  });

  it('opens the check-in form for a bare /checkin', async () => {
    const { status, json } = await post('/console/command', { text: '/checkin' });
    expect(status).toBe(200);
    expect(json.messages).toEqual([]);
    const form = json.form as { id: string; fields: { id: string; kind: string }[] };
    expect(form.id).toBe('checkin');
    expect(form.fields.map((f) => `${f.id}:${f.kind}`)).toEqual([
      'account:select',
      'type:select',
      'date:date',
      'sentiment:select',
      'notes:textarea',
      'next:date',
    ]);
  });

  it('acts as "ana" when no user is given, and as the named user otherwise', async () => {
    const byDefault = await post('/console/command', { text: '/checkin "Acme Corp" call Default user check' });
    expect(byDefault.status).toBe(200);
    expect((byDefault.json.messages as { text: string }[])[0]!.text).toContain('by @ana');

    const byBen = await post('/console/command', { text: '/checkin "Acme Corp" call Named user check', user: 'ben' });
    expect((byBen.json.messages as { text: string }[])[0]!.text).toContain('by @ben');
  });

  it('returns field errors for an incomplete form and saves nothing', async () => {
    const { status, json } = await post('/console/form', { id: 'checkin', values: { account: 'Acme Corp', type: 'call', date: '2026-11-23', notes: '' } });
    expect(status).toBe(200);
    expect(json.ok).toBe(false);
    expect(json.errors).toEqual({ notes: 'Add a note about the touch' });
  });

  it.each([
    ['a missing text', { user: 'ana' }, /^text: Required$/],
    ['a text that is not a string', { text: 42 }, /^text: Expected string, received number$/],
    ['a user name with spaces', { text: '/account list', user: 'ana smith' }, /^user: user must be a short name/],
    ['an upper-case channel', { text: '/account list', channel: 'General' }, /^channel: channel must be lower-case/],
    ['an array instead of an object', [], /^body: Expected object, received array$/],
  ])('refuses %s with 400 and a clear error', async (_what, body, error) => {
    const { status, json } = await post('/console/command', body);
    expect(status).toBe(400);
    expect(json.error).toMatch(error);
  });

  it('answers a text over 4,000 characters as every door does: its length and the limit, in the answer', async () => {
    const { status, json } = await post('/console/command', { text: 'x'.repeat(4001) });
    expect(status).toBe(200);
    expect(JSON.stringify(json.messages)).toContain('That command is 4,001 characters long; a command takes at most 4,000.');
  });

  it('accepts a text of exactly 4,000 characters', async () => {
    const { status, json } = await post('/console/command', { text: 'x'.repeat(4000) });
    expect(status).toBe(200);
    expect(json.messages).toHaveLength(1);
  });

  it('refuses malformed JSON with 400', async () => {
    const { status, json } = await post('/console/command', '{"text": "/account list"', true);
    expect(status).toBe(400);
    expect(json).toEqual({ error: 'malformed JSON body' });
  });

  it('refuses an action or a form without an id', async () => {
    const action = await post('/console/action', { value: 'x' });
    expect(action.status).toBe(400);
    expect(action.json.error).toMatch(/^id: /);
    const form = await post('/console/form', { values: {} });
    expect(form.status).toBe(400);
    expect(form.json.error).toMatch(/^id: /);
  });

  it('refuses a body that is not JSON with 415, and a foreign Host with 403', async () => {
    const plain = await fetch(new URL('/console/command', tenure.url), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'text=/account list' });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toEqual({ error: 'send a JSON body with Content-Type: application/json' });
    // A page served from another name (DNS rebinding) reaches the same socket with its own Host.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(new URL('/console/command', tenure.url), { method: 'POST', headers: { host: 'evil.example:80', 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.once('error', reject);
      req.end(JSON.stringify({ text: '/account list' }));
    });
    expect(status).toBe(403);
  });

  it('serves the page unframeable, under a CSP that allows exactly its own inline script and style', async () => {
    const res = await fetch(tenure.url);
    const html = await res.text();
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const csp = Object.fromEntries(
      res.headers
        .get('content-security-policy')!
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...sources]) => [name, sources]),
    );
    const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const script = /<script type="module">([\s\S]*?)<\/script>/.exec(html)![1]!;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(csp).toEqual({
      'default-src': ["'none'"],
      'script-src': [sha(script)],
      'style-src': [sha(style)],
      'connect-src': ["'self'"],
      'img-src': ["'self'"],
      'form-action': ["'self'"],
      'base-uri': ["'none'"],
      'frame-ancestors': ["'none'"],
    });
  });
});
