// /survey through the registry on every engine: posting, one-click answers,
// changes, reasons, anonymity, fatigue, closing, low-score alerts, results.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { surveyResponses, surveys } from '../../db/schema.js';
import { listSurveys, recordAnswer, respondentKeyFor, surveyByNumber } from '../../src/core/surveys.js';
import { ensureUser } from '../../src/core/workspaces.js';
import type { Action, Message, Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { expectLines } from '../helpers/expect-lines.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const NOW = new Date('2026-11-23T10:00:00Z');
const buttonsOf = (reply: Reply): Action[] => reply.messages.flatMap((m) => m.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : [])));

describe.each(ENGINES)('/survey on $name', (engine) => {
  const t = registryOn(engine);

  /** The same workspace seen by another person (as their platform would sign them in). */
  async function as(ctx: CommandContext, user: string): Promise<CommandContext> {
    const u = await ensureUser(t.database.db, ctx.workspace.id, { platformUserId: user, displayName: user });
    return { ...ctx, user: u };
  }
  async function setup(accountOwner = 'ana'): Promise<CommandContext> {
    const ctx = await newContext(t.database.db, { now: NOW, channel: 'acme' });
    await t.registry.run(ctx, `/account add "Acme Corp" owner=@${accountOwner}`);
    return ctx;
  }
  const press = (ctx: CommandContext, reply: Reply, label: string, row = 0) => {
    const button = buttonsOf(reply).filter((b) => b.label === label)[row]!;
    return t.registry.press(ctx, button.id, button.value);
  };

  it('posts an NPS survey with 0–10 in two rows, counts answers, lets people change theirs, and shows the true NPS', async () => {
    const ctx = await setup();
    const posted = await t.registry.run(ctx, '/survey nps "Acme Corp"');
    const survey = posted.messages[0]!;
    expect(survey.visibility).toBe('channel');
    const rows = survey.blocks.filter((b) => b.kind === 'actions');
    expect(rows.map((r) => (r.kind === 'actions' ? r.actions.map((a) => a.label).join(',') : ''))).toEqual(['0,1,2,3,4,5', '6,7,8,9,10']);
    expect(plain(posted)).toContain('How likely is it that you would recommend Test workspace to a friend or colleague?');
    expect(plain(posted)).toContain('no responses yet');

    const first = await press(await as(ctx, 'dana'), posted, '9');
    expect(plain(first)).toContain('Thank you! You answered 9 (promoter).');
    expect(first.messages[0]!.visibility).toBe('ephemeral');
    expect(renderPlain(first.update!)).toContain('1 response so far');
    expect(renderPlain(first.update!)).not.toContain('9 (promoter)');
    await press(await as(ctx, 'marcus'), posted, '10');
    await press(await as(ctx, 'priya'), posted, '3');
    const changed = await press(await as(ctx, 'priya'), posted, '7');
    expect(plain(changed)).toContain('Changed your answer to 7 (passive).');
    expect(renderPlain(changed.update!)).toContain('3 responses so far');

    const results = plain(await t.registry.run(ctx, '/survey results 1'));
    expectLines(results, [
      'NPS: +67',
      'Promoters (9–10): 2 (67%)',
      'Passives (7–8): 1 (33%)',
      'Detractors (0–6): 0 (0%)',
      '3 responses · open',
      'The first survey of this kind for the account.',
    ]);
  });

  it('counts two simultaneous clicks by one person once (a unique constraint, not read-then-write)', async () => {
    const ctx = await setup();
    await t.registry.run(ctx, '/survey nps "Acme Corp"');
    const survey = (await surveyByNumber(t.database.db, ctx.workspace.id, 1))!;
    const key = respondentKeyFor(survey, 'console:dana', null);
    const answers = await Promise.allSettled(
      [9, 4, 10, 8].map((score) => recordAnswer(t.database.db, ctx.workspace.id, survey, { respondentKey: key, respondentUserId: null, question: 'nps', score, now: NOW })),
    );
    expect(answers.every((a) => a.status === 'fulfilled')).toBe(true);
    const stored = await t.database.db.select().from(surveyResponses).where(eq(surveyResponses.surveyId, survey.id));
    expect(stored).toHaveLength(1);
    expect([9, 4, 10, 8]).toContain(stored[0]!.score);
  });

  it('keeps anonymous answers nameless and shows nothing until three people answered', async () => {
    const ctx = await setup();
    const posted = await t.registry.run(ctx, '/survey nps "Acme Corp" anonymous=yes');
    expect(plain(posted)).toContain('anonymous: nobody sees who answered what');
    await press(await as(ctx, 'dana'), posted, '2');
    await press(await as(ctx, 'marcus'), posted, '9');
    const early = plain(await t.registry.run(ctx, '/survey results 1'));
    expect(early).toContain('Results appear after 3 responses (2 so far)');
    expect(early).not.toMatch(/NPS: /);
    const reasonForm = await t.registry.press(await as(ctx, 'dana'), 'survey.reason', buttonsOf(posted).find((b) => b.id === 'survey.answer')!.value.split(':')[0]!);
    expect(reasonForm.form?.id).toBe('survey.reason');
    await t.registry.submit(await as(ctx, 'dana'), 'survey.reason', { reason: 'Too many outages' }, reasonForm.form!.state);
    await press(await as(ctx, 'priya'), posted, '10');
    const shown = plain(await t.registry.run(ctx, '/survey results 1'));
    expect(shown).toContain('NPS: +33');
    expect(shown).toContain('“Too many outages”');
    expect(shown).not.toMatch(/@dana|@marcus|@priya/);
    const stored = await t.database.db.select().from(surveyResponses).where(eq(surveyResponses.workspaceId, ctx.workspace.id));
    expect(stored.every((r) => r.respondentUserId === null && r.respondentKey.startsWith('anon:'))).toBe(true);
    expect(stored.some((r) => r.respondentKey.includes('dana'))).toBe(false);
  });

  it('refuses answers to a closed survey privately and stores nothing', async () => {
    const ctx = await setup();
    const posted = await t.registry.run(ctx, '/survey nps "Acme Corp"');
    const closed = plain(await t.registry.run(ctx, '/survey close #1'));
    expect(closed).toContain('Closed survey #1 about Acme Corp with 0 responses.');
    const late = await press(await as(ctx, 'dana'), posted, '8');
    expect(late.messages[0]!.visibility).toBe('ephemeral');
    expect(plain(late)).toContain('This survey is closed, so your answer was not recorded.');
    // Said to whoever answered, maybe the customer: no survey number, no command (issue 22).
    expect(plain(late)).not.toMatch(/#\d|\/survey|Usage/);
    expect(late.update).toBeUndefined();
    const survey = (await surveyByNumber(t.database.db, ctx.workspace.id, 1))!;
    expect(await t.database.db.select().from(surveyResponses).where(eq(surveyResponses.surveyId, survey.id))).toEqual([]);
    expect(plain(await t.registry.run(ctx, '/survey results 1'))).toContain('No responses yet.');
    // Surveys past their closing time are closed too, even before the job runs.
    await t.registry.run(ctx, '/survey csat "Acme Corp" force=yes');
    const later = { ...(await as(ctx, 'dana')), now: new Date(NOW.getTime() + 8 * 86_400_000) };
    const csat = (await surveyByNumber(t.database.db, ctx.workspace.id, 2))!;
    expect(plain(await t.registry.press(later, 'survey.answer', `${csat.id}:q1:5`))).toContain('is closed');
  });

  it('does not ask the same people about the same account twice in 30 days unless forced', async () => {
    const ctx = await setup();
    const posted = await t.registry.run(ctx, '/survey nps "Acme Corp"');
    await press(await as(ctx, 'dana'), posted, '9');
    const again = await t.registry.run({ ...ctx, now: new Date(NOW.getTime() + 10 * 86_400_000) }, '/survey csat "Acme Corp"');
    expect(again.messages[0]!.tone).toBe('error');
    expect(plain(again)).toContain('@dana already answered a survey about Acme Corp in the last 30 days (survey #1).');
    expect(plain(again)).toContain('force=yes');
    const forced = await t.registry.run({ ...ctx, now: new Date(NOW.getTime() + 10 * 86_400_000) }, '/survey csat "Acme Corp" force=yes');
    expect(plain(forced)).toContain('Survey #2');
    const later = await t.registry.run({ ...ctx, now: new Date(NOW.getTime() + 31 * 86_400_000) }, '/survey nps "Acme Corp"');
    expect(plain(later)).toContain('Survey #3');
  });

  it('averages CSAT per question and overall, with the recognition threshold', async () => {
    const ctx = await setup();
    const posted = await t.registry.run(ctx, '/survey csat "Acme Corp"');
    const answer = async (who: string, q1: number, q2: number, q3: number) => {
      const c = await as(ctx, who);
      const survey = buttonsOf(posted)[0]!.value.split(':')[0]!;
      for (const [q, n] of [['q1', q1], ['q2', q2], ['q3', q3]] as const) await t.registry.press(c, 'survey.answer', `${survey}:${q}:${n}`);
    };
    await answer('dana', 5, 4, 5);
    await answer('marcus', 5, 4, 4);
    const text = plain(await t.registry.run(ctx, '/survey results 1'));
    // q1 5.00, q2 4.00, q3 4.50 → overall 4.50 → threshold 4.4
    expectLines(text, [
      'CSAT (average of Q1–Q3): 4.50',
      'Q1 overall satisfaction: 5.00',
      'Q2 value for resources: 4.00',
      'Q3 team performance: 4.50',
      'Recognition threshold: 4.4 reached',
    ]);
  });

  it('alerts the account owner privately about a detractor, and again once with the reason', async () => {
    const ctx = await setup('ben');
    const posted = await t.registry.run(ctx, '/survey nps "Acme Corp"');
    const dana = await as(ctx, 'dana');
    const low = await press(dana, posted, '4');
    expect(low.deliveries).toHaveLength(1);
    expect(low.deliveries![0]!.channelId).toBe('ben');
    expect(renderPlain(low.deliveries![0]!.message)).toContain('@dana answered 4 on NPS (detractor) in survey #1 about Acme Corp.');
    expect((await press(dana, posted, '3')).deliveries ?? []).toEqual([]);
    const survey = buttonsOf(posted)[0]!.value.split(':')[0]!;
    const form = await t.registry.press(dana, 'survey.reason', survey);
    const sent = await t.registry.submit(dana, 'survey.reason', { reason: 'Nobody calls us back' }, form.form!.state);
    expect(sent.ok && sent.reply.deliveries?.map((d) => renderPlain(d.message)).join()).toContain('> Nobody calls us back');
    const again = await t.registry.submit(dana, 'survey.reason', { reason: 'Still nobody' }, form.form!.state);
    expect(again.ok && (again.reply.deliveries ?? [])).toEqual([]);
    expect((await press(await as(ctx, 'marcus'), posted, '10')).deliveries ?? []).toEqual([]);
    const results = plain(await t.registry.run(ctx, '/survey results 1'));
    expect(results).toContain('@dana (3): “Still nobody”');
  });

  it('compares with the previous survey, lists surveys, and validates input', async () => {
    const ctx = await setup();
    const first = await t.registry.run(ctx, '/survey nps "Acme Corp"');
    await press(await as(ctx, 'dana'), first, '10');
    await t.registry.run(ctx, '/survey close 1');
    const second = await t.registry.run({ ...ctx, now: new Date(NOW.getTime() + 40 * 86_400_000) }, '/survey nps "Acme Corp"');
    await press({ ...(await as(ctx, 'dana')), now: new Date(NOW.getTime() + 40 * 86_400_000) }, second, '5');
    const results = plain(await t.registry.run(ctx, '/survey results 2'));
    expect(results).toContain('NPS: -100');
    expect(results).toContain('Change since survey #1: -200 (was +100)');
    const list = plain(await t.registry.run(ctx, '/survey list acme corp'));
    expect(list).toContain('#2 NPS · Acme Corp');
    expect(list).toContain('#1 NPS · Acme Corp');
    for (const [input, expected] of [
      ['/survey results', /Which survey\?/],
      ['/survey results 99', /There is no survey #99/],
      ['/survey nps', /Which account/],
      ['/survey nps Acme Crop', /Did you mean "Acme Corp"/],
      ['/survey nps "Acme Corp" anonymous=maybe', /anonymous takes yes or no/],
      ['/survey ask Acme', /is not a survey command/],
      ['/survey settings fatigue=-1', /fatigue .* whole number from 0 to 365/],
    ] as const) {
      const reply = await t.registry.run(ctx, input);
      expect(reply.messages[0]!.tone, input).toBe('error');
      expect(plain(reply), input).toMatch(expected);
    }
    expect(plain(await t.registry.press(ctx, 'survey.answer', 'x:nps:9:U999'))).toContain('not valid');
    const surveyId = buttonsOf(second)[0]!.value.split(':')[0]!;
    expect(plain(await t.registry.press(ctx, 'survey.answer', `${surveyId}:nps:11`))).toContain('does not fit');
    expect(plain(await t.registry.press(ctx, 'survey.answer', `${surveyId}:q1:3`))).toContain('does not fit');
  });

  it('/survey list counts each survey’s respondents, as counted directly', async () => {
    const ctx = await setup();
    const nps = await t.registry.run(ctx, '/survey nps "Acme Corp"');
    const csat = await t.registry.run(ctx, '/survey csat "Acme Corp" force=yes');
    await press(await as(ctx, 'dana'), nps, '9');
    await press(await as(ctx, 'marcus'), nps, '3');
    await press(await as(ctx, 'priya'), csat, '4');
    const list = plain(await t.registry.run(ctx, '/survey list'));
    expect(list).toMatch(/#1 NPS · Acme Corp · .* · 2 responses/);
    expect(list).toMatch(/#2 CSAT · Acme Corp · .* · 1 response /);
    for (const number of [1, 2]) {
      const survey = (await surveyByNumber(t.database.db, ctx.workspace.id, number))!;
      const direct = new Set((await t.database.db.select().from(surveyResponses).where(eq(surveyResponses.surveyId, survey.id))).map((r) => r.respondentKey)).size;
      const listed = (await listSurveys(t.database.db, ctx.workspace.id)).find((s) => s.id === survey.id)!;
      expect(listed.respondents).toBe(direct);
    }
  });

  it('takes reasons and comments only from people who answered', async () => {
    const ctx = await setup();
    const posted = await t.registry.run(ctx, '/survey nps "Acme Corp"');
    const surveyId = buttonsOf(posted)[0]!.value.split(':')[0]!;
    const stranger = await as(ctx, 'zoe');
    const form = await t.registry.press(stranger, 'survey.reason', surveyId);
    expect(form.form).toBeUndefined();
    expect(plain(form)).toContain('Only people who answered this survey can add a reason.');
    expect(plain(form)).not.toMatch(/#\d|\/survey|Usage/);
    // A form kept from before (or a crafted submission) is refused too, and stores nothing.
    const sent = await t.registry.submit(stranger, 'survey.reason', { reason: 'I never answered' }, { surveyId });
    expect(sent.ok && plain(sent.reply)).toContain('Only people who answered this survey can add a reason.');
    expect(await t.database.db.select().from(surveyResponses).where(eq(surveyResponses.surveyId, surveyId))).toEqual([]);
    // Once they answer, they may.
    await press(stranger, posted, '8');
    expect((await t.registry.press(stranger, 'survey.reason', surveyId)).form?.id).toBe('survey.reason');
    const ok = await t.registry.submit(stranger, 'survey.reason', { reason: 'Good, could be faster' }, { surveyId });
    expect(ok.ok && plain(ok.reply)).toContain('Thank you — your comment was recorded.');
    const csat = await t.registry.run(ctx, '/survey csat "Acme Corp" force=yes');
    const comment = await t.registry.press(stranger, 'survey.reason', buttonsOf(csat)[0]!.value.split(':')[0]!);
    expect(plain(comment)).toContain('Only people who answered this survey can add a comment.');
  });

  it('says so when the score pressed is the one already given, and changes nothing', async () => {
    const ctx = await setup();
    const posted = await t.registry.run(ctx, '/survey nps "Acme Corp"');
    const dana = await as(ctx, 'dana');
    await press(dana, posted, '0');
    const survey = (await surveyByNumber(t.database.db, ctx.workspace.id, 1))!;
    const [before] = await t.database.db.select().from(surveyResponses).where(eq(surveyResponses.surveyId, survey.id));
    const again = await press({ ...dana, now: new Date(NOW.getTime() + 60_000) }, posted, '0');
    expect(plain(again)).toContain('You already answered 0 (detractor); nothing changed.');
    expect(plain(again)).not.toContain('Changed your answer');
    const [after] = await t.database.db.select().from(surveyResponses).where(eq(surveyResponses.surveyId, survey.id));
    expect(after!.updatedAt).toEqual(before!.updatedAt);
    expect(plain(await press(dana, posted, '6'))).toContain('Changed your answer to 6 (detractor).');
  });

  it('gives a CSAT respondent one private card, updated in place as they answer Q1–Q3', async () => {
    const ctx = await setup();
    const posted = await t.registry.run(ctx, '/survey csat "Acme Corp"');
    const dana = await as(ctx, 'dana');
    // Q1 on the channel's survey: the tally is updated, and one private card comes with Q2 and Q3.
    const first = await press(dana, posted, '5', 0);
    expect(first.messages).toHaveLength(1);
    const card = first.messages[0]!;
    expect(card.visibility).toBe('ephemeral');
    expect(renderPlain(first.update!)).toContain('1 response so far');
    expect(renderPlain(card)).toContain('Thank you! You answered 5 for Q1.');
    expect(renderPlain(card)).toContain('Your answers: Q1 5 · Q2 — · Q3 —. Still open: Q2, Q3.');
    const onCard = (shown: Message, label: string, row: number) => {
      const button = buttonsOf({ messages: [shown] }).filter((b) => b.id === 'survey.answer' && b.label === label)[row]!;
      return t.registry.press(dana, button.id, button.value);
    };
    // Q2 and Q3 on the card: no new message; the card itself is replaced.
    const second = await onCard(card, '4', 1);
    expect(second.messages).toEqual([]);
    expect(renderPlain(second.update!)).toContain('Thank you! You answered 4 for Q2.');
    const third = await onCard(second.update!, '3', 2);
    expect(third.messages).toEqual([]);
    expect(renderPlain(third.update!)).toContain('Your answers: Q1 5 · Q2 4 · Q3 3. All three answered: thank you!');
    expect(renderPlain(third.update!)).not.toContain('response');
    const again = await onCard(third.update!, '3', 2);
    expect(renderPlain(again.update!)).toContain('You already answered 3 for Q3; nothing changed.');
    // Someone else pressing Dana's card (a Teams channel shows it to all) answers for themselves; Dana's card stays.
    const cardButton = buttonsOf({ messages: [third.update!] }).filter((b) => b.id === 'survey.answer' && b.label === '2')[0]!;
    const marcus = await t.registry.press(await as(ctx, 'marcus'), cardButton.id, cardButton.value);
    expect(marcus.update).toBeUndefined();
    expect(renderPlain(marcus.messages[0]!)).toContain('Your answers: Q1 2 · Q2 — · Q3 —.');
    expect(plain(await t.registry.run(ctx, '/survey results 1'))).toContain('Q1 overall satisfaction: 3.50');
  });

  it('changes survey settings per workspace', async () => {
    const ctx = await setup();
    const changed = plain(await t.registry.run(ctx, '/survey settings close=10 fatigue=0 minimum=5 auto=on lead=90'));
    expectLines(changed, [
      'Survey settings saved',
      'Surveys close after: 10 days',
      'Fatigue window: off',
      'Anonymous results after: 5 responses',
      'Automatic NPS before renewal: on, 90 days before',
    ]);
    const fresh = await newContext(t.database.db, { now: NOW, workspace: ctx.workspace.externalId });
    const posted = await t.registry.run(fresh, '/survey nps "Acme Corp"');
    const [row] = await t.database.db.select().from(surveys).where(and(eq(surveys.workspaceId, ctx.workspace.id), eq(surveys.number, 1)));
    expect(row!.closesAt.getTime() - row!.openedAt.getTime()).toBe(10 * 86_400_000);
    expect(plain(posted)).toContain('open until Thu 3 Dec 2026');
  });
});
