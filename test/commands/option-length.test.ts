// An over-long key=value option is answered, through the real registry, with the
// option, its length and the limit, plus the command's usage — before any pattern
// reads the value, and without writing anything.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, renewalOutcomes, usageReadings } from '../../db/schema.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { newContext, registryOn } from '../helpers/context.js';
import { ENGINES } from '../helpers/engines.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');

describe.each(ENGINES)('over-long options on $name', (engine) => {
  const t = registryOn(engine);

  it('name the option, its length and the limit, show the usage, and change nothing', async () => {
    const ctx = await newContext(t.database.db);
    await t.registry.run(ctx, '/account add Globex arr=100k');
    // 3,002 characters (a whole command takes at most 4,000): spaces the money pattern once backtracked over.
    const spaces = `1${' '.repeat(3_000)}x`;
    const cases = [
      [`/renewal Globex renewed arr="${spaces}"`, 'The value of arr= is 3,002 characters long; an option takes at most 200.', 'Usage: /renewal'],
      [`/usage Globex spend="${spaces}"`, 'The value of spend= is 3,002 characters long; an option takes at most 200.', 'Usage: /usage'],
      // The key as typed, also through an alias (users= is active=).
      [`/usage Globex users="${spaces}"`, 'The value of users= is 3,002 characters long; an option takes at most 200.', 'Usage: /usage'],
      [`/account set Globex arr="${spaces}"`, 'The value of arr= is 3,002 characters long; an option takes at most 200.', 'Usage: /account set'],
      // Within the option limit, the amount's own limit speaks.
      [`/account set Globex arr=${'9'.repeat(150)}`, 'the amount is 150 characters long; at most 100 are allowed', 'Usage: /account set'],
    ] as const;
    for (const [input, expected, usage] of cases) {
      const reply = await t.registry.run(ctx, input);
      const shown = plain(reply);
      expect(reply.messages[0]!.tone, input.slice(0, 40)).toBe('error');
      expect(shown, input.slice(0, 40)).toContain(expected);
      expect(shown, input.slice(0, 40)).toContain(usage);
      // The value itself is not echoed back.
      expect(shown.length, input.slice(0, 40)).toBeLessThan(2_000);
    }
    // Over the command limit, whatever the door: one answer naming the length and the limit.
    const huge = await t.registry.run(ctx, `/account add "${'A'.repeat(40_000)}" arr="${spaces}"`);
    expect(huge.messages[0]!.tone).toBe('error');
    expect(plain(huge)).toContain('That command is 43,024 characters long; a command takes at most 4,000.');
    expect(plain(huge).length).toBeLessThan(2_000);
    const [account] = await t.database.db.select().from(accounts).where(eq(accounts.workspaceId, ctx.workspace.id));
    expect(account).toMatchObject({ name: 'Globex', arrCents: 10_000_000 });
    expect(await t.database.db.select().from(usageReadings).where(eq(usageReadings.workspaceId, ctx.workspace.id))).toEqual([]);
    expect(await t.database.db.select().from(renewalOutcomes).where(eq(renewalOutcomes.workspaceId, ctx.workspace.id))).toEqual([]);
  });
});
