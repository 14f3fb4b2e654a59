// Issue 24, item 3: every example in every command's help runs through the registry
// and succeeds (no UserError, nothing logged as an internal error) on a workspace
// seeded with what the example names: the accounts Acme Corp, Globex and Initech,
// and the ticket, survey, check-in or token it refers to by number. Each example gets
// a fresh workspace, so an example that adds Acme Corp is not refused as a duplicate.
// The clock is a parameter and no example carries a calendar date of its own (they
// use relative words such as next=in 2 weeks or 31 Mar), so they do not go stale:
// the suite runs them on two days a year apart. The /tenure connect examples run
// against the local ConnectWise fake of the PSA contract tests (test/psa), with a
// secret key as TENURE_SECRET_KEY gives it: the workspace has ConnectWise connected
// and imported, with the company and account the examples name.
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { createRegistry, type Registry } from '../../commands/registry.js';
import { users } from '../../db/schema.js';
import type { SchedulerLog } from '../../src/jobs/scheduler.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { collectingLog, newContext, registryOn } from '../helpers/context.js';
import { FakeConnectwise } from '../psa/fake-connectwise.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const EXAMPLES = createRegistry(collectingLog())
  .list()
  .flatMap((command) => command.examples.map((example) => ({ command: command.name, example })));

/** Examples that look after a PSA connection: their workspace has ConnectWise connected first. */
const NEEDS_A_PSA = /^\/tenure connect (?!connectwise$)/;
/** What the examples name in the PSA: the company of `/tenure connect map "Contoso Ltd." to "Contoso"`. */
const CONTOSO = { id: 250, name: 'Contoso Ltd.' };
const KEY = Buffer.alloc(32, 5);

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
  const psa = new FakeConnectwise();
  /** What the PSA sync logged as a warning or an error: nothing, or the suite fails. */
  const psaProblems: string[] = [];
  const psaLog: SchedulerLog = { info: () => undefined, warn: (_d, m) => void psaProblems.push(m), error: (_d, m) => void psaProblems.push(m) };
  let registry: Registry;

  beforeAll(async () => {
    await psa.start();
    psa.setCompanies([CONTOSO, { id: 300, name: 'Globex' }]);
    psa.put({ id: 1001, company: CONTOSO, title: 'Backups failing', priority: 'major', openedAt: '2026-11-20T10:00:00Z' });
    psa.put({ id: 1002, company: { id: 300, name: 'Globex' }, title: 'VPN slow', priority: 'minor', openedAt: '2026-11-20T11:00:00Z' });
    // The suite's registry, with what /tenure connect needs from the server.
    registry = createRegistry(t.log, { connect: { key: KEY, publicUrl: () => undefined, logger: psaLog } });
  });
  afterAll(async () => {
    await psa.stop();
    expect(psaProblems).toEqual([]);
  });

  /** Runs a seeding command, which must itself succeed. */
  async function seed(ctx: CommandContext, input: string): Promise<Reply> {
    const reply = await registry.run(ctx, input);
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
    if (NEEDS_A_PSA.test(example)) await connectPsa(ctx);
    return ctx;
  }

  /** ConnectWise connected and its first import confirmed, as an admin does it; Contoso Ltd. is left unmatched for map. */
  async function connectPsa(ctx: CommandContext): Promise<void> {
    const submitted = await registry.submit(ctx, 'connect.credentials', psa.form(), { connector: 'connectwise' });
    if (!submitted.ok) throw new Error(`seeding the PSA: ${JSON.stringify(submitted.errors)}`);
    const confirm = submitted.reply.messages[0]!.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : []))[0]!;
    const imported = await registry.press(ctx, confirm.id, confirm.value);
    expect(plain(imported), 'seeding the PSA').toContain('ConnectWise PSA imported: 1 ticket synced, 1 kept aside');
    await seed(ctx, '/account add Contoso');
  }

  it.each(EXAMPLES)('$command: $example', async ({ example }) => {
    for (const now of DAYS) {
      const ctx = await workspaceFor(example, now);
      const reply = await registry.run(ctx, example);
      const errors = reply.messages.filter((m) => m.tone === 'error');
      expect(errors.map(renderPlain), `${example} on ${now.toISOString().slice(0, 10)}:\n${plain(reply)}`).toEqual([]);
    }
  });

  it("README's quick start succeeds line by line on a workspace with Acme Corp", async () => {
    for (const now of DAYS) {
      const ctx = await workspaceFor('', now);
      for (const line of README_QUICKSTART) {
        const reply = await registry.run(ctx, line);
        expect(reply.messages.filter((m) => m.tone === 'error').map(renderPlain), `${line} on ${now.toISOString().slice(0, 10)}`).toEqual([]);
      }
    }
  });
});
