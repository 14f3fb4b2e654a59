// Percentages on a card agree with each other as shown: the health card's and the
// health settings' weight shares add up to 100 %, and an NPS card's promoters % −
// detractors % is the NPS it shows.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { resultsMessage } from '../../commands/survey-messages.js';
import { users } from '../../db/schema.js';
import type { Account } from '../../src/core/accounts.js';
import { npsBreakdown } from '../../src/core/nps.js';
import type { Survey, SurveyResults } from '../../src/core/surveys.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const NOW = new Date('2026-11-23T10:00:00Z');

describe.each(ENGINES)('weight shares on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  it('the health card and the settings card show shares that add up to 100 %', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await db().update(users).set({ role: 'admin' }).where(eq(users.id, ctx.user.id));
    // Weights 50 and 30 over the two components with data: 62.5 % and 37.5 %, which
    // rounded one by one read 63 % + 38 %.
    const settings = plain(await t.registry.run(ctx, '/health settings adoption=50 support=30 engagement=0 sentiment=0 financial=0'));
    expect(settings).toContain('adoption: weight 50 (63%)');
    expect(settings).toContain('support: weight 30 (37%)');

    const fresh = await newContext(db(), { now: NOW, workspace: ctx.workspace.externalId });
    await t.registry.run(fresh, '/account add "Acme Corp" licensed=100 active=72');
    const card = plain(await t.registry.run(fresh, '/health "Acme Corp"'));
    expect(card).toContain('Adoption (63%)');
    expect(card).toContain('Support (37%)');
  });
});

describe('the NPS results card', () => {
  const survey = { id: 's-1', number: 7, kind: 'nps', status: 'closed', anonymous: false } as Survey;
  const account = { name: 'Acme Corp' } as Account;
  const results = (scores: number[]): SurveyResults => ({ survey, respondents: scores.length, visible: true, nps: npsBreakdown(scores), reasons: [] });

  it('shows shares whose difference is the NPS it shows', () => {
    // Two promoters and a detractor: 66.7 % and 33.3 %, NPS +33.3 → +33. Rounded one by
    // one the shares would read 67 % − 33 % = 34.
    const out = renderPlain(resultsMessage(results([10, 9, 2]), account, 3));
    expect(out).toContain('NPS: +33');
    expect(out).toContain('Promoters (9–10): 2 (66%)');
    expect(out).toContain('Passives (7–8): 0 (0%)');
    expect(out).toContain('Detractors (0–6): 1 (33%)');
  });

  it('and, where the NPS allows it, shares that add up to 100 %', () => {
    // 1 promoter, 4 passives, 1 detractor: 16.7 / 66.7 / 16.7, NPS 0.
    const out = renderPlain(resultsMessage(results([9, 7, 7, 8, 8, 0]), account, 3));
    expect(out).toContain('NPS: 0');
    expect(out).toContain('Promoters (9–10): 1 (17%)');
    expect(out).toContain('Passives (7–8): 4 (66%)');
    expect(out).toContain('Detractors (0–6): 1 (17%)');
  });
});
