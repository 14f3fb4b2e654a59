// Undo, edit and asking before a duplicate (issue 24, item 6) for check-ins, on every
// database engine: the Undo button on a check-in's confirmation and /checkin undo work
// for the person who logged it, for a day; /checkin edit <id> corrects your own; the
// same touch sent twice the same day is asked about before it is saved. All audited.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { accountChannels, auditLog, channelSettings, checkins, tickets, usageReadings } from '../../db/schema.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { replyButtons, replyText, undoButton } from '../helpers/reply-parts.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const HOUR = 60 * 60_000;
const plain = replyText;
const buttons = replyButtons;

describe.each(ENGINES)('check-in undo, edit and duplicates on $name', (engine) => {
  const t = registryOn(engine);

  async function workspace(): Promise<{ ana: CommandContext; bo: CommandContext }> {
    const ana = await newContext(t.database.db, { now: NOW });
    const bo = await newContext(t.database.db, { now: NOW, user: 'bo', workspace: ana.workspace.externalId });
    await t.registry.run(ana, '/account add "Acme Corp"');
    return { ana, bo };
  }
  const rows = (ctx: CommandContext) => t.database.db.select().from(checkins).where(eq(checkins.workspaceId, ctx.workspace.id));
  const audit = (ctx: CommandContext, action: string) =>
    t.database.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, ctx.workspace.id), eq(auditLog.entityType, 'checkin'), eq(auditLog.action, action)));

  it('puts an Undo button and the short id on the confirmation; it works for who logged it, once, and is audited', async () => {
    const { ana, bo } = await workspace();
    const logged = await t.registry.run(ana, '/checkin "Acme Corp" call Walked through the "DR runbook"');
    const [undo] = buttons(logged);
    const [row] = await rows(ana);
    expect(undo).toMatchObject({ id: 'checkin.undo', label: 'Undo', value: row!.id });
    expect(plain(logged)).toContain('#1 · ⚪ neutral · by @ana');
    expect(plain(logged)).toContain('Wrong? Undo it until Tue 24 Nov 2026 10:00 (UTC), or correct it with /checkin edit 1.');

    const refused = await t.registry.press({ ...bo, now: new Date(NOW.getTime() + HOUR) }, 'checkin.undo', undo!.value);
    expect(plain(refused)).toContain('Check-in #1 (call with Acme Corp) was made by @ana: only they can undo it');
    expect(await rows(ana)).toHaveLength(1);

    const undone = await t.registry.press({ ...ana, now: new Date(NOW.getTime() + HOUR) }, 'checkin.undo', undo!.value);
    expect(undone.update?.text).toBe('Undid check-in #1: the call with Acme Corp on Mon 23 Nov 2026 is no longer logged.');
    expect(await rows(ana)).toEqual([]);
    const [entry] = await audit(ana, 'undo');
    expect(entry).toMatchObject({ entityId: row!.id, actorUserId: ana.user.id, before: { notes: 'Walked through the "DR runbook"', number: 1, type: 'call' } });
    expect(plain(await t.registry.press(ana, 'checkin.undo', undo!.value))).toContain('That check-in was already undone');
  });

  it('/checkin undo takes back your own last check-in, for a day', async () => {
    const { ana, bo } = await workspace();
    await t.registry.run(ana, '/checkin "Acme Corp" email Sent the cost report');
    await t.registry.run({ ...ana, now: new Date(NOW.getTime() + HOUR) }, '/checkin "Acme Corp" meeting Planned the migration');
    await t.registry.run({ ...bo, now: new Date(NOW.getTime() + 2 * HOUR) }, '/checkin "Acme Corp" call Bo’s own call');
    const undone = await t.registry.run({ ...ana, now: new Date(NOW.getTime() + 3 * HOUR) }, '/checkin undo');
    expect(plain(undone)).toContain('Undid check-in #2: the meeting with Acme Corp on Mon 23 Nov 2026 is no longer logged.');
    expect((await rows(ana)).map((r) => r.notes).sort()).toEqual(['Bo’s own call', 'Sent the cost report']);
    const late = await t.registry.run({ ...ana, now: new Date(NOW.getTime() + 25 * HOUR) }, '/checkin undo');
    expect(plain(late)).toContain('it could be undone for a day, until Tue 24 Nov 2026 10:00 (UTC)');
    expect(plain(late)).toContain('Correct it with /checkin edit 1');
    expect(plain(await t.registry.run(ana, '/checkin undo now'))).toContain('Usage: /checkin undo');
    // An account named Undo still takes touches.
    await t.registry.run(ana, '/account add Undo');
    expect(plain(await t.registry.run(ana, '/checkin undo call Checked in'))).toContain('Logged a call with Undo');
  });

  it('/checkin edit <id> opens your own check-in in a form and saves what changed, audited', async () => {
    const { ana, bo } = await workspace();
    await t.registry.run(ana, '/checkin "Acme Corp" call Walked through the runbook');
    const opened = await t.registry.run(ana, '/checkin edit #1');
    const form = opened.form!;
    expect(form.id).toBe('checkin.edit');
    expect(Object.fromEntries(form.fields.map((f) => [f.id, f.initial]))).toMatchObject({ type: 'call', date: '2026-11-23', sentiment: 'neutral', notes: 'Walked through the runbook' });
    const values = { type: 'meeting', date: '2026-11-23', sentiment: 'positive', notes: 'Walked through the "DR runbook" with `ops` <3', next: '2026-12-01' };
    const saved = await t.registry.submit(ana, 'checkin.edit', values, form.state);
    expect(saved.ok && plain(saved.reply)).toContain('Check-in #1 with Acme Corp: changed the kind, the sentiment, the note, the next touch.');
    const [row] = await rows(ana);
    expect(row).toMatchObject({ type: 'meeting', sentiment: 'positive', notes: values.notes, nextStepDate: '2026-12-01', occurredAt: NOW });
    const [entry] = await audit(ana, 'edit');
    expect(entry!.before).toMatchObject({ type: 'call', sentiment: 'neutral', notes: 'Walked through the runbook', nextStepDate: null });
    expect(entry!.after).toMatchObject({ type: 'meeting', sentiment: 'positive', nextStepDate: '2026-12-01' });

    // The edit's own Undo puts the touch back as it was.
    const undoEdit = saved.ok ? buttons(saved.reply).find((b) => b.label === 'Undo')! : undefined;
    expect(undoEdit?.id).toBe('checkin.undo-edit');
    const reverted = await t.registry.press({ ...ana, now: new Date(NOW.getTime() + HOUR) }, undoEdit!.id, undoEdit!.value);
    expect(reverted.update?.text).toBe('Undid the edit of check-in #1 with Acme Corp: it reads as before.');
    expect((await rows(ana))[0]).toMatchObject({ type: 'call', sentiment: 'neutral', notes: 'Walked through the runbook', nextStepDate: null, occurredAt: NOW });
    expect(await audit(ana, 'undo-edit')).toHaveLength(1);
    expect(plain(await t.registry.press({ ...ana, now: new Date(NOW.getTime() + HOUR) }, undoEdit!.id, undoEdit!.value))).toContain('was changed again since');
    await t.registry.submit(ana, 'checkin.edit', values, form.state);

    expect(plain(await t.registry.run(bo, '/checkin edit 1'))).toContain('Check-in #1 was logged by @ana: only they can edit it.');
    expect(plain(await t.registry.run(ana, '/checkin edit 99'))).toContain('There is no check-in #99.');
    expect(plain(await t.registry.run(ana, '/checkin edit'))).toMatch(/Which check-in\?[\s\S]*Usage: \/checkin edit <id>/);
    expect(await t.registry.submit(ana, 'checkin.edit', { ...values, notes: '' }, form.state)).toEqual({ ok: false, errors: { notes: 'Add a note about the touch' } });
    expect(await t.registry.submit(ana, 'checkin.edit', { ...values, next: '2026-11-01' }, form.state)).toEqual({ ok: false, errors: { next: 'The next touch must come after this one' } });
  });

  it('asks before saving the same touch twice on one day, and logs it when told to', async () => {
    const { ana } = await workspace();
    await t.registry.run(ana, '/checkin "Acme Corp" call Walked through the runbook sentiment=positive');
    const again = await t.registry.run({ ...ana, now: new Date(NOW.getTime() + HOUR) }, '/checkin acme corp call Walked through the runbook sentiment=positive');
    expect(plain(again)).toContain('This call with Acme Corp on Mon 23 Nov 2026 is already logged with the same note (#1, logged Mon 23 Nov 2026 10:00 (UTC)): nothing was saved.');
    expect(await rows(ana)).toHaveLength(1);
    const [button] = buttons(again);
    expect(button).toMatchObject({ id: 'checkin.again', label: 'Log it again' });
    const logged = await t.registry.press({ ...ana, now: new Date(NOW.getTime() + HOUR) }, 'checkin.again', button!.value);
    expect(plain(logged)).toContain('Logged a call with Acme Corp today');
    expect((await rows(ana)).map((r) => [r.number, r.sentiment])).toEqual([
      [1, 'positive'],
      [2, 'positive'],
    ]);
    // Another note, another kind or another day is another touch.
    expect(plain(await t.registry.run(ana, '/checkin "Acme Corp" call Walked through the runbook again'))).toContain('Logged a call');
    expect(plain(await t.registry.run({ ...ana, now: new Date(NOW.getTime() + 24 * HOUR) }, '/checkin "Acme Corp" call Walked through the runbook'))).toContain('Logged a call');
    // The form asks too.
    const form = { account: 'Acme Corp', type: 'email', date: '2026-11-23', sentiment: 'neutral', notes: 'Sent the report', next: '' };
    await t.registry.submit(ana, 'checkin', form, {});
    const twice = await t.registry.submit(ana, 'checkin', form, {});
    expect(twice.ok && plain(twice.reply)).toContain('is already logged with the same note');
  });

  it('puts Undo on a ticket’s opening, acknowledgement and resolution, for who did it, for a day; audited', async () => {
    const { ana, bo } = await workspace();
    const later = (ctx: CommandContext, hours: number) => ({ ...ctx, now: new Date(NOW.getTime() + hours * HOUR) });
    const ticket = async () => (await t.database.db.select().from(tickets).where(eq(tickets.workspaceId, ana.workspace.id)))[0];
    const opened = await t.registry.run(ana, '/ticket "Acme Corp" critical VPN down');
    const undoOpen = undoButton(opened);
    expect(undoOpen.id).toBe('ticket.undo-open');
    expect(plain(opened)).toContain('Undo works for you until Tue 24 Nov 2026 10:00 (UTC).');
    const acked = await t.registry.run(later(bo, 1), '/ticket ack 1');
    const undoAck = undoButton(acked);
    // The opening is no longer the ticket's latest step.
    expect(plain(await t.registry.press(later(ana, 1), undoOpen.id, undoOpen.value))).toContain('Ticket #1 has moved on since its opening (it is acknowledged now)');
    expect(plain(await t.registry.press(later(ana, 1), undoAck.id, undoAck.value))).toContain('The acknowledgement of ticket #1 was made by @bo: only they can undo it');
    const ackUndone = await t.registry.press(later(bo, 2), undoAck.id, undoAck.value);
    expect(ackUndone.update?.text).toBe('#1 for Acme Corp: acknowledgement undone: it is open again and its first-response clock runs.');
    expect(await ticket()).toMatchObject({ status: 'open', firstResponseAt: null, firstResponseByUserId: null });

    // Resolved without an acknowledgement: the resolution was the first response, and goes with it.
    const resolved = await t.registry.run(later(ana, 3), '/ticket resolve 1 Restarted the tunnel');
    const undoResolve = undoButton(resolved);
    expect(plain(await t.registry.press(later(ana, 28), undoResolve.id, undoResolve.value))).toContain('it could be undone for a day');
    expect((await t.registry.press(later(ana, 4), undoResolve.id, undoResolve.value)).update?.text).toBe('#1 for Acme Corp: resolution undone: it is open again.');
    expect(await ticket()).toMatchObject({ status: 'open', resolvedAt: null, resolutionNote: null, firstResponseAt: null });

    // An opening still the latest step is undone by deleting the ticket.
    const second = await t.registry.run(later(ana, 5), '/ticket "Acme Corp" minor Typo on the portal');
    const undoSecond = undoButton(second);
    expect((await t.registry.press(later(ana, 6), undoSecond.id, undoSecond.value)).update?.text).toBe('#2 for Acme Corp: opening undone: the ticket is deleted.');
    expect((await t.database.db.select().from(tickets).where(eq(tickets.workspaceId, ana.workspace.id))).map((r) => r.number)).toEqual([1]);
    const entries = await t.database.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, ana.workspace.id), eq(auditLog.entityType, 'ticket')));
    expect(entries.map((e) => e.action).filter((a) => a.startsWith('undo-')).sort()).toEqual(['undo-ack', 'undo-open', 'undo-resolve']);
  });

  it('puts Undo on /account set: the fields go back for who changed them, for a day, unless changed since; audited', async () => {
    const { ana, bo } = await workspace();
    const later = (ctx: CommandContext, hours: number) => ({ ...ctx, now: new Date(NOW.getTime() + hours * HOUR) });
    await t.registry.run(ana, '/account set "Acme Corp" arr=100k renewal=2027-03-31 tier=gold');
    const changed = await t.registry.run(later(ana, 1), '/account set acme arr=150k tier=none');
    const undo = undoButton(changed);
    expect(undo.id).toBe('account.undo-set');
    expect(plain(await t.registry.press(later(bo, 2), undo.id, undo.value))).toContain('That change to Acme Corp was made by @ana: only they can undo it');
    const undone = await t.registry.press(later(ana, 2), undo.id, undo.value);
    expect(undone.update?.text).toBe('Undid the change to Acme Corp: ARR, tier back as they were.');
    const card = plain(await t.registry.run(ana, '/account "Acme Corp"'));
    expect(card).toContain('ARR: $100,000');
    expect(card).toContain('Tier: gold');
    // A field changed again since is not overwritten.
    const again = await t.registry.run(later(ana, 3), '/account set "Acme Corp" arr=120k');
    await t.registry.run(later(ana, 4), '/account set "Acme Corp" arr=130k');
    const stale = undoButton(again);
    expect(plain(await t.registry.press(later(ana, 5), stale.id, stale.value))).toContain('Acme Corp has changed since (arrCents)');
    const updates = await t.database.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, ana.workspace.id), eq(auditLog.entityType, 'account'), eq(auditLog.action, 'update')));
    expect(updates).toHaveLength(5);
  });

  it('puts Undo on /account add: removed while nothing is recorded for it, else archive instead', async () => {
    const { ana, bo } = await workspace();
    const added = await t.registry.run(ana, '/account add "Acme Crop"');
    const undo = undoButton(added);
    expect(undo.id).toBe('account.undo-add');
    expect(plain(await t.registry.press(bo, undo.id, undo.value))).toContain('Adding Acme Crop was made by @ana: only they can undo it');
    expect((await t.registry.press(ana, undo.id, undo.value)).update?.text).toBe('Undid adding Acme Crop: the account is removed.');
    expect(plain(await t.registry.run(ana, '/account list'))).not.toContain('Acme Crop');
    const used = await t.registry.run(ana, '/account add Globex');
    await t.registry.run(ana, '/checkin Globex call Kickoff');
    const keep = undoButton(used);
    expect(plain(await t.registry.press(ana, keep.id, keep.value))).toContain('Globex already has check-ins, tickets, surveys, usage or a linked channel, so adding it cannot be undone.');
    const [entry] = await t.database.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, ana.workspace.id), eq(auditLog.action, 'undo-create')));
    expect(entry!.before).toMatchObject({ name: 'Acme Crop' });
  });

  it('puts Undo on /usage: the reading goes and the seat counts it set come back', async () => {
    const { ana, bo } = await workspace();
    const later = (ctx: CommandContext, hours: number) => ({ ...ctx, now: new Date(NOW.getTime() + hours * HOUR) });
    await t.registry.run(ana, '/usage "Acme Corp" active=40 licensed=100');
    const recorded = await t.registry.run(later(ana, 1), '/usage acme active=400 licensed=500 spend=12000');
    const undo = undoButton(recorded);
    expect(undo.id).toBe('usage.undo');
    expect(plain(await t.registry.press(later(bo, 2), undo.id, undo.value))).toContain('That usage reading was made by @ana: only they can undo it');
    expect((await t.registry.press(later(ana, 2), undo.id, undo.value)).update?.text).toBe('Undid the usage reading for Acme Corp: its seat counts are back as they were.');
    const readings = await t.database.db.select().from(usageReadings).where(eq(usageReadings.workspaceId, ana.workspace.id));
    expect(readings.map((r) => [r.activeUsers, r.licensedUsers])).toEqual([[40, 100]]);
    expect(plain(await t.registry.run(ana, '/account "Acme Corp"'))).toMatch(/40 of 100|40\/100/);
    expect(plain(await t.registry.press(later(ana, 3), undo.id, undo.value))).toContain('That usage reading was already undone');
  });

  it('puts Undo on /account link: the channel goes back to no account, or to the one it had', async () => {
    const { ana, bo } = await workspace();
    const later = (ctx: CommandContext, hours: number) => ({ ...ctx, now: new Date(NOW.getTime() + hours * HOUR) });
    const linkedTo = async () => (await t.database.db.select().from(accountChannels).where(eq(accountChannels.workspaceId, ana.workspace.id))).map((l) => [l.channelId, l.kind]);
    const first = undoButton(await t.registry.run(ana, '/account link "Acme Corp" internal'));
    expect(first.id).toBe('account.undo-link');
    expect(plain(await t.registry.press(later(bo, 1), first.id, first.value))).toContain('That channel link was made by @ana: only they can undo it');
    expect((await t.registry.press(later(ana, 1), first.id, first.value)).update?.text).toBe('Undid the link: this channel is linked to no account again.');
    expect(await linkedTo()).toEqual([]);
    await t.registry.run(later(ana, 2), '/account link "Acme Corp" internal');
    await t.registry.run(later(ana, 2), '/account add Globex');
    const moved = undoButton(await t.registry.run(later(ana, 3), '/account link Globex internal'));
    expect((await t.registry.press(later(ana, 4), moved.id, moved.value)).update?.text).toBe('Undid the link: this channel is Acme Corp’s internal channel again.');
    const [acme] = await t.database.db.select().from(accountChannels).where(eq(accountChannels.workspaceId, ana.workspace.id));
    expect(plain(await t.registry.run(ana, '/account "Acme Corp"'))).toContain('general');
    expect(acme!.kind).toBe('internal');
  });

  it('puts Undo on /digest schedule and /digest off: the schedule goes back as it was', async () => {
    const { ana, bo } = await workspace();
    const later = (ctx: CommandContext, hours: number) => ({ ...ctx, now: new Date(NOW.getTime() + hours * HOUR) });
    const schedule = async () => (await t.database.db.select().from(channelSettings).where(eq(channelSettings.workspaceId, ana.workspace.id))).map((c) => [c.digestEnabled, c.digestDay, c.digestTime]);
    await t.registry.run(ana, '/digest schedule mon 09:00');
    const moved = undoButton(await t.registry.run(later(ana, 1), '/digest schedule fri 10:00'));
    expect(moved.id).toBe('digest.undo');
    expect(plain(await t.registry.press(later(bo, 2), moved.id, moved.value))).toContain('Only workspace admins can change the weekly digest');
    expect((await t.registry.press(later(ana, 2), moved.id, moved.value)).update?.text).toBe('Undid the change: the weekly digest is back to every Monday at 09:00.');
    expect(await schedule()).toEqual([[true, 'mon', '09:00']]);
    const off = undoButton(await t.registry.run(later(ana, 3), '/digest off'));
    expect((await t.registry.press(later(ana, 4), off.id, off.value)).update?.text).toBe('Undid the change: the weekly digest is back to every Monday at 09:00.');
    expect(await schedule()).toEqual([[true, 'mon', '09:00']]);
    expect(plain(await t.registry.press(later(ana, 5), off.id, off.value))).toContain('The digest schedule has changed since');
    // A button naming a moment nothing changed at says so, and what to type instead.
    const nothing = plain(await t.registry.press(later(ana, 6), 'digest.undo', JSON.stringify({ c: ana.channel.id, at: later(ana, 7).now.toISOString() })));
    expect(nothing).toContain('not in the audit log');
    expect(nothing).toContain('/digest schedule <day> <time>');
  });
});
