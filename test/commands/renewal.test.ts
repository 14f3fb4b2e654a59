// /renewals and /renewal on every engine: the window, sorting, risk, the alert
// thresholds, and outcomes that roll the date forward or mark the account churned.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, renewalOutcomes } from '../../db/schema.js';
import { addYear, renewalAlertThreshold } from '../../src/core/renewals.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const NOW = new Date('2026-11-23T10:00:00Z');

describe('renewal alert thresholds and date roll', () => {
  it.each([
    [150, null],
    [121, null],
    [120, 120],
    [91, 120],
    [90, 90],
    [61, 90],
    [60, 60],
    [31, 60],
    [30, 30],
    [0, 30],
    [-1, null],
  ])('%i days left → threshold %s', (days, expected) => {
    expect(renewalAlertThreshold(days)).toBe(expected);
  });
  it('a year on; 29 February becomes 28 February', () => {
    expect(addYear('2027-03-31')).toBe('2028-03-31');
    expect(addYear('2028-02-29')).toBe('2029-02-28');
  });
});

describe.each(ENGINES)('/renewals and /renewal on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  it('lists renewals in the window, soonest first, with risk and reasons', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await t.registry.run(ctx, '/account add "Acme Corp" arr=120k renewal=2027-02-15 licensed=100 active=90');
    await t.registry.run(ctx, '/account add Globex arr=50k renewal=2026-12-20 licensed=100 active=30');
    await t.registry.run(ctx, '/account add Initech arr=80k renewal=2027-06-01');
    await t.registry.run(ctx, '/checkin "Acme Corp" call Kickoff went well');
    const text = plain(await t.registry.run(ctx, '/renewals'));
    expect(text).toContain('Renewals in the next 120 days — 2');
    expect(text.indexOf('Globex')).toBeLessThan(text.indexOf('Acme Corp'));
    expect(text).not.toContain('Initech');
    expect(text).toMatch(/🔴 Globex — .*high risk: .*30% utilization/);
    expect(text).toMatch(/🟢 Acme Corp — .*low risk/);
    expect(plain(await t.registry.run(ctx, '/renewals days=250'))).toContain('Initech');
    expect(plain(await t.registry.run(ctx, '/renewals 20'))).toContain('No renewals in the next 20 days');
    expect(plain(await t.registry.run(ctx, '/renewals days=abc'))).toContain('is not a number of days');
  });

  it('records outcomes: renewed and expanded roll the date a year, churned marks the account', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await t.registry.run(ctx, '/account add "Acme Corp" arr=120k renewal=2027-02-15');
    await t.registry.run(ctx, '/account add Globex arr=50k renewal=2026-12-20');
    expect(plain(await t.registry.run(ctx, '/renewal "Acme Corp" expanded arr=10k'))).toContain('Expanded means the ARR grows');
    const expanded = plain(await t.registry.run(ctx, '/renewal acme corp expanded arr=150k'));
    expect(expanded).toContain('Recorded: Acme Corp expanded. ARR $120,000 → $150,000. Next renewal');
    const [acme] = await db().select().from(accounts).where(and(eq(accounts.workspaceId, ctx.workspace.id), eq(accounts.name, 'Acme Corp')));
    expect([String(acme!.renewalDate), acme!.arrCents]).toEqual(['2028-02-15', 15_000_000]);

    expect(plain(await t.registry.run(ctx, '/renewal Globex churned'))).toContain('Say why it was churned');
    expect(plain(await t.registry.run(ctx, '/renewal Globex churned reason=cheaper'))).toContain('is not a reason code');
    expect(plain(await t.registry.run(ctx, '/renewal Globex renewd'))).toContain('is not an outcome');
    expect(plain(await t.registry.run(ctx, '/renewal Globex churned reason=competitor'))).toContain('The account is marked churned.');
    const [globex] = await db().select().from(accounts).where(and(eq(accounts.workspaceId, ctx.workspace.id), eq(accounts.name, 'Globex')));
    expect(globex!.stage).toBe('churned');
    const outcomes = await db().select().from(renewalOutcomes).where(eq(renewalOutcomes.workspaceId, ctx.workspace.id)).orderBy(renewalOutcomes.recordedAt);
    expect(outcomes.map((o) => [o.outcome, o.reasonCode, o.arrBeforeCents, o.arrAfterCents])).toEqual([
      ['expanded', null, 12_000_000, 15_000_000],
      ['churned', 'competitor', 5_000_000, 0],
    ]);
    expect(plain(await t.registry.run(ctx, '/renewal Globex renewed'))).toContain('already churned');
    expect(plain(await t.registry.run(ctx, '/renewals'))).not.toContain('Globex');
  });
});
