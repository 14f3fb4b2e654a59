// "Log as check-in" from a chat message (issue 24, item 7), the platform-neutral half
// that Slack's message shortcut and Teams' message action both press: the form with
// the message as the note, the channel's account preselected, and the author and link
// kept with the touch once the form is sent. On every database engine.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { CHECKIN_FROM_MESSAGE, CHECKIN_SHORTCUTS } from '../../commands/checkin-from-message.js';
import type { CommandContext } from '../../commands/context.js';
import { checkins } from '../../db/schema.js';
import type { Form, Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const initial = (form: Form, id: string) => form.fields.find((f) => f.id === id)?.initial;
const LINK = 'https://acme-partner.slack.com/archives/C0CUSTOMER/p1764583200000100';

describe.each(ENGINES)('Log as check-in from a message on $name', (engine) => {
  const t = registryOn(engine);

  async function customerChannel(): Promise<CommandContext> {
    const ctx = await newContext(t.database.db, { now: NOW, channel: 'acme-shared' });
    await t.registry.run(ctx, '/account add "Acme Corp"');
    await t.registry.run(ctx, '/account add Globex');
    await t.registry.run(ctx, '/account link "Acme Corp"');
    return ctx;
  }
  const pressed = (ctx: CommandContext, message: unknown) => t.registry.press(ctx, CHECKIN_FROM_MESSAGE, JSON.stringify(message));

  it('opens the check-in form with the message as the note and the channel’s account chosen', async () => {
    const ctx = await customerChannel();
    const text = 'We sent the "DR runbook" v2 — they’ll test *restore* on Friday <3 🎉';
    const reply = await pressed(ctx, { text, authorName: 'Jo Customer', link: LINK });
    expect(reply.messages).toEqual([]);
    const form = reply.form!;
    expect(form.id).toBe('checkin');
    expect(initial(form, 'account')).toBe('Acme Corp');
    expect(initial(form, 'notes')).toBe(text);
    expect(form.state).toEqual({ channelId: 'acme-shared', sourceAuthor: 'Jo Customer', sourceLink: LINK });
  });

  it('keeps the note verbatim, the author and the link with the touch once the form is sent', async () => {
    const ctx = await customerChannel();
    const text = 'We sent the "DR runbook" v2 — `restore` <tested> *today* 🎉';
    const { form } = await pressed(ctx, { text, authorName: 'Jo Customer', link: LINK });
    const values = { account: initial(form!, 'account')!, type: 'email', date: '2026-11-23', sentiment: 'positive', notes: initial(form!, 'notes')!, next: '' };
    const sent = await t.registry.submit(ctx, 'checkin', values, form!.state);
    expect(sent.ok).toBe(true);
    const answer = sent.ok ? plain(sent.reply) : '';
    expect(answer).toContain('Logged an email with Acme Corp today');
    expect(answer).toContain(`from a message by Jo Customer ${LINK}`);
    const [row] = await t.database.db.select().from(checkins).where(eq(checkins.workspaceId, ctx.workspace.id));
    expect(row).toMatchObject({ notes: text, type: 'email', sentiment: 'positive', sourceAuthor: 'Jo Customer', sourceLink: LINK, channelId: 'acme-shared' });
  });

  it('starts on no account in a channel linked to none, and an empty note for a message without text', async () => {
    const ctx = { ...(await customerChannel()), channel: { id: 'random' } };
    const { form } = await pressed(ctx, { text: '', authorName: 'Ana' });
    expect(initial(form!, 'account')).toBeUndefined();
    expect(initial(form!, 'notes')).toBeUndefined();
    expect(form!.state).toEqual({ channelId: 'random', sourceAuthor: 'Ana' });
  });

  it('cuts a message longer than a note keeps, and says so on the field', async () => {
    const ctx = await customerChannel();
    const { form } = await pressed(ctx, { text: 'x'.repeat(4_210), link: LINK });
    const notes = form!.fields.find((f) => f.id === 'notes')!;
    expect(notes.initial).toHaveLength(3_000);
    expect(notes.initial!.endsWith('…')).toBe(true);
    expect(notes.hint).toBe('The message is 4,210 characters long and a note keeps 3,000, so its end was cut; the link to the whole message is kept with the check-in.');
  });

  it('refuses what is not a message, with the way to log it by hand, and keeps no link that is not a web link', async () => {
    const ctx = await customerChannel();
    const notJson = plain(await t.registry.press(ctx, CHECKIN_FROM_MESSAGE, 'not json'));
    expect(notJson).toContain('That message could not be read for a check-in');
    expect(notJson).toContain('Usage: /checkin');
    expect(plain(await pressed(ctx, { text: 'hi', link: 'javascript:alert(1)' }))).toContain('link: not a web link');
    // A forged form state (it travels through the platform) keeps only a web link.
    const { form } = await pressed(ctx, { text: 'hi' });
    const values = { account: 'Acme Corp', type: 'call', date: '2026-11-23', sentiment: 'neutral', notes: 'hi', next: '' };
    await t.registry.submit(ctx, 'checkin', values, { ...form!.state, sourceLink: 'javascript:alert(1)' });
    const [row] = await t.database.db.select().from(checkins).where(eq(checkins.workspaceId, ctx.workspace.id));
    expect(row).toMatchObject({ notes: 'hi', sourceLink: null, sourceAuthor: null });
  });

  it('declares the message shortcut and the global one as actions the registry answers', async () => {
    expect(CHECKIN_SHORTCUTS.map((s) => [s.kind, s.id, s.name])).toEqual([
      ['message', 'checkin.from-message', 'Log as check-in'],
      ['global', 'checkin.form', 'Log a check-in'],
    ]);
    const ctx = await customerChannel();
    // The global shortcut opens the empty form from anywhere.
    const global = await t.registry.press({ ...ctx, channel: { id: 'U-ana-dm' } }, 'checkin.form', '');
    expect(global.form?.id).toBe('checkin');
    expect(initial(global.form!, 'notes')).toBeUndefined();
  });
});
