// Notes and titles keep every character people typed, bidi controls included; only
// what is shown is contained, so an override left open in a note cannot reverse the
// rest of our line in Slack, Teams or the console, and exports carry the text as stored.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { checkins, tickets } from '../../db/schema.js';
import type { Message, Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { renderHtml } from '../../src/platforms/console/render.js';
import { toSlackMessage } from '../../src/platforms/slack/blocks.js';
import { toAdaptiveCard } from '../../src/platforms/teams/cards.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const RLO = '\u202e';
const LRI = '\u2066';
const OPENERS = /[\u202a\u202b\u202d\u202e\u2066-\u2068]/;

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
/** Every rendering of a reply's messages: plain text, Block Kit, Adaptive Card and console HTML. */
const renderings = (reply: Reply) =>
  reply.messages.flatMap((m: Message) => [renderPlain(m), JSON.stringify(toSlackMessage(m)), JSON.stringify(toAdaptiveCard(m)), renderHtml(m)]);

describe.each(ENGINES)('bidi controls in notes on $name', (engine) => {
  const t = registryOn(engine);

  it('a check-in note is stored as typed and shown without its open override', async () => {
    const ctx = await newContext(t.database.db);
    await t.registry.run(ctx, '/account add "Acme Corp"');
    const note = `Sent the ${RLO}fdp.exe report`;
    const reply = await t.registry.run(ctx, `/checkin "Acme Corp" call ${note} next=2026-12-01`);
    expect(plain(reply)).toContain('Sent the fdp.exe report');
    for (const rendered of renderings(reply)) expect(rendered).not.toMatch(OPENERS);

    const [row] = await t.database.db.select().from(checkins).where(eq(checkins.workspaceId, ctx.workspace.id));
    expect(row!.notes).toBe(note);
    const exported = await t.registry.run(ctx, '/export checkins');
    expect(exported.files![0]!.content).toContain(note);
  });

  it('a ticket title is stored as typed; the list line and the card keep our words after it in order', async () => {
    const ctx = await newContext(t.database.db);
    await t.registry.run(ctx, '/account add "Acme Corp"');
    const title = `VPN ${LRI}down since Monday`;
    const opened = await t.registry.run(ctx, `/ticket "Acme Corp" major ${title}`);
    for (const rendered of renderings(opened)) expect(rendered).not.toMatch(OPENERS);

    const listed = await t.registry.run(ctx, '/ticket list');
    expect(plain(listed)).toContain('“VPN down since Monday” ·');
    for (const rendered of renderings(listed)) expect(rendered).not.toMatch(OPENERS);
    const shown = await t.registry.run(ctx, '/ticket 1');
    for (const rendered of renderings(shown)) expect(rendered).not.toMatch(OPENERS);

    const [row] = await t.database.db.select().from(tickets).where(eq(tickets.workspaceId, ctx.workspace.id));
    expect(row!.title).toBe(title);
    const exported = await t.registry.run(ctx, '/export tickets');
    expect(exported.files![0]!.content).toContain(title);
  });
});
