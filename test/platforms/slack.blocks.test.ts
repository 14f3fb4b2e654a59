// Slack's renderer (pure): every block kind, mrkdwn escaping and markup, Block Kit
// limits, modals built from forms, submitted view state read back, submission
// errors — and the same facts carried by Block Kit, the console's HTML and plain text.
import type { ActionsBlock, Button, ContextBlock, HeaderBlock, InputBlock, MrkdwnElement, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { actions, button, context, divider, field, fields, header, message, text } from '../../src/messages/builders.js';
import type { Action, Block, Form, Message } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { renderHtml } from '../../src/platforms/console/render.js';
import {
  actionIdFromSlack,
  escapeMrkdwn,
  SLACK_LIMITS,
  toMrkdwn,
  toSlackMessage,
  truncate,
  type SlackBlock,
} from '../../src/platforms/slack/blocks.js';
import { errorsForSlack, toModal, valuesFromView } from '../../src/platforms/slack/modal.js';

/** Every character Slack's mrkdwn treats as a control character, plus quotes it does not. */
const HOSTILE = `<@U123> & <!channel> "x" 'y'`;
const HOSTILE_MRKDWN = `&lt;@U123&gt; &amp; &lt;!channel&gt; "x" 'y'`;

const blocksOf = (...blocks: Block[]) => toSlackMessage(message('summary', blocks)).blocks;
const only = (...blocks: Block[]) => {
  const out = blocksOf(...blocks);
  expect(out).toHaveLength(1);
  return out[0]!;
};

/** mrkdwn with no raw control characters: every & starts an entity, no < or > at all. */
function expectEscaped(mrkdwn: string): void {
  expect(mrkdwn).not.toMatch(/[<>]/);
  expect(mrkdwn).not.toMatch(/&(?!amp;|lt;|gt;)/);
}

describe('Slack renderer: block kinds', () => {
  it.each<[string, Block, SlackBlock]>([
    ['header', header('Acme Corp'), { type: 'header', text: { type: 'plain_text', text: 'Acme Corp' } }],
    ['text', text('Renews **2027-01-31**'), { type: 'section', text: { type: 'mrkdwn', text: 'Renews *2027-01-31*' } }],
    [
      'fields',
      fields([field('ARR', '$120,000'), field('Stage', 'adopt')]),
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*ARR*\n$120,000' },
          { type: 'mrkdwn', text: '*Stage*\nadopt' },
        ],
      },
    ],
    ['context', context('by @ana · `call`'), { type: 'context', elements: [{ type: 'mrkdwn', text: 'by @ana · `call`' }] }],
    [
      'actions',
      actions([button('checkin.form', 'Log a check-in', 'acc-1', 'primary'), button('account.link', 'Link', 'acc-1')]),
      {
        type: 'actions',
        block_id: 'actions-1',
        elements: [
          { type: 'button', action_id: 'checkin.form', text: { type: 'plain_text', text: 'Log a check-in' }, value: 'acc-1', style: 'primary' },
          { type: 'button', action_id: 'account.link', text: { type: 'plain_text', text: 'Link' }, value: 'acc-1' },
        ],
      },
    ],
    ['divider', divider(), { type: 'divider' }],
  ])('renders a %s block', (_kind, block, expected) => {
    expect(only(block)).toEqual(expected);
  });

  it('sets the danger style and no style when none is asked for', () => {
    const block = only(actions([button('ticket.close', 'Close', 't1', 'danger'), button('ticket.show', 'Show', 't1')])) as ActionsBlock;
    expect((block.elements[0] as Button).style).toBe('danger');
    expect(block.elements[1]).not.toHaveProperty('style');
  });

  it('gives every actions block its own block_id', () => {
    const out = blocksOf(actions([button('a', 'A', '1')]), text('between'), actions([button('b', 'B', '2')]));
    const ids = out.filter((b): b is ActionsBlock => b.type === 'actions').map((b) => b.block_id);
    expect(ids).toEqual(['actions-1', 'actions-2']);
  });

  it('makes repeated action ids unique within a block, and actionIdFromSlack undoes it', () => {
    const scale = Array.from({ length: 11 }, (_v, score) => button('nps.answer', String(score), String(score)));
    const block = only(actions(scale)) as ActionsBlock;
    const ids = block.elements.map((e) => (e as Button).action_id!);
    expect(new Set(ids).size).toBe(11);
    expect(ids.slice(0, 3)).toEqual(['nps.answer', 'nps.answer#1', 'nps.answer#2']);
    expect(ids.map(actionIdFromSlack)).toEqual(Array(11).fill('nps.answer'));
    expect(block.elements.map((e) => (e as Button).value)).toEqual(scale.map((a) => a.value));
  });

  it('uses the summary as the fallback text, in mrkdwn', () => {
    expect(toSlackMessage(message('Logged a **call** with Acme & Co', [])).text).toBe('Logged a *call* with Acme &amp; Co');
  });

  it('drops blocks that would be empty (Slack rejects empty text)', () => {
    expect(blocksOf(header(''), text(''), context('  '), fields([field('', '')]))).toEqual([]);
  });
});

describe('Slack renderer: escaping', () => {
  it('escapes only &, < and > for mrkdwn', () => {
    expect(escapeMrkdwn(`a & b < c > d "e" 'f' *g* _h_`)).toBe(`a &amp; b &lt; c &gt; d "e" 'f' *g* _h_`);
    // Already-escaped text is text too: escaped again, never passed through.
    expect(escapeMrkdwn('&amp; &lt;')).toBe('&amp;amp; &amp;lt;');
  });

  it.each<[string, Block, (b: SlackBlock) => string]>([
    ['text', text(HOSTILE), (b) => ((b as SectionBlock).text as MrkdwnElement).text],
    ['context', context(HOSTILE), (b) => ((b as ContextBlock).elements[0] as MrkdwnElement).text],
  ])('escapes user text in a %s block', (_kind, block, textOf) => {
    const rendered = textOf(only(block));
    expect(rendered).toBe(HOSTILE_MRKDWN);
    expectEscaped(rendered);
  });

  it('escapes the label and the value of every field', () => {
    const section = only(fields([field(HOSTILE, HOSTILE)])) as SectionBlock;
    const rendered = section.fields![0]!.text;
    expect(rendered).toBe(`*${HOSTILE_MRKDWN}*\n${HOSTILE_MRKDWN}`);
    expectEscaped(rendered);
  });

  it('escapes the fallback text', () => {
    const fallback = toSlackMessage(message(HOSTILE, [])).text;
    expect(fallback).toBe(HOSTILE_MRKDWN);
  });

  it('leaves plain_text alone: Slack shows it literally, so an entity would show as "&amp;"', () => {
    const out = blocksOf(header(HOSTILE), actions([button('a.b', HOSTILE, HOSTILE)]));
    expect((out[0] as HeaderBlock).text).toEqual({ type: 'plain_text', text: HOSTILE });
    const btn = (out[1] as ActionsBlock).elements[0] as Button;
    expect(btn.text).toEqual({ type: 'plain_text', text: HOSTILE });
    // The value is handed back to us, never shown: it must arrive unchanged.
    expect(btn.value).toBe(HOSTILE);
  });

  it('drops the light markup from a header, which plain_text cannot show', () => {
    expect((only(header('**Acme** `health`')) as HeaderBlock).text.text).toBe('Acme health');
  });

  it('never lets markup smuggle a control sequence in', () => {
    expect(toMrkdwn('**<!here>** `<@U1>`')).toBe('*&lt;!here&gt;* `&lt;@U1&gt;`');
  });
});

describe('Slack renderer: light markup', () => {
  it.each([
    ['bold', 'Logged a **call** with **Acme Corp**', 'Logged a *call* with *Acme Corp*'],
    ['code stays code, no bold inside it', 'run `/checkin **x**` now', 'run `/checkin **x**` now'],
    ['bold around code', '**`/checkin`**', '*`/checkin`*'],
    ['unmatched markers', '2 ** 3 and a ` tick', '2 ** 3 and a ` tick'],
    ['a line-leading "> " becomes a real quote', '> Walked through <DR>', '> Walked through &lt;DR&gt;'],
    ['consecutive quoted lines', 'Notes:\n> first & one\n> **second**\nafter', 'Notes:\n> first &amp; one\n> *second*\nafter'],
    ['">" without a space still quotes, as on the console', '>tight', '> tight'],
    ['a ">" mid-line is escaped, not a quote', 'active > licensed', 'active &gt; licensed'],
    ['NUL cannot restore a code span elsewhere', '`<i>` \u00000\u0000', '`&lt;i&gt;` \uFFFD0\uFFFD'],
  ])('%s', (_name, input, expected) => {
    expect(toMrkdwn(input)).toBe(expected);
  });

  it('renders quotes inside field values too', () => {
    const section = only(fields([field('Notes', '> they want DR')])) as SectionBlock;
    expect(section.fields![0]!.text).toBe('*Notes*\n> they want DR');
  });
});

describe('Slack renderer: Block Kit limits', () => {
  it('truncates a header to 150 characters with an ellipsis', () => {
    const long = 'H'.repeat(200);
    const rendered = (only(header(long)) as HeaderBlock).text.text;
    expect(rendered).toHaveLength(SLACK_LIMITS.headerText);
    expect(rendered.endsWith('…')).toBe(true);
    expect((only(header('H'.repeat(150))) as HeaderBlock).text.text).toBe('H'.repeat(150));
  });

  it('never splits a surrogate pair when truncating', () => {
    const cut = truncate(`${'a'.repeat(148)}😀😀`, 150);
    expect(cut).toBe(`${'a'.repeat(148)}…`);
  });

  it('truncates button labels to 75 and values to 2,000', () => {
    const btn = (only(actions([button('a.b', 'L'.repeat(80), 'v'.repeat(2500))])) as ActionsBlock).elements[0] as Button;
    expect(btn.text.text).toHaveLength(75);
    expect(btn.value).toHaveLength(2000);
  });

  it.each([
    [10, [10]],
    [11, [10, 1]],
    [23, [10, 10, 3]],
  ])('splits %i fields into sections of at most 10', (count, sizes) => {
    const list = Array.from({ length: count }, (_v, i) => field(`L${i}`, `v${i}`));
    const out = blocksOf(fields(list)) as SectionBlock[];
    expect(out.map((s) => s.fields!.length)).toEqual(sizes);
    expect(out.flatMap((s) => s.fields!.map((f) => f.text))).toEqual(list.map((f) => `*${f.label}*\n${f.value}`));
  });

  it('truncates a field to 2,000 characters without cutting an entity in half', () => {
    const section = only(fields([field('Notes', '&'.repeat(1000))])) as SectionBlock;
    const rendered = section.fields![0]!.text;
    expect(rendered.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    expect(rendered.endsWith('&amp;…')).toBe(true);
  });

  it.each([
    [25, [25]],
    [26, [25, 1]],
    [60, [25, 25, 10]],
  ])('splits %i buttons into actions blocks of at most 25, each with its own block_id', (count, sizes) => {
    const list: Action[] = Array.from({ length: count }, (_v, i) => button(`act.${i}`, `B${i}`, String(i)));
    const out = blocksOf(actions(list)) as ActionsBlock[];
    expect(out.map((b) => b.elements.length)).toEqual(sizes);
    expect(new Set(out.map((b) => b.block_id)).size).toBe(out.length);
    expect(out.flatMap((b) => b.elements.map((e) => (e as Button).action_id))).toEqual(list.map((a) => a.id));
  });

  it('splits long text into sections of at most 3,000 characters on line boundaries', () => {
    const lines = Array.from({ length: 120 }, (_v, i) => `${String(i).padStart(3, '0')} ${'x'.repeat(60)} & more`);
    const out = blocksOf(text(lines.join('\n'))) as SectionBlock[];
    expect(out.length).toBeGreaterThan(1);
    for (const s of out) expect(s.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    // Nothing lost, nothing reordered, every line whole.
    expect(out.map((s) => s.text!.text).join('\n')).toBe(toMrkdwn(lines.join('\n')));
  });

  it('measures the escaped text: 2,000 "&" become 10,000 characters and still fit', () => {
    const out = blocksOf(text('&'.repeat(2000))) as SectionBlock[];
    expect(out.length).toBeGreaterThan(1);
    for (const s of out) {
      expect(s.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(s.text!.text).toMatch(/^(&amp;)+$/);
    }
    expect(out.map((s) => s.text!.text).join('')).toBe('&amp;'.repeat(2000));
  });

  it.each([1, 2, 3, 4])('never cuts an entity in half, whatever the offset (%i)', (offset) => {
    const out = blocksOf(text('x'.repeat(offset) + '<'.repeat(1500))) as SectionBlock[];
    for (const s of out) {
      expect(s.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expectEscaped(s.text!.text);
    }
    expect(out.map((s) => s.text!.text).join('')).toBe('x'.repeat(offset) + '&lt;'.repeat(1500));
  });

  it('splits one over-long line at spaces, and a quoted one stays quoted', () => {
    const words = Array.from({ length: 900 }, (_v, i) => `w${i}`).join(' ');
    const out = blocksOf(text(`> ${words}`)) as SectionBlock[];
    expect(out.length).toBeGreaterThan(1);
    for (const s of out) {
      expect(s.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(s.text!.text.startsWith('> ')).toBe(true);
    }
    expect(out.map((s) => s.text!.text.slice(2)).join(' ')).toBe(words);
  });

  it('keeps 50 blocks as they are', () => {
    const out = blocksOf(...Array.from({ length: 50 }, () => divider()));
    expect(out).toHaveLength(50);
    expect(out.every((b) => b.type === 'divider')).toBe(true);
  });

  it('keeps 49 of more than 50 blocks and says how many more there were', () => {
    const out = blocksOf(...Array.from({ length: 60 }, (_v, i) => text(`line ${i}`)));
    expect(out).toHaveLength(50);
    expect(((out[48] as SectionBlock).text as MrkdwnElement).text).toBe('line 48');
    expect(out[49]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '…and 11 more' }] });
  });

  it('truncates the fallback text to 3,000 characters', () => {
    const fallback = toSlackMessage(message('<'.repeat(1000), [])).text;
    expect(fallback.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    expect(fallback).toMatch(/^(&lt;)+…$/);
  });
});

/** The check-in form as commands/checkin.ts builds it for a workspace with accounts. */
const checkinForm: Form = {
  id: 'checkin',
  title: 'Log a check-in',
  submitLabel: 'Log check-in',
  state: { channelId: 'C123' },
  fields: [
    {
      id: 'account',
      label: 'Account',
      kind: 'select',
      required: true,
      options: [
        { label: 'Acme Corp', value: 'Acme Corp' },
        { label: 'Globex & Sons', value: 'Globex & Sons' },
      ],
      initial: 'Globex & Sons',
    },
    {
      id: 'type',
      label: 'Kind of touch',
      kind: 'select',
      required: true,
      initial: 'call',
      options: ['call', 'meeting', 'email'].map((t) => ({ label: t, value: t })),
    },
    { id: 'date', label: 'When', kind: 'date', required: true, initial: '2026-11-02' },
    { id: 'sentiment', label: 'Sentiment', kind: 'select', required: true, initial: 'neutral', options: ['positive', 'neutral', 'negative'].map((s) => ({ label: s, value: s })) },
    { id: 'notes', label: 'Notes', kind: 'textarea', required: true, placeholder: 'What was discussed, what was agreed' },
    { id: 'next', label: 'Next touch (optional)', kind: 'date', required: false, hint: 'When you plan to follow up' },
  ],
};

const inputs = (form: Form, options?: Parameters<typeof toModal>[1]) => toModal(form, options).blocks.filter((b): b is InputBlock => b.type === 'input');

describe('Slack modal from a form', () => {
  it('builds the check-in modal: callback, title, buttons, state, one input per field', () => {
    const view = toModal(checkinForm);
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: 'checkin',
      title: { type: 'plain_text', text: 'Log a check-in' },
      submit: { type: 'plain_text', text: 'Log check-in' },
      close: { type: 'plain_text', text: 'Cancel' },
      private_metadata: '{"channelId":"C123"}',
    });
    expect(view.blocks).toHaveLength(6);
    const blocks = inputs(checkinForm);
    expect(blocks.map((b) => [b.block_id, b.element.action_id, b.element.type, b.optional])).toEqual([
      ['account', 'account', 'static_select', false],
      ['type', 'type', 'static_select', false],
      ['date', 'date', 'datepicker', false],
      ['sentiment', 'sentiment', 'static_select', false],
      ['notes', 'notes', 'plain_text_input', false],
      ['next', 'next', 'datepicker', true],
    ]);
    expect(blocks.map((b) => b.label.text)).toEqual(checkinForm.fields.map((f) => f.label));
  });

  it('preselects initial values and shows options, hints and placeholders unescaped (plain_text)', () => {
    const [account, type, date, sentiment, notes, next] = inputs(checkinForm);
    expect(account!.element).toEqual({
      type: 'static_select',
      action_id: 'account',
      options: [
        { text: { type: 'plain_text', text: 'Acme Corp' }, value: 'Acme Corp' },
        { text: { type: 'plain_text', text: 'Globex & Sons' }, value: 'Globex & Sons' },
      ],
      initial_option: { text: { type: 'plain_text', text: 'Globex & Sons' }, value: 'Globex & Sons' },
    });
    expect(type!.element).toMatchObject({ initial_option: { value: 'call' } });
    expect(date!.element).toEqual({ type: 'datepicker', action_id: 'date', initial_date: '2026-11-02' });
    expect(sentiment!.element).toMatchObject({ initial_option: { value: 'neutral' } });
    expect(notes!.element).toEqual({
      type: 'plain_text_input',
      action_id: 'notes',
      multiline: true,
      placeholder: { type: 'plain_text', text: 'What was discussed, what was agreed' },
    });
    expect(next!.element).toEqual({ type: 'datepicker', action_id: 'next' });
    expect(next!.hint).toEqual({ type: 'plain_text', text: 'When you plan to follow up' });
  });

  it('offers no initial option when the initial value is not among the options', () => {
    const form: Form = { ...checkinForm, fields: [{ ...checkinForm.fields[0]!, initial: 'Nobody Inc' }] };
    expect(inputs(form)[0]!.element).not.toHaveProperty('initial_option');
  });

  it('maps text and number fields, with initial values', () => {
    const form: Form = {
      id: 'account.add',
      title: 'Add an account',
      submitLabel: 'Add',
      fields: [
        { id: 'name', label: 'Name', kind: 'text', required: true, initial: 'Acme & Co', placeholder: 'Acme Corp' },
        { id: 'licensed', label: 'Licensed users', kind: 'number', required: false, initial: '250' },
        { id: 'active', label: 'Active users', kind: 'number', required: false, initial: 'many' },
      ],
    };
    const [name, licensed, active] = inputs(form);
    expect(name!.element).toEqual({
      type: 'plain_text_input',
      action_id: 'name',
      initial_value: 'Acme & Co',
      placeholder: { type: 'plain_text', text: 'Acme Corp' },
    });
    expect(licensed!.element).toEqual({ type: 'number_input', action_id: 'licensed', is_decimal_allowed: false, initial_value: '250' });
    expect(active!.element).toEqual({ type: 'number_input', action_id: 'active', is_decimal_allowed: false });
    expect(licensed!.optional).toBe(true);
  });

  it('falls back to a typed input for a select with nothing to pick from', () => {
    const form: Form = { ...checkinForm, fields: [{ id: 'account', label: 'Account', kind: 'select', required: true, options: [], initial: 'Acme' }] };
    expect(inputs(form)[0]!.element).toEqual({ type: 'plain_text_input', action_id: 'account', initial_value: 'Acme' });
  });

  it('shows errors in the hint of their field and errors for no field at the top', () => {
    const view = toModal(checkinForm, { errors: { notes: 'Add a note about the touch', next: 'Enter a date as YYYY-MM-DD', form: 'Acme & Co is archived' } });
    expect(view.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '⚠️ Acme &amp; Co is archived' } });
    const byId = Object.fromEntries(inputs(checkinForm, { errors: { notes: 'Add a note about the touch', next: 'Enter a date as YYYY-MM-DD' } }).map((b) => [b.block_id, b]));
    expect(byId.notes!.hint).toEqual({ type: 'plain_text', text: '⚠️ Add a note about the touch' });
    expect(byId.next!.hint).toEqual({ type: 'plain_text', text: '⚠️ Enter a date as YYYY-MM-DD — When you plan to follow up' });
    expect(byId.date!).not.toHaveProperty('hint');
  });

  it('carries explicit private metadata, and refuses one Slack would reject', () => {
    expect(toModal(checkinForm, { privateMetadata: '{"channelId":"C1","responseUrl":"https://x"}' }).private_metadata).toBe(
      '{"channelId":"C1","responseUrl":"https://x"}',
    );
    expect(toModal({ ...checkinForm, state: undefined }).private_metadata).toBe('{}');
    expect(() => toModal(checkinForm, { privateMetadata: 'x'.repeat(3001) })).toThrow(RangeError);
  });

  it('truncates title and submit to 24, labels of options to 75, values to 150, placeholders to 150', () => {
    const form: Form = {
      id: 'long',
      title: 'A title far longer than twenty-four characters',
      submitLabel: 'Submit this very long form now',
      fields: [
        {
          id: 'pick',
          label: 'Pick',
          kind: 'select',
          required: true,
          placeholder: 'p'.repeat(200),
          options: [{ label: 'l'.repeat(100), value: 'v'.repeat(200) }],
        },
      ],
    };
    const view = toModal(form);
    expect(view.title.text).toHaveLength(24);
    expect(view.title.text.endsWith('…')).toBe(true);
    expect(view.submit!.text).toHaveLength(24);
    const element = inputs(form)[0]!.element as { options: { text: { text: string }; value: string }[]; placeholder: { text: string } };
    expect(element.options[0]!.text.text).toHaveLength(75);
    expect(element.options[0]!.value).toHaveLength(150);
    expect(element.placeholder.text).toHaveLength(150);
  });

  it('offers at most 100 options, keeping a preselected one that lies beyond them', () => {
    const options = Array.from({ length: 150 }, (_v, i) => ({ label: `Account ${i}`, value: `acc-${i}` }));
    const form: Form = { id: 'f', title: 'T', submitLabel: 'S', fields: [{ id: 'account', label: 'Account', kind: 'select', required: true, options, initial: 'acc-120' }] };
    const element = inputs(form)[0]!.element as { options: { value: string }[]; initial_option: { value: string } };
    expect(element.options).toHaveLength(100);
    expect(element.options[99]!.value).toBe('acc-120');
    expect(element.initial_option.value).toBe('acc-120');
  });
});

describe('values from a submitted view', () => {
  const state = {
    values: {
      account: { account: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'Acme Corp' }, value: 'Acme Corp' } } },
      type: { type: { type: 'static_select', selected_option: null } },
      date: { date: { type: 'datepicker', selected_date: '2026-11-02' } },
      sentiment: { sentiment: { type: 'static_select', selected_option: { value: 'positive' } } },
      notes: { notes: { type: 'plain_text_input', value: 'Walked through <DR> & backups' } },
      next: { next: { type: 'datepicker', selected_date: null } },
      licensed: { licensed: { type: 'number_input', value: '250' } },
    },
  };

  it('reads every element type by field id, missing or empty as ""', () => {
    const form = { fields: [...checkinForm.fields, { id: 'licensed', label: 'Licensed', kind: 'number' as const, required: false }, { id: 'absent', label: 'Absent', kind: 'text' as const, required: false }] };
    expect(valuesFromView(form, state)).toEqual({
      account: 'Acme Corp',
      type: '',
      date: '2026-11-02',
      sentiment: 'positive',
      notes: 'Walked through <DR> & backups',
      next: '',
      licensed: '250',
      absent: '',
    });
  });

  it('reads every block in the state when the form is not at hand', () => {
    expect(valuesFromView(undefined, state)).toMatchObject({ account: 'Acme Corp', notes: 'Walked through <DR> & backups', licensed: '250', next: '' });
  });

  it.each([
    ['plain_text_input', { type: 'plain_text_input', value: 'hello' }, 'hello'],
    ['plain_text_input, empty', { type: 'plain_text_input', value: null }, ''],
    ['static_select', { type: 'static_select', selected_option: { value: 'call' } }, 'call'],
    ['datepicker', { type: 'datepicker', selected_date: '2026-12-01' }, '2026-12-01'],
    ['number_input', { type: 'number_input', value: '42' }, '42'],
    ['radio_buttons', { type: 'radio_buttons', selected_option: { value: '9' } }, '9'],
    ['checkboxes', { type: 'checkboxes', selected_options: [{ value: 'a' }, { value: 'b' }] }, 'a,b'],
    ['timepicker', { type: 'timepicker', selected_time: '09:30' }, '09:30'],
    ['users_select', { type: 'users_select', selected_user: 'U1' }, 'U1'],
  ])('reads a %s', (_name, element, expected) => {
    expect(valuesFromView({ fields: [{ id: 'f', label: 'F', kind: 'text', required: false }] }, { values: { f: { f: element } } })).toEqual({ f: expected });
  });

  it('reads an input whose action_id differs from its block_id', () => {
    expect(valuesFromView({ fields: [{ id: 'f', label: 'F', kind: 'text', required: false }] }, { values: { f: { other: { type: 'plain_text_input', value: 'x' } } } })).toEqual({ f: 'x' });
  });

  it('round-trips a modal: what toModal asks for is what valuesFromView reads', () => {
    const values = Object.fromEntries(
      inputs(checkinForm).map((b) => [b.block_id!, { [b.element.action_id!]: { type: b.element.type, value: 'v', selected_option: { value: 'v' }, selected_date: '2026-01-01' } }]),
    );
    const read = valuesFromView(checkinForm, { values });
    expect(Object.keys(read)).toEqual(checkinForm.fields.map((f) => f.id));
    expect(read.date).toBe('2026-01-01');
    expect(read.notes).toBe('v');
  });
});

describe('errors for a view_submission', () => {
  it('keys errors by block id (the field id) and passes messages whole', () => {
    const long = `Keep notes under 3,000 characters; ${'x'.repeat(300)}`;
    expect(errorsForSlack({ notes: long, date: 'Enter a date as YYYY-MM-DD' })).toEqual({ notes: long, date: 'Enter a date as YYYY-MM-DD' });
  });

  it('moves errors for no field to the first input when the form is known, and fills empty messages', () => {
    expect(errorsForSlack({ form: 'Acme Corp is archived', notes: '' }, checkinForm)).toEqual({ account: 'Acme Corp is archived', notes: 'Check this field.' });
  });
});

/** The facts a reader gets from Block Kit: decoded text, and the buttons. */
function slackFacts(m: Message) {
  const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const texts: string[] = [];
  const buttons: { id: string; value: string; label: string }[] = [];
  for (const b of toSlackMessage(m).blocks) {
    if (b.type === 'header') texts.push(b.text.text);
    if (b.type === 'section') texts.push(...[b.text, ...(b.fields ?? [])].filter(Boolean).map((t) => decode(t!.text)));
    if (b.type === 'context') texts.push(...b.elements.map((e) => decode((e as MrkdwnElement).text)));
    if (b.type === 'actions') {
      for (const e of b.elements as Button[]) buttons.push({ id: actionIdFromSlack(e.action_id!), value: e.value!, label: e.text.text });
    }
  }
  return { text: texts.join('\n'), buttons };
}

function htmlFacts(m: Message) {
  const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  const html = renderHtml(m);
  const buttons = [...html.matchAll(/data-action-id="([^"]*)" data-action-value="([^"]*)">([^<]*)<\/button>/g)].map((x) => ({
    id: decode(x[1]!),
    value: decode(x[2]!),
    label: decode(x[3]!),
  }));
  return { text: decode(html.replace(/<[^>]+>/g, '\n')), buttons };
}

describe('same facts through every renderer', () => {
  const card = message(
    'Acme & Co: health 72',
    [
      header('Acme & Co <EMEA>'),
      text('Renews on **2027-01-31** · owner @ana'),
      fields([field('ARR', '$120,000'), field('Stage', 'adopt'), field('Licensed / active', '250 / 180'), field('Notes', 'Wants <DR> & backups')]),
      context('Last touch: call, 3 days ago'),
      actions([button('checkin.form', 'Log a check-in', 'acc-1', 'primary'), button('account.link', 'Link this channel', 'acc-1'), button('nps.answer', '9', '9'), button('nps.answer', '10', '10')]),
      divider(),
    ],
    { visibility: 'channel' },
  );
  const facts = ['Acme & Co <EMEA>', '2027-01-31', 'owner @ana', 'ARR', '$120,000', 'Stage', 'adopt', 'Licensed / active', '250 / 180', 'Notes', 'Wants <DR> & backups', 'Last touch: call, 3 days ago'];

  it('carries every label and value in Block Kit, the console HTML and plain text', () => {
    const slack = slackFacts(card).text;
    const html = htmlFacts(card).text;
    const plain = renderPlain(card);
    for (const fact of facts) {
      expect(slack, `Slack lacks ${fact}`).toContain(fact);
      expect(html, `HTML lacks ${fact}`).toContain(fact);
      expect(plain, `plain text lacks ${fact}`).toContain(fact);
    }
  });

  it('carries the same buttons — ids, values, labels, in order — in Block Kit and HTML, and their labels in plain text', () => {
    const expected = [
      { id: 'checkin.form', value: 'acc-1', label: 'Log a check-in' },
      { id: 'account.link', value: 'acc-1', label: 'Link this channel' },
      { id: 'nps.answer', value: '9', label: '9' },
      { id: 'nps.answer', value: '10', label: '10' },
    ];
    expect(slackFacts(card).buttons).toEqual(expected);
    expect(htmlFacts(card).buttons).toEqual(expected);
    expect(renderPlain(card)).toContain(expected.map((b) => `[${b.label}]`).join(' '));
  });
});
