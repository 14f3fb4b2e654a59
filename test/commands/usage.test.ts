// /usage records a reading, keeps the account's seat counts current, and refuses bad input.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, auditLog, usageReadings } from '../../db/schema.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');

describe.each(ENGINES)('/usage on $name', (engine) => {
  const t = registryOn(engine);

  it('records active, licensed, spend and forecast, and updates the account', async () => {
    const ctx = await newContext(t.database.db, { channel: 'acme' });
    await t.registry.run(ctx, '/account add "Acme Corp" licensed=100 active=50');
    const reply = plain(await t.registry.run(ctx, '/usage "Acme Corp" active=72 spend=$10.5k forecast=$10k'));
    expect(reply).toContain('Recorded usage for Acme Corp: 72 of 100 licensed users active (72%), spend $10,500, forecast $10,000, +5% against forecast.');
    const [reading] = await t.database.db.select().from(usageReadings).where(eq(usageReadings.workspaceId, ctx.workspace.id));
    expect(reading).toMatchObject({ activeUsers: 72, licensedUsers: null, spendCents: 1_050_000, forecastCents: 1_000_000, source: 'chat' });
    const [account] = await t.database.db.select().from(accounts).where(eq(accounts.workspaceId, ctx.workspace.id));
    expect(account).toMatchObject({ activeUsers: 72, licensedUsers: 100 });
    // Audited as every recording of usage is: once per account, on the account (src/core/usage.ts).
    const audit = await t.database.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, ctx.workspace.id), eq(auditLog.entityId, account!.id)));
    const usageEntries = audit.filter((a) => a.action !== 'create').map((a) => [a.entityType, a.action, a.actorUserId, a.after]);
    expect(usageEntries.sort()).toEqual([
      ['account', 'import-usage', ctx.user.id, { readings: 1, source: 'chat' }],
      ['account', 'update', ctx.user.id, { activeUsers: 72 }],
    ]);
    await t.registry.run(ctx, '/account link "Acme Corp"');
    expect(plain(await t.registry.run(ctx, '/usage licensed=120'))).toContain('Recorded usage for Acme Corp: 120 licensed users.');
  });

  it('answers bad input with what to type and records nothing', async () => {
    const ctx = await newContext(t.database.db);
    await t.registry.run(ctx, '/account add Globex');
    for (const [input, expected] of [
      ['/usage Globex', /at least one reading/],
      ['/usage Globex active=lots', /active=lots: .*whole number/],
      ['/usage Globex spend=cheap', /spend=cheap: .*amount/],
      ['/usage Globex active=90 licensed=80', /more than licensed/],
      ['/usage Globx active=3', /Did you mean "Globex"/],
      ['/usage active=3', /Which account/],
      ['/usage Globex colour=red', /Unknown field "colour"/],
    ] as const) {
      const reply = await t.registry.run(ctx, input);
      expect(reply.messages[0]!.tone, input).toBe('error');
      expect(plain(reply), input).toMatch(expected);
      expect(plain(reply), input).toContain('Usage: /usage <account>');
    }
    expect(await t.database.db.select().from(usageReadings).where(eq(usageReadings.workspaceId, ctx.workspace.id))).toEqual([]);
  });
});
