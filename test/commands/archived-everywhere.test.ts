// An archived account takes no new work (issue 24, item 6), on every database engine:
// a check-in, a ticket, a usage reading, a renewal outcome or a channel link on it —
// typed by its whole name, quoted or not, in either word order, in its linked channel,
// through a form or a button — is answered with how to restore it, and nothing is
// written; the forms do not offer it; reading it (its card, its history, its tickets)
// and restoring it still find it by name.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { accountChannels, auditLog, checkins, renewalOutcomes, tickets, usageReadings } from '../../db/schema.js';
import { importCsv } from '../../src/data/import.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { replyButtons, replyText } from '../helpers/reply-parts.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const RESTORE = 'Initech is archived: restore it with /account restore "Initech" (admins) to log work against it.';

describe.each(ENGINES)('new work on an archived account on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  /** Acme Corp and Initech (archived), Initech's channel linked before it was archived; one touch and one ticket each. */
  async function workspace(): Promise<{ admin: CommandContext; inInitech: CommandContext }> {
    const admin = await newContext(db(), { now: NOW });
    await t.registry.run(admin, '/tenure settings currency=USD');
    const inInitech = await newContext(db(), { now: NOW, workspace: admin.workspace.externalId, channel: 'initech-team' });
    for (const line of ['/account add "Acme Corp" arr=100k renewal=2027-01-15', '/account add Initech arr=50k renewal=2027-01-10', '/checkin Initech call Said they are winding down', '/ticket Initech critical Mail down']) {
      expect(replyText(await t.registry.run(admin, line))).toMatch(/^✅|Added|Logged|Opened/m);
    }
    expect(replyText(await t.registry.run(inInitech, '/account link Initech internal'))).toContain('Linked');
    expect(replyText(await t.registry.run(admin, '/account archive Initech'))).toContain('Archived Initech');
    return { admin, inInitech };
  }

  /** Every row new work would add: touches, tickets, readings, outcomes, channel links and audit entries. */
  async function written(ctx: CommandContext): Promise<number[]> {
    const ws = ctx.workspace.id;
    return Promise.all([
      db().select().from(checkins).where(eq(checkins.workspaceId, ws)),
      db().select().from(tickets).where(eq(tickets.workspaceId, ws)),
      db().select().from(usageReadings).where(eq(usageReadings.workspaceId, ws)),
      db().select().from(renewalOutcomes).where(eq(renewalOutcomes.workspaceId, ws)),
      db().select().from(accountChannels).where(eq(accountChannels.workspaceId, ws)),
      db().select().from(auditLog).where(eq(auditLog.workspaceId, ws)),
    ]).then((tables) => tables.map((rows) => rows.length));
  }

  it('answers every command that would log new work on it with how to restore it, writes nothing, and still finds it to read, correct and restore', async () => {
    const { admin, inInitech } = await workspace();
    const before = await written(admin);
    const refusals: [CommandContext, string][] = [
      [admin, '/checkin Initech call Asked about the renewal'],
      [admin, '/checkin "Initech" meeting Asked about the renewal'],
      [admin, '/checkin initech email Asked about the renewal'],
      [admin, '/checkin call "Initech" Asked about the renewal'],
      [inInitech, '/checkin call Asked about the renewal'],
      [admin, '/ticket Initech critical VPN down'],
      [admin, '/ticket "Initech" major VPN down'],
      [admin, '/ticket critical Initech VPN down'],
      [inInitech, '/ticket minor VPN down'],
      [admin, '/usage Initech active=10'],
      [admin, '/usage "Initech" licensed=20 spend=1k'],
      [inInitech, '/usage active=10'],
      [admin, '/renewal Initech renewed'],
      [admin, '/renewal "Initech" churned reason=budget'],
      [admin, '/account link Initech'],
      [admin, '/account link "Initech" internal'],
    ];
    for (const [ctx, line] of refusals) expect(replyText(await t.registry.run(ctx, line)), line).toContain(RESTORE);
    expect(await written(admin)).toEqual(before);

    // Reading it, correcting it and restoring it still find it by name; restored, it takes work again.
    expect(replyText(await t.registry.run(admin, '/account "Initech"'))).toContain('Initech is archived since');
    expect(replyText(await t.registry.run(admin, '/account history Initech'))).toContain('logged a call check-in');
    expect(replyText(await t.registry.run(admin, '/ticket list Initech'))).toContain('Mail down');
    expect(replyText(await t.registry.run(admin, '/account set Initech tier=gold'))).toContain('Updated Initech: tier.');
    expect(replyText(await t.registry.run(admin, '/account restore "Initech"'))).toContain('Restored Initech');
    expect(replyText(await t.registry.run(admin, '/checkin Initech call Back on track'))).toContain('Logged a call with Initech');
    expect(replyText(await t.registry.run(admin, '/usage Initech active=10'))).toContain('Recorded usage for Initech');
  });

  it('refuses it in the check-in and ticket forms, offers it in neither, and does not take it from a button', async () => {
    const { admin, inInitech } = await workspace();
    const before = await written(admin);
    // Opened in its linked channel, the form starts on no account and lists only live ones.
    for (const form of [(await t.registry.run(inInitech, '/checkin')).form!, (await t.registry.run(inInitech, '/ticket')).form!]) {
      const field = form.fields.find((f) => f.id === 'account')!;
      expect(field.options!.map((o) => o.value)).toEqual(['Acme Corp']);
      expect(field.initial).toBeUndefined();
    }
    const checkin = await t.registry.submit(admin, 'checkin', { account: 'Initech', type: 'call', date: '2026-11-23', sentiment: 'neutral', notes: 'Asked about the renewal' }, {});
    expect(checkin).toEqual({ ok: false, errors: { account: RESTORE } });
    const ticket = await t.registry.submit(admin, 'ticket', { account: 'initech', severity: 'major', title: 'VPN down' });
    expect(ticket).toEqual({ ok: false, errors: { account: RESTORE } });
    // The account card's Link this channel button (its id).
    const [initech] = await db().select().from(accountChannels).where(eq(accountChannels.workspaceId, admin.workspace.id));
    expect(replyText(await t.registry.press(admin, 'account.link', initech!.accountId))).toContain(RESTORE);
    expect(await written(admin)).toEqual(before);
  });

  it('does not log the same touch again from the duplicate question once the account is archived', async () => {
    const { admin } = await workspace();
    await t.registry.run(admin, '/account restore Initech');
    const asked = await t.registry.run(admin, '/checkin Initech call Said they are winding down');
    const again = replyButtons(asked).find((b) => b.id === 'checkin.again')!;
    expect(again).toBeDefined();
    await t.registry.run(admin, '/account archive Initech');
    const before = await written(admin);
    expect(replyText(await t.registry.press(admin, again.id, again.value))).toContain(RESTORE);
    expect(await written(admin)).toEqual(before);
  });

  it('takes no usage row for it from a CSV or the API (a PSA company: test/psa/contract.ts)', async () => {
    const { admin } = await workspace();
    const before = await written(admin);
    const csv = 'account,date,active users,licensed users\nInitech,2026-11-20,40,50\nAcme Corp,2026-11-20,70,100\n';
    const report = await importCsv(db(), admin.workspace.id, csv, { actor: { userId: admin.user.id, now: NOW }, source: 'api' });
    expect(report.errors).toEqual([{ line: 2, message: RESTORE }]);
    expect(report.created).toBe(1);
    const readings = await db().select().from(usageReadings).where(eq(usageReadings.workspaceId, admin.workspace.id));
    expect(readings).toHaveLength(1);
    expect((await written(admin))[2]).toBe(before[2]! + 1);
  });
});
