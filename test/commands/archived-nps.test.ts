// Archived accounts leave every KPI (issue 24, item 6), the NPS of the weekly digest
// and of /kpis included: the answers stay stored and come back when it is restored.
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import type { Reply } from '../../src/messages/message.js';
import { ensureUser } from '../../src/core/workspaces.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { replyButtons, replyText } from '../helpers/reply-parts.js';

const NOW = new Date('2026-11-23T10:00:00Z');

describe.each(ENGINES)('the NPS of an archived account on $name', (engine) => {
  const t = registryOn(engine);
  const as = async (ctx: CommandContext, user: string): Promise<CommandContext> => ({ ...ctx, user: await ensureUser(t.database.db, ctx.workspace.id, { platformUserId: user, displayName: user }) });
  const answer = async (ctx: CommandContext, survey: Reply, score: string) => {
    const button = replyButtons(survey).find((b) => b.label === score)!;
    await t.registry.press(ctx, button.id, button.value);
  };

  it('is left out of the digest’s and /kpis’ NPS while archived, and counted again once restored', async () => {
    const admin = await newContext(t.database.db, { now: NOW });
    await t.registry.run(admin, '/tenure settings currency=USD');
    await t.registry.run(admin, '/account add "Acme Corp" arr=100k');
    await t.registry.run(admin, '/account add Initech arr=50k');
    await answer(await as(admin, 'dana'), await t.registry.run(admin, '/survey nps "Acme Corp"'), '10');
    await answer(await as(admin, 'erin'), await t.registry.run(admin, '/survey nps Initech'), '0');
    const nps = async () => [replyText(await t.registry.run(admin, '/digest now')), replyText(await t.registry.run(admin, '/kpis'))];

    const [digestBefore, kpisBefore] = await nps();
    expect(digestBefore).toContain('NPS this quarter (since Thu 1 Oct 2026): 0 from 2 answers');
    expect(kpisBefore).toContain('NPS (12 months): 0 from 2 answers');

    await t.registry.run(admin, '/account archive Initech');
    const [digestArchived, kpisArchived] = await nps();
    expect(digestArchived).toContain('NPS this quarter (since Thu 1 Oct 2026): +100 from 1 answer\n');
    expect(kpisArchived).toContain('NPS (12 months): +100 from 1 answer\n');

    await t.registry.run(admin, '/account restore Initech');
    const [digestRestored] = await nps();
    expect(digestRestored).toContain('NPS this quarter (since Thu 1 Oct 2026): 0 from 2 answers');
  });
});
