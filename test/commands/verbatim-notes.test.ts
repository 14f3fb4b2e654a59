// Issue 24, item 4 through the registry on every engine: only the account name's
// quotes (and a quoted option value's) are syntax; quotes, apostrophes, backticks,
// *, <, & and emoji in notes, ticket titles and resolution notes are stored exactly
// as typed. Before, `sent the "DR runbook" v2` was stored as `sent the DR runbook v2`.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { checkins, tickets } from '../../db/schema.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');

describe.each(ENGINES)('notes kept verbatim on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  async function workspace(): Promise<CommandContext> {
    const ctx = await newContext(db());
    await t.registry.run(ctx, '/account add "Acme Corp"');
    return ctx;
  }
  const notesOf = async (ctx: CommandContext) => (await db().select().from(checkins).where(eq(checkins.workspaceId, ctx.workspace.id))).map((c) => c.notes);

  const NOTES = [
    'sent the "DR runbook" v2',
    'sent the “DR runbook” v2 and „Anhang“',
    '"quoted at the start" then more',
    "it's O'Brien's call, 'single' quotes too",
    'ran `kubectl get pods -n prod` twice',
    '*urgent* — _really_ ~soon~',
    'latency < 200 ms and > 50 ms, a <b>bold</b> claim & more',
    'went well 🚀🎉 👍🏽',
    'said "say \\"hi\\" now" verbatim',
  ];

  it.each(NOTES)('a check-in note: %s', async (note) => {
    const ctx = await workspace();
    const reply = await t.registry.run(ctx, `/checkin "Acme Corp" call ${note} sentiment=positive`);
    expect(plain(reply)).toContain('Logged a call with Acme Corp');
    expect(await notesOf(ctx)).toEqual([note]);
  });

  it('the account name alone loses its quotes; a note that starts with a quote keeps it, also with a plain name', async () => {
    const ctx = await workspace();
    await t.registry.run(ctx, '/checkin acme corp email "Renewal" deck sent');
    expect(await notesOf(ctx)).toEqual(['"Renewal" deck sent']);
  });

  it('a ticket title and a resolution note', async () => {
    const ctx = await workspace();
    await t.registry.run(ctx, '/ticket "Acme Corp" major "VPN" drops for *all* users <eu-west> 🚨');
    await t.registry.run(ctx, "/ticket resolve 1 Rotated the `vpn-gw` cert; \"temporary\" fix, won't last");
    const [row] = await db().select().from(tickets).where(eq(tickets.workspaceId, ctx.workspace.id));
    expect(row).toMatchObject({ title: '"VPN" drops for *all* users <eu-west> 🚨', resolutionNote: "Rotated the `vpn-gw` cert; \"temporary\" fix, won't last" });
  });
});
