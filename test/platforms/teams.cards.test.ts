// Teams' renderer (pure): every block kind, markdown escaping, rows of at most six
// buttons, the size limit, form cards with errors and kept values, submissions read
// back — each card checked by Microsoft's Adaptive Cards parser — and the same facts
// as the Slack renderer.
import { describe, expect, it } from 'vitest';
import { actions, button, context, divider, field, fields, header, message, text } from '../../src/messages/builders.js';
import type { Form, Message } from '../../src/messages/message.js';
import { toSlackMessage } from '../../src/platforms/slack/blocks.js';
import { CARD_LIMITS, escapeMarkdown, messageActivity, toAdaptiveCard, toCardMarkdown } from '../../src/platforms/teams/cards.js';
import { readSubmission, toFormCard } from '../../src/platforms/teams/form-card.js';
import { cardButtons, cardInputs, cardProblems, cardText, submitData, unmark } from '../helpers/adaptive-card.js';

const checked = (m: Message) => {
  const card = toAdaptiveCard(m);
  expect(cardProblems(card)).toEqual([]);
  return card;
};

describe('Teams renderer: block kinds', () => {
  it('renders header, text, fields, context, actions and divider as valid Adaptive Card 1.5 elements', () => {
    const card = checked(
      message('Acme', [
        header('Acme Corp'),
        text('Renews **2027-01-31**'),
        fields([field('ARR', '$120,000'), field('Stage', 'adopt')]),
        divider(),
        context('by @ana · `call`'),
        actions([button('checkin.form', 'Log a check-in', 'acc-1', 'primary'), button('account.link', 'Unlink', 'acc-1', 'danger')]),
      ]),
    );
    expect(card.body).toEqual([
      { type: 'TextBlock', text: 'Acme Corp', wrap: true, size: 'Medium', weight: 'Bolder', style: 'heading' },
      { type: 'TextBlock', text: 'Renews **2027\\-01\\-31**'.replace(/\\-/g, '-'), wrap: true },
      { type: 'FactSet', facts: [{ title: 'ARR', value: '$120,000' }, { title: 'Stage', value: 'adopt' }] },
      { type: 'TextBlock', text: 'by @ana · call', wrap: true, isSubtle: true, size: 'Small', separator: true, spacing: 'Medium' },
      {
        type: 'ActionSet',
        actions: [
          { type: 'Action.Submit', title: 'Log a check-in', data: { tenureVerb: 'tenure.press', tenureAction: 'checkin.form', tenureValue: 'acc-1' }, style: 'positive' },
          { type: 'Action.Submit', title: 'Unlink', data: { tenureVerb: 'tenure.press', tenureAction: 'account.link', tenureValue: 'acc-1' }, style: 'destructive' },
        ],
      },
    ]);
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5', msteams: { width: 'Full' }, fallbackText: 'Acme' });
  });

  it('escapes user text so markdown cannot format or link it, keeping **bold**', () => {
    expect(escapeMarkdown('a_b *c* [x](http://e) `y` \\')).toBe('a\\_b \\*c\\* \\[x\\](http://e) \\`y\\` \\\\');
    expect(escapeMarkdown('- not a list\n1. nor this\n# nor a heading')).toBe('\\- not a list\n1\\. nor this\n\\# nor a heading');
    expect(toCardMarkdown('**Acme_EU** owes *nothing*\n`x_y`')).toBe('**Acme\\_EU** owes \\*nothing\\*\n\nx\\_y');
    const hostile = 'Wants <DR> & [backups](http://evil) _now_';
    expect(unmark(cardText(checked(message('x', [text(hostile)]))))).toContain(hostile);
  });

  it('shows "> " lines as an emphasised container and an error message in the attention colour', () => {
    const card = checked(message('x', [text('Said:\n> we love it\n> truly')], { tone: 'error' }));
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', color: 'Attention', text: 'Said:' });
    expect(card.body[1]).toMatchObject({ type: 'Container', style: 'emphasis', items: [{ type: 'TextBlock', text: 'we love it\n\ntruly' }] });
  });

  it('has a card checker that does reject bad cards (unknown elements, seven buttons in a row, no version)', () => {
    const seven = Array.from({ length: 7 }, (_v, i) => ({ type: 'Action.Submit', title: String(i), data: {} }));
    expect(cardProblems({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Bogus' }] })).not.toEqual([]);
    expect(cardProblems({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'ActionSet', actions: seven }] })).not.toEqual([]);
    expect(cardProblems({ type: 'AdaptiveCard', body: [] })).not.toEqual([]);
  });

  it('puts at most six buttons in a row: a 0–10 scale takes two rows', () => {
    const scale = Array.from({ length: 11 }, (_v, i) => button('nps.answer', String(i), String(i)));
    const card = checked(message('How likely…', [actions(scale)]));
    const rows = card.body.filter((e) => e.type === 'ActionSet') as { actions: unknown[] }[];
    expect(rows.map((r) => r.actions.length)).toEqual([6, 5]);
    expect(cardButtons(card).map((b) => b.value)).toEqual(scale.map((b) => b.value));
  });

  it('stays under Teams’ card size limit, saying how much was left out', () => {
    const many = Array.from({ length: 400 }, (_v, i) => text(`**Account ${i}** · renews 2027-01-31 · ${'x'.repeat(60)}`));
    const card = checked(message('Long list', many));
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(CARD_LIMITS.cardBytes);
    expect(cardText(card)).toMatch(/…and \d+ more$/);
  });

  it('wraps a card in a message activity with a summary for notifications', () => {
    expect(messageActivity(message('Logged a call with **Acme**', [text('x')]))).toMatchObject({
      type: 'message',
      summary: 'Logged a call with Acme',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' }],
    });
  });
});

const form: Form = {
  id: 'checkin',
  title: 'Log a check-in',
  submitLabel: 'Log check-in',
  state: { channelId: '19:ops@thread.tacv2' },
  fields: [
    { id: 'account', label: 'Account', kind: 'select', required: true, options: Array.from({ length: 12 }, (_v, i) => ({ label: `Acct ${i}`, value: `Acct ${i}` })), initial: 'Acct 3' },
    { id: 'type', label: 'Kind of touch', kind: 'select', required: true, initial: 'call', options: [{ label: 'call', value: 'call' }, { label: 'qbr', value: 'qbr' }] },
    { id: 'date', label: 'When', kind: 'date', required: true, initial: '2026-11-20' },
    { id: 'seats', label: 'Seats', kind: 'number', required: false, initial: '12' },
    { id: 'notes', label: 'Notes', kind: 'textarea', required: true, placeholder: 'What was discussed' },
    { id: 'next', label: 'Next touch', kind: 'date', required: false, hint: 'When you plan to follow up' },
  ],
};

describe('Teams form cards', () => {
  it('renders every field kind as an input with label, required flag and initial value', () => {
    const card = toFormCard(form);
    expect(cardProblems(card)).toEqual([]);
    const inputs = cardInputs(card);
    expect(Object.keys(inputs)).toEqual(['account', 'type', 'date', 'seats', 'notes', 'next']);
    expect(inputs.account).toMatchObject({ type: 'Input.ChoiceSet', style: 'filtered', value: 'Acct 3', isRequired: true, errorMessage: 'Account is required' });
    expect(inputs.type).toMatchObject({ type: 'Input.ChoiceSet', style: 'compact', value: 'call' });
    expect(inputs.date).toMatchObject({ type: 'Input.Date', value: '2026-11-20' });
    expect(inputs.seats).toMatchObject({ type: 'Input.Number', value: 12, isRequired: false });
    expect(inputs.notes).toMatchObject({ type: 'Input.Text', isMultiline: true, placeholder: 'What was discussed' });
    expect(cardText(card)).toContain('When you plan to follow up');
  });

  it('shows server-side errors under their fields and at the top, keeping the submitted values', () => {
    const values = { account: 'Acct 5', type: 'qbr', date: '2026-11-21', seats: 'x', notes: '', next: '2026-01-01' };
    const card = toFormCard(form, { errors: { notes: 'Add a note about the touch', next: 'The next touch must come after this one', general: 'Tenure is read-only today' }, values });
    expect(cardProblems(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('⚠️ Add a note about the touch');
    expect(text).toContain('⚠️ The next touch must come after this one');
    expect(text.indexOf('⚠️ Tenure is read-only today')).toBeLessThan(text.indexOf('Account'));
    const inputs = cardInputs(card);
    expect(inputs.account!.value).toBe('Acct 5');
    expect(inputs.next!.value).toBe('2026-01-01');
    expect(inputs.seats!.value).toBeUndefined();
  });

  it('reads a submission back: the form from the action data, every field as a string', () => {
    const data = submitData(toFormCard(form))[0]!;
    const read = readSubmission({ ...data, account: 'Acct 1', seats: 7, notes: 'Hello', stray: 'ignored' });
    expect(read?.form.id).toBe('checkin');
    expect(read?.state).toEqual({ channelId: '19:ops@thread.tacv2' });
    expect(read?.values).toEqual({ account: 'Acct 1', type: '', date: '', seats: '7', notes: 'Hello', next: '' });
    expect(readSubmission({ tenureVerb: 'tenure.submit', tenureForm: { id: 'x' } })).toBeNull();
    expect(readSubmission('nope')).toBeNull();
  });

  it('keeps a check-in form with a hundred accounts under Teams’ size limit, carrying its definition while it fits', () => {
    const accounts = Array.from({ length: 100 }, (_v, i) => ({ label: `Customer account number ${i}`, value: `Customer account number ${i}` }));
    const big = { ...form, fields: form.fields.map((f) => (f.id === 'account' ? { ...f, options: accounts } : f)) };
    const card = toFormCard(big);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(CARD_LIMITS.cardBytes);
    expect(readSubmission(submitData(card)[0])?.renderable).toBe(true);
    // Longer names: the pick list rides on the card only, and the submission says it cannot be re-rendered.
    const long = { ...form, fields: form.fields.map((f) => (f.id === 'account' ? { ...f, options: accounts.map((o) => ({ label: o.label.repeat(4), value: o.value.repeat(4) })) } : f)) };
    const trimmed = toFormCard(long);
    expect(cardProblems(trimmed)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(trimmed))).toBeLessThan(28_000);
    const read = readSubmission({ ...submitData(trimmed)[0], account: 'x' });
    expect(read?.renderable).toBe(false);
    expect(read?.values.account).toBe('x');
  });

  it('refuses a field id that would collide with its own data keys', () => {
    expect(() => toFormCard({ ...form, fields: [{ id: 'tenureForm', label: 'x', kind: 'text', required: false }] })).toThrow(/reserved/);
  });
});

describe('same facts in Slack and Teams', () => {
  const card = message(
    'Acme & Co: health 72',
    [
      header('Acme & Co <EMEA>'),
      text('Renews on **2027-01-31** · owner @ana'),
      fields([field('ARR', '$120,000'), field('Stage', 'adopt'), field('Licensed / active', '250 / 180'), field('Notes', 'Wants <DR> & backups_v2')]),
      context('Last touch: call, 3 days ago'),
      actions([button('checkin.form', 'Log a check-in', 'acc-1', 'primary'), button('account.link', 'Link this channel', 'acc-1'), button('nps.answer', '9', '9'), button('nps.answer', '10', '10')]),
      divider(),
    ],
    { visibility: 'channel' },
  );
  const facts = ['Acme & Co <EMEA>', '2027-01-31', 'owner @ana', 'ARR', '$120,000', 'Stage', 'adopt', 'Licensed / active', '250 / 180', 'Notes', 'Wants <DR> & backups_v2', 'Last touch: call, 3 days ago'];
  const slackText = () => {
    const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    return decode(JSON.stringify(toSlackMessage(card).blocks).replace(/\\n/g, '\n').replace(/\*/g, ''));
  };

  it('carries every label and value, and the same buttons in the same order', () => {
    const teams = checked(card);
    const text = cardText(teams);
    for (const fact of facts) {
      expect(text, `Teams lacks ${fact}`).toContain(fact);
      expect(slackText(), `Slack lacks ${fact}`).toContain(fact);
    }
    const slackButtons = toSlackMessage(card)
      .blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []))
      .map((e) => e as { action_id: string; value: string; text: { text: string } })
      .map((e) => ({ id: e.action_id.replace(/#\d+$/, ''), value: e.value, label: e.text.text }));
    expect(cardButtons(teams)).toEqual(slackButtons);
  });
});
