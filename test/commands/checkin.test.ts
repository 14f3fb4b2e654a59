// /checkin by text and by form, on every database engine.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { checkins } from '../../db/schema.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const NOW = new Date('2026-11-23T10:00:00Z'); // a Monday

describe.each(ENGINES)('/checkin on $name', (engine) => {
  const t = registryOn(engine);

  async function workspaceWith(names: string[], options: Parameters<typeof newContext>[1] = {}): Promise<CommandContext> {
    const ctx = await newContext(t.database.db, { now: NOW, ...options });
    for (const name of names) await t.registry.run(ctx, `/account add "${name}"`);
    return ctx;
  }
  const rows = (ctx: CommandContext) => t.database.db.select().from(checkins).where(eq(checkins.workspaceId, ctx.workspace.id));

  it('logs a touch and confirms account, type, when and the gap to the previous touch', async () => {
    const ctx = await workspaceWith(['Acme Corp']);
    const first = await t.registry.run({ ...ctx, now: new Date('2026-11-11T15:00:00Z') }, '/checkin "Acme Corp" email Sent the cost report');
    expect(plain(first)).toContain('Logged an email with Acme Corp today (Wed 11 Nov 2026) — the first touch logged for this account.');

    const second = await t.registry.run(ctx, '/checkin acme corp call Walked through the backup runbook sentiment=positive next=2026-12-01');
    const text = plain(second);
    expect(second.messages[0]!.visibility).toBe('channel');
    expect(text).toContain('Logged a call with Acme Corp today (Mon 23 Nov 2026) — 12 days since the previous touch (email on Wed 11 Nov 2026).');
    expect(text).toContain('> Walked through the backup runbook');
    expect(text).toContain('positive · by @ana · next touch Tue 1 Dec 2026');

    const saved = await rows(ctx);
    expect(saved).toHaveLength(2);
    const call = saved.find((r) => r.type === 'call')!;
    expect(call).toMatchObject({ notes: 'Walked through the backup runbook', sentiment: 'positive', nextStepDate: '2026-12-01', userId: ctx.user.id, channelId: 'general' });
    expect(call.occurredAt.toISOString()).toBe(NOW.toISOString());
  });

  it('finds multi-word names without quotes, even when the name contains a touch word', async () => {
    const ctx = await workspaceWith(['Call Center Inc', 'Globex Email Services']);
    expect(plain(await t.registry.run(ctx, '/checkin Call Center Inc call Quarterly review of the contact flows'))).toContain('Logged a call with Call Center Inc');
    expect(plain(await t.registry.run(ctx, '/checkin globex email services meeting Planned the migration'))).toContain('Logged a meeting with Globex Email Services');
    // The first touch word does not end this name ("Acme" is no account): the next one does.
    await t.registry.run(ctx, '/account add "Acme Review Co"');
    expect(plain(await t.registry.run(ctx, '/checkin Acme Review Co call Went through the review board'))).toContain('Logged a call with Acme Review Co');
    const saved = await rows(ctx);
    expect(saved.map((r) => r.notes).sort()).toEqual(['Planned the migration', 'Quarterly review of the contact flows', 'Went through the review board']);
  });

  it('names the unknown account before any other problem, and saves nothing', async () => {
    const ctx = await workspaceWith(['Acme Corp']);
    expect(plain(await t.registry.run(ctx, '/checkin "Acme Crop" call x date=2030-01-01'))).toMatch(/No account named "Acme Crop"[\s\S]*Did you mean "Acme Corp"/);
    expect(plain(await t.registry.run(ctx, '/checkin "Acme Corp" call x date=2030-01-01'))).toContain('is in the future');
    expect(await rows(ctx)).toEqual([]);
  });

  it('keeps key=value words that are not options in the notes', async () => {
    const ctx = await workspaceWith(['Initech']);
    await t.registry.run(ctx, '/checkin Initech meeting Agreed ratio=3:1 for reserved instances mood=negative');
    const [row] = await rows(ctx);
    expect(row).toMatchObject({ notes: 'Agreed ratio=3:1 for reserved instances', sentiment: 'negative' });
  });

  it('uses the channel’s linked account when the name is left out', async () => {
    const ctx = await workspaceWith(['Hooli'], { channel: 'hooli' });
    await t.registry.run(ctx, '/account link Hooli');
    expect(plain(await t.registry.run(ctx, '/checkin qbr Renewal looks safe'))).toContain('Logged a QBR with Hooli');
  });

  it('reads a leading touch word as an account’s name when one has it, not as the channel’s account', async () => {
    const ctx = await workspaceWith(['Hooli', 'Review'], { channel: 'hooli' });
    await t.registry.run(ctx, '/account link Hooli');
    expect(plain(await t.registry.run(ctx, '/checkin review call Went through the plan'))).toContain('Logged a call with Review');
    expect(plain(await t.registry.run(ctx, '/checkin review Went through the plan'))).toMatch(/Say what kind of touch it was/);
    expect(plain(await t.registry.run(ctx, '/checkin call'))).toMatch(/Add a note about the call[\s\S]*\/checkin "Hooli" call/);
    const saved = await rows(ctx);
    expect(saved.map((r) => r.type)).toEqual(['call']);
  });

  it('backdates with date= and refuses the future', async () => {
    const ctx = await workspaceWith(['Wayne Retail'], { timezone: 'America/New_York' });
    const reply = plain(await t.registry.run(ctx, '/checkin "Wayne Retail" meeting Onsite workshop date=2026-11-20'));
    expect(reply).toContain('Logged a meeting with Wayne Retail on Fri 20 Nov 2026');
    const [row] = await rows(ctx);
    expect(row!.occurredAt.toISOString()).toBe('2026-11-20T17:00:00.000Z'); // midday in New York
    expect(plain(await t.registry.run(ctx, '/checkin "Wayne Retail" call x date=2026-11-24'))).toContain('is in the future');
    expect(plain(await t.registry.run(ctx, '/checkin "Wayne Retail" call x date=2026-11-20 next=2026-11-19'))).toContain('before the touch itself');
    expect(await rows(ctx)).toHaveLength(1);
  });

  it('answers bad input with what to type, and saves nothing', async () => {
    const ctx = await workspaceWith(['Acme Corp', 'Acme Logistics']);
    const cases: [string, RegExp][] = [
      ['/checkin Acme Crop call hello', /No account named "Acme Crop"[\s\S]*Did you mean "Acme Corp"/],
      ['/checkin "Acme Corp" hello there', /Say what kind of touch it was: call, meeting, email, qbr, kickoff, review, other/],
      ['/checkin "Acme Corp" call', /Add a note about the call/],
      ['/checkin "Acme Corp" call hi sentiment=ecstatic', /sentiment=ecstatic: .*positive, neutral, negative/],
      ['/checkin "Acme Corp" call hi next=soon', /next=soon: .*YYYY-MM-DD/],
      ['/checkin Nobody call hi', /No account named "Nobody"/],
    ];
    for (const [input, expected] of cases) {
      const reply = await t.registry.run(ctx, input);
      expect(reply.messages[0]!.tone, input).toBe('error');
      expect(plain(reply), input).toMatch(expected);
      expect(plain(reply), input).toContain('Usage: /checkin <account>');
    }
    expect(await rows(ctx)).toEqual([]);
  });

  it('opens a form with no arguments; the form validates per field and saves only when valid', async () => {
    const ctx = await workspaceWith(['Acme Corp', 'Globex']);
    const opened = await t.registry.run(ctx, '/checkin');
    const form = opened.form!;
    expect(form.id).toBe('checkin');
    expect(form.fields.map((f) => f.id)).toEqual(['account', 'type', 'date', 'sentiment', 'notes', 'next']);
    expect(form.fields[0]!.options!.map((o) => o.value)).toEqual(['Acme Corp', 'Globex']);
    expect(form.fields.find((f) => f.id === 'date')!.initial).toBe('2026-11-23');

    const invalid = await t.registry.submit(ctx, 'checkin', { account: 'Acme Crop', type: 'call', date: '2026-11-30', sentiment: 'neutral', notes: ' ', next: 'soon' });
    expect(invalid.ok).toBe(false);
    if (invalid.ok) throw new Error('unreachable');
    expect(invalid.errors.notes).toMatch(/Add a note/);
    expect(invalid.errors.next).toMatch(/YYYY-MM-DD/);
    expect(await rows(ctx)).toEqual([]);

    const wrongAccount = await t.registry.submit(ctx, 'checkin', { account: 'Acme Crop', type: 'call', date: '2026-11-30', sentiment: 'neutral', notes: 'ok', next: '' });
    expect(wrongAccount.ok).toBe(false);
    if (wrongAccount.ok) throw new Error('unreachable');
    expect(wrongAccount.errors.account).toContain('Did you mean "Acme Corp"');
    expect(wrongAccount.errors.date).toContain('already');

    const valid = await t.registry.submit(ctx, 'checkin', { account: 'Globex', type: 'qbr', date: '2026-11-20', sentiment: 'positive', notes: 'QBR with the sponsor', next: '2027-02-01' }, form.state);
    expect(valid.ok).toBe(true);
    if (!valid.ok) throw new Error('unreachable');
    expect(plain(valid.reply)).toContain('Logged a QBR with Globex on Fri 20 Nov 2026 — the first touch logged for this account.');
    const saved = await rows(ctx);
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ type: 'qbr', sentiment: 'positive', notes: 'QBR with the sponsor', nextStepDate: '2027-02-01' });
  });

  it('starts the form on the account linked to the channel', async () => {
    const ctx = await workspaceWith(['Acme Corp', 'Globex'], { channel: 'globex' });
    await t.registry.run(ctx, '/account link globex');
    const opened = await t.registry.run(ctx, '/checkin');
    expect(opened.form!.fields[0]!.initial).toBe('Globex');
  });

  it('prints usage for help', async () => {
    const ctx = await workspaceWith([]);
    const text = plain(await t.registry.run(ctx, '/checkin help'));
    expect(text).toContain('/checkin <account> <call|meeting|email|qbr|kickoff|review|other> <notes…>');
    expect(text).toContain('Examples');
  });
});
