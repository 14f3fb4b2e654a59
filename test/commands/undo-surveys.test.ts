// Undo on /survey nps|csat (the survey is withdrawn, only while nobody has answered)
// and on /survey close (it opens again, only while it would still be open), for the
// person who did it, for a day, audited; and an archived account's surveys leave
// /survey list and send no low-score alert (issue 24, item 6). On every engine.
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { queryRows } from '../../db/client.js';
import { auditLog, surveyResponses, surveys } from '../../db/schema.js';
import { ensureUser } from '../../src/core/workspaces.js';
import type { ChannelDelivery } from '../../src/jobs/delivery.js';
import { runSurveyJobs } from '../../src/jobs/survey-jobs.js';
import type { Message, Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { replyButtons, replyText, undoButton } from '../helpers/reply-parts.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const HOUR = 60 * 60_000;
const plain = replyText;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe.each(ENGINES)('survey undo and archived accounts’ surveys on $name', (engine) => {
  const t = registryOn(engine);

  async function workspace(): Promise<{ ana: CommandContext; bo: CommandContext; dana: CommandContext }> {
    const ana = await newContext(t.database.db, { now: NOW, channel: 'acme' });
    const person = async (name: string) => ({ ...ana, user: await ensureUser(t.database.db, ana.workspace.id, { platformUserId: name, displayName: name }) });
    await t.registry.run(ana, '/account add "Acme Corp" owner=@ben');
    return { ana, bo: await person('bo'), dana: await person('dana') };
  }
  const later = (ctx: CommandContext, hours: number): CommandContext => ({ ...ctx, now: new Date(NOW.getTime() + hours * HOUR) });
  const answer = (ctx: CommandContext, posted: Reply, label: string) => {
    const button = posted.messages[0]!.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : [])).find((a) => a.label === label)!;
    return t.registry.press(ctx, button.id, button.value);
  };
  const surveyRow = async (ctx: CommandContext, number: number) =>
    (await t.database.db.select().from(surveys).where(and(eq(surveys.workspaceId, ctx.workspace.id), eq(surveys.number, number))))[0]!;
  const audit = (ctx: CommandContext, action: string) =>
    t.database.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, ctx.workspace.id), eq(auditLog.entityType, 'survey'), eq(auditLog.action, action)));

  it('withdraws a survey nobody has answered from its starter’s Undo: for them, for a day, once, audited; a click on it then says so', async () => {
    const { ana, bo, dana } = await workspace();
    const posted = await t.registry.run(ana, '/survey nps "Acme Corp"');
    const undo = undoButton(posted);
    expect(undo.id).toBe('survey.undo-start');
    // On the private note to whoever started it, never on the survey the customer reads.
    expect(posted.messages[0]!.blocks.some((b) => b.kind === 'actions' && b.actions.some((a) => a.label === 'Undo'))).toBe(false);
    expect(posted.messages[1]!.visibility).toBe('ephemeral');
    expect(plain(posted)).toContain('Undo works for you until Tue 24 Nov 2026 10:00 (UTC). Once someone has answered, close it instead.');

    const other = plain(await t.registry.press(later(bo, 1), undo.id, undo.value));
    expect(other).toContain('Survey #1 about Acme Corp was made by @ana: only they can undo it (until Tue 24 Nov 2026 10:00 (UTC)).');
    expect(other).toContain('Close it with /survey close 1.');
    expect(plain(await t.registry.press(later(ana, 25), undo.id, undo.value))).toContain('it could be undone for a day, until Tue 24 Nov 2026 10:00 (UTC)');
    expect((await surveyRow(ana, 1)).status).toBe('open');

    const withdrawn = await t.registry.press(later(ana, 1), undo.id, undo.value);
    expect(withdrawn.update?.text).toBe('Withdrew survey #1 about Acme Corp: nobody had answered, it takes no answers now and counts nowhere.');
    // The channel where it was posted is told, in the customer's words.
    expect(withdrawn.messages.map((m) => [m.text, m.visibility, m.audience])).toEqual([['This survey from Test workspace was withdrawn: there is nothing to answer.', 'channel', 'customer']]);
    expect((await surveyRow(ana, 1)).status).toBe('withdrawn');
    const [entry] = await audit(ana, 'undo-start');
    expect(entry).toMatchObject({ actorUserId: ana.user.id, before: { number: 1, status: 'open' }, after: { number: 1, status: 'withdrawn' } });
    expect(plain(await t.registry.press(later(ana, 2), undo.id, undo.value))).toContain('Survey #1 about Acme Corp was already withdrawn, so there is nothing to undo.');

    // A click on the survey afterwards: told it was withdrawn, the survey loses its buttons, nothing stored.
    const late = await answer(later(dana, 2), posted, '9');
    expect(plain(late)).toContain('This survey was withdrawn, so there is nothing to answer');
    expect(plain(late)).not.toMatch(/#\d|\/survey|Usage/);
    expect(late.update?.audience).toBe('customer');
    expect(renderPlain(late.update!)).toContain('This survey from Test workspace was withdrawn');
    expect(late.update!.blocks.some((b) => b.kind === 'actions')).toBe(false);
    expect(await t.database.db.select().from(surveyResponses).where(eq(surveyResponses.workspaceId, ana.workspace.id))).toEqual([]);

    // It counts nowhere: not listed, no results, nothing to close, and the same people may be asked at once.
    expect(plain(await t.registry.run(later(ana, 2), '/survey list'))).toContain('No surveys yet.');
    expect(plain(await t.registry.run(later(ana, 2), '/survey results 1'))).toContain('Survey #1 was withdrawn on Mon 23 Nov 2026 before anyone answered: it has no results and counts nowhere.');
    expect(plain(await t.registry.run(later(ana, 2), '/survey close 1'))).toContain('Survey #1 was withdrawn');
    const second = await t.registry.run(later(ana, 3), '/survey nps "Acme Corp"');
    expect(plain(second)).toContain('Survey #2 about Acme Corp is open until');
    await answer(later(dana, 3), second, '9');
    // Its results are not compared with the withdrawn one.
    expect(plain(await t.registry.run(later(ana, 3), '/survey results 2'))).toContain('The first survey of this kind for the account.');
    // The account's history says what happened to it.
    expect(plain(await t.registry.run(later(ana, 3), '/account history "Acme Corp"'))).toContain('Mon 23 Nov 2026 11:00 — @ana withdrew survey #1 (nobody had answered)');
  });

  // Two connections at once: PostgreSQL only (PGlite has one).
  it.runIf(engine.name === 'postgres')('an answer pressed while the survey is being withdrawn waits for it, and is refused, not stored', async () => {
    const { ana, dana } = await workspace();
    const posted = await t.registry.run(ana, '/survey nps "Acme Corp"');
    const id = (await surveyRow(ana, 1)).id;
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked = () => undefined as void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // A withdrawal under way: the survey locked and withdrawn, not yet committed.
    const withdrawing = t.database.db.transaction(async (tx) => {
      await tx.select().from(surveys).where(eq(surveys.id, id)).for('update');
      await tx.update(surveys).set({ status: 'withdrawn', closedAt: NOW }).where(eq(surveys.id, id));
      locked();
      await held;
    });
    await isLocked;
    const answering = answer(later(dana, 1), posted, '9');
    // The press read the survey as open and now waits on the lock.
    const waiting = sql`select count(*)::int as n from pg_locks where not granted and database = (select oid from pg_database where datname = current_database())`;
    for (let i = 0; i < 500 && (await queryRows<{ n: number }>(t.database.db, waiting))[0]!.n === 0; i++);
    release();
    await withdrawing;
    expect(plain(await answering)).toContain('This survey was withdrawn, so there is nothing to answer');
    expect(await t.database.db.select().from(surveyResponses).where(eq(surveyResponses.surveyId, id))).toEqual([]);
  });

  it('refuses to withdraw a survey someone has answered, and says to close it instead', async () => {
    const { ana, dana } = await workspace();
    const posted = await t.registry.run(ana, '/survey nps "Acme Corp"');
    await answer(later(dana, 1), posted, '4');
    const undo = undoButton(posted);
    const refused = plain(await t.registry.press(later(ana, 2), undo.id, undo.value));
    expect(refused).toContain('Survey #1 about Acme Corp already has 1 response, so it cannot be withdrawn: answers are the customer’s.');
    expect(refused).toContain('Close it instead with /survey close 1: nothing is lost.');
    expect((await surveyRow(ana, 1)).status).toBe('open');
    expect(await audit(ana, 'undo-start')).toEqual([]);
  });

  it('opens a closed survey again from the closing’s Undo, while it would still be open; the customer channel is told', async () => {
    const { ana, bo, dana } = await workspace();
    await t.registry.run(ana, '/account link "Acme Corp"'); // this channel is Acme's customer channel
    const posted = await t.registry.run(ana, '/survey nps "Acme Corp"');
    await answer(later(dana, 1), posted, '9');
    const closed = await t.registry.run(later(ana, 2), '/survey close 1');
    expect(plain(closed)).toContain('This survey from Test workspace has closed with 1 response.');
    const undo = undoButton(closed);
    expect(undo.id).toBe('survey.undo-close');
    expect(plain(closed)).toContain('Undo works for you until Tue 24 Nov 2026 12:00 (UTC).');

    expect(plain(await t.registry.press(later(bo, 3), undo.id, undo.value))).toContain('Closing survey #1 was made by @ana: only they can undo it');
    expect(plain(await t.registry.press(later(ana, 27), undo.id, undo.value))).toContain('it could be undone for a day, until Tue 24 Nov 2026 12:00 (UTC)');
    expect((await surveyRow(ana, 1)).status).toBe('closed');

    const reopened = await t.registry.press(later(ana, 3), undo.id, undo.value);
    expect(plain(reopened)).toContain('Undid closing survey #1 about Acme Corp: it is open again until Mon 30 Nov 2026.');
    expect(reopened.messages.find((m) => m.audience === 'customer')?.text).toBe('This survey from Test workspace is open again until Mon 30 Nov 2026.');
    expect(await surveyRow(ana, 1)).toMatchObject({ status: 'open', closedAt: null });
    expect(await audit(ana, 'undo-close')).toMatchObject([{ actorUserId: ana.user.id, after: { status: 'open' } }]);
    expect(plain(await answer(later(dana, 4), posted, '7'))).toContain('Changed your answer to 7 (passive).');
    expect(plain(await t.registry.run(later(ana, 4), '/account history "Acme Corp"'))).toContain('Mon 23 Nov 2026 13:00 — @ana opened survey #1 again');
    expect(plain(await t.registry.press(later(ana, 4), undo.id, undo.value))).toContain('Survey #1 about Acme Corp is open again already: that closing was undone.');

    // Closed again since: the first closing's Undo no longer applies.
    await t.registry.run(later(ana, 5), '/survey close 1');
    expect(plain(await t.registry.press(later(ana, 6), undo.id, undo.value))).toContain('Survey #1 about Acme Corp was opened and closed again since');
  });

  it('refuses to open again a survey that would have closed by itself by now', async () => {
    const { ana: before } = await workspace();
    await t.registry.run(before, '/survey settings close=1');
    // The workspace's settings as the next command reads them.
    const ana = await newContext(t.database.db, { now: NOW, channel: 'acme', workspace: before.workspace.externalId });
    await t.registry.run(ana, '/survey nps "Acme Corp"');
    const undo = undoButton(await t.registry.run(later(ana, 2), '/survey close 1'));
    const refused = plain(await t.registry.press(later(ana, 25), undo.id, undo.value));
    expect(refused).toContain('Survey #1 about Acme Corp would have closed by itself on Tue 24 Nov 2026 10:00 (UTC), so it cannot be opened again.');
    expect(refused).toContain('Start a new one with /survey nps "Acme Corp"');
    expect((await surveyRow(ana, 1)).status).toBe('closed');
    expect(plain(await t.registry.press(ana, 'survey.undo-close', 'not json'))).toContain('That closing can no longer be undone from here.');
  });

  it('an archived account’s surveys leave /survey list, and an answer to one still open is kept but alerts nobody', async () => {
    const { ana, dana } = await workspace();
    await t.registry.run(ana, '/account add Initech owner=@ben');
    const acme = await t.registry.run(ana, '/survey nps "Acme Corp"');
    const initech = await t.registry.run(later(ana, 1), '/survey nps Initech');
    expect(plain(await t.registry.run(later(ana, 2), '/account archive Initech'))).toContain('Archived Initech');

    const listed = plain(await t.registry.run(later(ana, 2), '/survey list'));
    expect(listed).toContain('#1 NPS · Acme Corp');
    expect(listed).not.toContain('Initech');
    // Asked for by name, its history is there; no new survey is started about it.
    expect(plain(await t.registry.run(later(ana, 2), '/survey list Initech'))).toContain('#2 NPS · Initech');
    const refused = plain(await t.registry.run(later(ana, 2), '/survey csat Initech'));
    expect(refused).toContain('Initech is archived: Tenure does not survey an archived account.');
    expect(refused).toContain('Bring it back first with /account restore "Initech" (admins).');

    const low = await answer(later(dana, 3), initech, '2');
    expect(plain(low)).toContain('Thank you! You answered 2 (detractor).');
    expect(low.deliveries ?? []).toEqual([]);
    const kept = await t.database.db.select().from(surveyResponses).where(eq(surveyResponses.workspaceId, ana.workspace.id));
    expect(kept.map((r) => r.score)).toEqual([2]);
    // The account still in the portfolio is alerted as before.
    expect((await answer(later(dana, 3), acme, '2')).deliveries?.map((d) => d.message.text)).toEqual(['Low score for Acme Corp in survey #1']);

    // The scheduled survey work posts no alert about it either (closing notes only).
    const posts: string[] = [];
    const recorder: ChannelDelivery = {
      async post(_workspace, _channelId, message: Message) {
        posts.push(renderPlain(message));
      },
    };
    await runSurveyJobs({ db: t.database.db, deliveries: { console: recorder }, audiences: {}, logger: silent }, later(ana, 8 * 24).now);
    expect(posts.join('\n')).not.toMatch(/Low score|Initech/);
  });

  it('has an Undo on every survey change it confirms', async () => {
    const { ana } = await workspace();
    const posted = await t.registry.run(ana, '/survey csat "Acme Corp"');
    expect(replyButtons(posted).filter((b) => b.label === 'Undo').map((b) => b.id)).toEqual(['survey.undo-start']);
  });
});
