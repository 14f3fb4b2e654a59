// Issue 24, item 3: every example in every command's help runs through the registry
// and succeeds (no UserError, nothing logged as an internal error) on a workspace
// seeded with what the example names: the accounts Acme Corp, Globex and Initech,
// and the ticket, survey, check-in or token it refers to by number. Each example gets
// a fresh workspace, so an example that adds Acme Corp is not refused as a duplicate.
// The clock is a parameter and no example carries a calendar date of its own (they
// use relative words such as next=in 2 weeks or 31 Mar), so they do not go stale:
// the suite runs them on two days a year apart.
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { createRegistry } from '../../commands/registry.js';
import { users } from '../../db/schema.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { collectingLog, newContext, registryOn } from '../helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const EXAMPLES = createRegistry(collectingLog())
  .list()
  .flatMap((command) => command.examples.map((example) => ({ command: command.name, example })));

/**
 * Examples that need a PSA connection (a TENURE_SECRET_KEY, a ConnectWise server and
 * the companies it has sent) to succeed: run here only for not being an internal error.
 */
const NEEDS_A_PSA = /^\/tenure connect (?!list\b|remove\b)/;

/** The quick start's commands in README.md, as a new user pastes them (comments dropped). */
const README_QUICKSTART = (() => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /Type the same commands you would type in Slack:\s*```\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s{2,}\(.*\)$/, '').trim())
    .filter((line) => line.startsWith('/'));
})();

/** A calendar date written out in full: ISO, numeric with a year, or a day, month and year. */
const FIXED_DATE = /\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{4}\b/i;

describe('help examples', () => {
  it('every command has at least one example', () => {
    const registry = createRegistry(collectingLog());
    for (const command of registry.list()) expect(command.examples.length, command.name).toBeGreaterThan(0);
  });

  it.each(EXAMPLES)('$command: "$example" carries no fixed calendar date', ({ example }) => {
    expect(example).not.toMatch(FIXED_DATE);
  });

  it("README's quick start is found and carries no fixed calendar date", () => {
    expect(README_QUICKSTART.length).toBeGreaterThan(4);
    expect(README_QUICKSTART).toContain('/checkin');
    for (const line of README_QUICKSTART) expect(line).not.toMatch(FIXED_DATE);
  });
});

// Two days a year apart: an example that works on one and not the other has gone stale.
const DAYS = [new Date('2026-12-06T10:00:00Z'), new Date('2027-12-06T10:00:00Z')];

describe.each(ENGINES)('every help example succeeds on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  /** Runs a seeding command, which must itself succeed. */
  async function seed(ctx: CommandContext, input: string): Promise<Reply> {
    const reply = await t.registry.run(ctx, input);
    expect(reply.messages.filter((m) => m.tone === 'error').map(renderPlain), `seeding: ${input}`).toEqual([]);
    return reply;
  }

  /** A fresh workspace holding what `example` refers to; its user is an admin. */
  async function workspaceFor(example: string, now: Date): Promise<CommandContext> {
    const ctx = await newContext(db(), { now, channel: 'acme-ops' });
    await db().update(users).set({ role: 'admin' }).where(eq(users.id, ctx.user.id));
    const added = /^\/account add "([^"]+)"/.exec(example)?.[1];
    for (const name of ['Acme Corp', 'Globex', 'Initech']) {
      if (name !== added) await seed(ctx, `/account add "${name}" arr=100k licensed=250 active=70 renewal=in 2 months`);
    }
    const numbered = (pattern: RegExp) => Number(pattern.exec(example)?.[1] ?? 0);
    for (let i = numbered(/^\/ticket (?:ack|resolve|reopen) #?(\d+)/); i > 0; i--) await seed(ctx, `/ticket Globex minor Seeded ticket ${i}`);
    const reopened = numbered(/^\/ticket reopen #?(\d+)/);
    if (reopened) await seed(ctx, `/ticket resolve ${reopened} Seeded fix`);
    for (let i = numbered(/^\/survey (?:results|close) #?(\d+)/); i > 0; i--) await seed(ctx, '/survey nps Globex force=yes');
    for (let i = numbered(/^\/checkin edit #?(\d+)/) || (/^\/checkin undo\b/.test(example) ? 1 : 0); i > 0; i--) await seed(ctx, `/checkin Globex call Seeded touch ${i}`);
    for (let i = numbered(/^\/tenure token revoke #?(\d+)/); i > 0; i--) await seed(ctx, `/tenure token create seeded ${i}`);
    const undone = /^\/renewal undo "([^"]+)"/.exec(example)?.[1];
    if (undone) await seed(ctx, `/renewal "${undone}" renewed`);
    const restored = /^\/account restore "([^"]+)"/.exec(example)?.[1];
    if (restored) await seed(ctx, `/account archive "${restored}"`);
    if (/^\/tenure admin remove (@\S+)/.test(example)) await seed(ctx, `/tenure admin add ${/^\/tenure admin remove (@\S+)/.exec(example)![1]}`);
    return ctx;
  }

  it.each(EXAMPLES)('$command: $example', async ({ example }) => {
    for (const now of DAYS) {
      const ctx = await workspaceFor(example, now);
      const reply = await t.registry.run(ctx, example);
      if (NEEDS_A_PSA.test(example)) continue; // answered, not failed: the suite's log must stay empty
      const errors = reply.messages.filter((m) => m.tone === 'error');
      expect(errors.map(renderPlain), `${example} on ${now.toISOString().slice(0, 10)}:\n${plain(reply)}`).toEqual([]);
    }
  });

  it("README's quick start succeeds line by line on a workspace with Acme Corp", async () => {
    for (const now of DAYS) {
      const ctx = await workspaceFor('', now);
      for (const line of README_QUICKSTART) {
        const reply = await t.registry.run(ctx, line);
        expect(reply.messages.filter((m) => m.tone === 'error').map(renderPlain), `${line} on ${now.toISOString().slice(0, 10)}`).toEqual([]);
      }
    }
  });
});
