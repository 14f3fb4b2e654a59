// Issue 24, item 8 through the registry on every engine: a text over its limit is
// answered with how long it is and what the limit is, in the same words whether it
// was typed or sent from a form (Slack, Teams and the console all submit forms
// through the registry), and nothing is saved.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { checkins, surveyResponses } from '../../db/schema.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const words = (n: number) => 'abcd '.repeat(Math.ceil(n / 5)).slice(0, n).trimEnd().padEnd(n, 'x');

describe.each(ENGINES)('limits that read well on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  async function workspace(): Promise<CommandContext> {
    const ctx = await newContext(db(), { channel: 'acme-corp' });
    await t.registry.run(ctx, '/account add "Acme Corp"');
    return ctx;
  }

  it('a check-in note over 3,000 characters: the same sentence typed and in the form', async () => {
    const ctx = await workspace();
    const note = words(3_412);
    const typed = plain(await t.registry.run(ctx, `/checkin "Acme Corp" call ${note}`));
    expect(typed).toContain('The note is 3,412 characters long; a note takes at most 3,000.');
    const form = (await t.registry.run(ctx, '/checkin')).form!;
    const submitted = await t.registry.submit(ctx, 'checkin', { account: 'Acme Corp', type: 'call', date: 'today', sentiment: 'neutral', notes: note, next: '' }, form.state);
    expect(submitted.ok).toBe(false);
    if (!submitted.ok) expect(submitted.errors.notes).toBe('The note is 3,412 characters long; a note takes at most 3,000.');
    expect(await db().select().from(checkins).where(eq(checkins.workspaceId, ctx.workspace.id))).toEqual([]);
    // At the limit it is taken.
    expect(plain(await t.registry.run(ctx, `/checkin "Acme Corp" call ${words(3_000)}`))).toContain('Logged a call');
  });

  it('a ticket title and a resolution note over their limits say their length', async () => {
    const ctx = await workspace();
    expect(plain(await t.registry.run(ctx, `/ticket "Acme Corp" major ${words(250)}`))).toContain("The title is 250 characters long; a title takes at most 200.");
  });

  it('a survey reason over 2,000 characters says its length and the limit', async () => {
    const ctx = await workspace();
    await t.registry.run(ctx, '/account link "Acme Corp"');
    const posted = await t.registry.run(ctx, '/survey nps "Acme Corp" force=yes');
    const answer = posted.messages[0]!.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : [])).find((a) => a.label === '9')!;
    const reasonButton = (await t.registry.press(ctx, 'survey.answer', answer.value)).messages
      .flatMap((m) => m.blocks)
      .flatMap((b) => (b.kind === 'actions' ? b.actions : []))
      .find((a) => a.id === 'survey.reason');
    const form = (await t.registry.press(ctx, 'survey.reason', reasonButton!.value)).form!;
    const long = await t.registry.submit(ctx, 'survey.reason', { reason: words(5_001) }, form.state);
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.errors.reason).toBe('The reason is 5,001 characters long; a reason takes at most 2,000.');
    const ok = await t.registry.submit(ctx, 'survey.reason', { reason: 'Fast answers, "DR runbook" was great' }, form.state);
    expect(ok.ok).toBe(true);
    const rows = await db().select().from(surveyResponses).where(eq(surveyResponses.workspaceId, ctx.workspace.id));
    expect(rows.map((r) => r.reason).filter((r) => r !== null)).toEqual(['Fast answers, "DR runbook" was great']);
  });
});
