// Renewal outcomes once per renewal, and /renewal undo, on every engine: a second
// outcome for the same renewal (typed again, sent twice at once, or by someone else)
// is refused with who recorded what and when; the next renewal's outcome opens
// half-way to it; undo puts back the renewal date, ARR and stage, removes the outcome
// and its ARR-history row, clears churned_on, is audited, and is the recorder's for a
// day (an admin's any time).
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { accounts, arrHistory, auditLog, renewalOutcomes } from '../../db/schema.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const NOW = new Date('2026-11-23T10:00:00Z');
const at = (ctx: CommandContext, iso: string): CommandContext => ({ ...ctx, now: new Date(iso) });

describe.each(ENGINES)('renewal outcomes once, and undo, on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  /** A colleague in the same workspace. */
  const colleague = (ctx: CommandContext, user: string) => newContext(db(), { workspace: ctx.workspace.externalId, user, now: ctx.now });

  async function account(ctx: CommandContext, name: string) {
    const [row] = await db().select().from(accounts).where(and(eq(accounts.workspaceId, ctx.workspace.id), eq(accounts.name, name)));
    return row!;
  }
  const outcomesOf = async (ctx: CommandContext) =>
    db().select().from(renewalOutcomes).where(eq(renewalOutcomes.workspaceId, ctx.workspace.id)).orderBy(renewalOutcomes.recordedAt);
  const historyOf = async (ctx: CommandContext, accountId: string) =>
    (await db().select().from(arrHistory).where(and(eq(arrHistory.workspaceId, ctx.workspace.id), eq(arrHistory.accountId, accountId))).orderBy(arrHistory.recordedAt)).map((h) => [
      String(h.effectiveOn),
      h.arrCents,
      h.source,
    ]);

  it('an outcome sent twice rolls the date once; the second says who recorded what, when, and how to change it', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await t.registry.run(ctx, '/account add Initech arr=80k renewal=2027-03-31');
    expect(plain(await t.registry.run(ctx, '/renewal Initech renewed'))).toContain('Next renewal Fri 31 Mar 2028');
    const again = plain(await t.registry.run(at(ctx, '2026-11-23T10:05:00Z'), '/renewal Initech renewed'));
    expect(again).toContain('The Wed 31 Mar 2027 renewal of Initech is already recorded: renewed by @ana on Mon 23 Nov 2026 10:00 (UTC)');
    expect(again).toContain('/renewal undo "Initech"');
    expect(again).toContain('/account set "Initech"');
    expect(again).toContain('The outcome of the next renewal, Fri 31 Mar 2028, can be recorded from Wed 28 Jul 2027.');
    // Someone else, later, with another outcome: still the same renewal.
    const ben = await colleague(at(ctx, '2027-02-01T09:00:00Z'), 'ben');
    expect(plain(await t.registry.run(ben, '/renewal Initech expanded arr=90k'))).toContain('already recorded: renewed by @ana');
    expect(String((await account(ctx, 'Initech')).renewalDate)).toBe('2028-03-31');
    expect(await outcomesOf(ctx)).toHaveLength(1);
    // Half-way from the day it was recorded to the next renewal, the next one opens.
    expect(plain(await t.registry.run(at(ctx, '2027-07-27T09:00:00Z'), '/renewal Initech renewed'))).toContain('already recorded');
    expect(plain(await t.registry.run(at(ctx, '2027-07-28T09:00:00Z'), '/renewal Initech renewed'))).toContain('Next renewal Sat 31 Mar 2029');
    expect(await outcomesOf(ctx)).toHaveLength(2);
  });

  it('two sends at the same moment record one outcome', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await t.registry.run(ctx, '/account add Hooli arr=50k renewal=2026-12-15');
    const replies = await Promise.all([t.registry.run(ctx, '/renewal Hooli renewed'), t.registry.run(ctx, '/renewal Hooli renewed')]);
    expect(replies.map(plain).filter((r) => r.includes('Recorded: Hooli renewed'))).toHaveLength(1);
    expect(replies.map(plain).filter((r) => r.includes('already recorded'))).toHaveLength(1);
    expect(String((await account(ctx, 'Hooli')).renewalDate)).toBe('2027-12-15');
  });

  it('/renewal undo restores the renewal date and ARR and removes the outcome and its ARR-history row, audited', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await t.registry.run(ctx, '/account add "Acme Corp" arr=120k renewal=2027-02-15 start=2026-02-15');
    const acme = await account(ctx, 'Acme Corp');
    const recorded = await t.registry.run(ctx, '/renewal "Acme Corp" expanded arr=150k');
    expect(plain(recorded)).toContain('Undo it until Tue 24 Nov 2026 10:00 (UTC): /renewal undo "Acme Corp"');
    expect(await historyOf(ctx, acme.id)).toEqual([
      ['2026-02-15', 12_000_000, 'created'],
      ['2026-11-23', 15_000_000, 'renewal'],
    ]);
    const undone = plain(await t.registry.run(at(ctx, '2026-11-23T15:00:00Z'), '/renewal undo "Acme Corp"'));
    expect(undone).toContain("Undid Acme Corp's expanded outcome: back to renewal Mon 15 Feb 2027, ARR $120,000, stage land");
    const after = await account(ctx, 'Acme Corp');
    expect([String(after.renewalDate), after.arrCents, after.stage]).toEqual(['2027-02-15', 12_000_000, 'land']);
    expect(await outcomesOf(ctx)).toEqual([]);
    expect(await historyOf(ctx, acme.id)).toEqual([['2026-02-15', 12_000_000, 'created']]);
    const [audit] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, ctx.workspace.id), eq(auditLog.entityId, acme.id), eq(auditLog.action, 'undo-renewal')));
    expect(audit).toMatchObject({ actorUserId: ctx.user.id, before: { outcome: 'expanded', renewalDate: '2028-02-15', arrCents: 15_000_000 }, after: { renewalDate: '2027-02-15', arrCents: 12_000_000 } });
    expect(plain(await t.registry.run(ctx, '/account history "Acme Corp"'))).toContain('@ana undid the expanded renewal outcome: ARR $150,000 → $120,000, renewal 2028-02-15 → 2027-02-15');
    // Undone, the renewal can be recorded again, rightly this time.
    expect(plain(await t.registry.run(at(ctx, '2026-11-23T15:01:00Z'), '/renewal "Acme Corp" renewed'))).toContain('Recorded: Acme Corp renewed.');
    expect(plain(await t.registry.run(at(ctx, '2026-11-23T15:02:00Z'), '/renewal undo Acme Corp'))).toContain("Undid Acme Corp's renewed outcome");
    expect(plain(await t.registry.run(at(ctx, '2026-11-23T15:03:00Z'), '/renewal undo Acme Corp'))).toContain('Acme Corp has no renewal outcome to undo.');
  });

  it('undoing a churn puts back the stage and clears churned_on', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await t.registry.run(ctx, '/account add Globex arr=50k renewal=2026-11-01 stage=renew');
    await t.registry.run(ctx, '/renewal Globex churned reason=competitor');
    const churned = await account(ctx, 'Globex');
    expect([churned.stage, String(churned.churnedOn)]).toEqual(['churned', '2026-11-01']);
    expect(plain(await t.registry.run(ctx, '/renewal Globex churned reason=price'))).toContain('Globex has already churned: its Sun 1 Nov 2026 renewal was recorded as churned (reason: competitor) by @ana');
    expect(plain(await t.registry.run(ctx, '/renewal undo Globex'))).toContain('stage renew');
    const back = await account(ctx, 'Globex');
    expect([back.stage, back.churnedOn, String(back.renewalDate), back.arrCents]).toEqual(['renew', null, '2026-11-01', 5_000_000]);
  });

  it('only the person who recorded it can undo it, for a day; an admin any time; the Undo button does the same', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await t.registry.run(ctx, '/account add Initech arr=80k renewal=2027-03-31');
    const recorded = await t.registry.run(ctx, '/renewal Initech renewed');
    const undoButton = recorded.messages[0]!.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : [])).find((a) => a.id === 'renewal.undo');
    expect(undoButton?.label).toBe('Undo');

    const ben = await colleague(ctx, 'ben');
    expect(plain(await t.registry.run(ben, '/renewal undo Initech'))).toContain('recorded by @ana on Mon 23 Nov 2026 10:00 (UTC): only they can undo it');
    expect(plain(await t.registry.press(ben, 'renewal.undo', undoButton!.value))).toContain('only they can undo it');
    expect(plain(await t.registry.run(at(ctx, '2026-11-24T10:01:00Z'), '/renewal undo Initech'))).toContain('it could be undone for a day, until Tue 24 Nov 2026 10:00 (UTC)');
    expect(String((await account(ctx, 'Initech')).renewalDate)).toBe('2028-03-31');

    // Li becomes the workspace's admin: she can undo anyone's outcome, any time.
    const li = await colleague(ctx, 'li');
    await t.registry.run(li, '/tenure admin add @li');
    const admin = await colleague(at(ctx, '2026-12-20T10:00:00Z'), 'li');
    expect(admin.user.role).toBe('admin');
    expect(plain(await t.registry.press(admin, 'renewal.undo', undoButton!.value))).toContain("Undid Initech's renewed outcome: back to renewal Wed 31 Mar 2027");
    const again = plain(await t.registry.press(admin, 'renewal.undo', undoButton!.value));
    expect(again).toContain('That renewal outcome was already undone, so this button does nothing now.');
    expect(again).toContain('record the outcome again with /renewal <account> <renewed|expanded|downgraded|churned>');
  });

  it('undo refuses to overwrite a change made to the account after the outcome', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await t.registry.run(ctx, '/account add Initech arr=80k renewal=2027-03-31');
    await t.registry.run(ctx, '/renewal Initech renewed');
    await t.registry.run(ctx, '/account set Initech arr=95k');
    expect(plain(await t.registry.run(ctx, '/renewal undo Initech'))).toContain('Initech has changed since its renewed outcome was recorded');
    const kept = await account(ctx, 'Initech');
    expect([String(kept.renewalDate), kept.arrCents]).toEqual(['2028-03-31', 9_500_000]);
  });
});
