// Survey jobs with a controllable clock on every engine: closing, the one
// mid-point reminder to people who have not answered, the automatic NPS survey.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { jobRuns, surveys } from '../../db/schema.js';
import { claimRun, currentClaimer, noteRun, type Claimer } from '../../src/core/ledger.js';
import { closeSurvey, startSurvey } from '../../src/core/surveys.js';
import type { Workspace } from '../../src/core/workspaces.js';
import { ensureUser } from '../../src/core/workspaces.js';
import { accounts } from '../../db/schema.js';
import type { ChannelAudience, ChannelDelivery } from '../../src/jobs/delivery.js';
import { runSurveyJobs } from '../../src/jobs/survey-jobs.js';
import type { Message } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const DAY = 86_400_000;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

class Recorder implements ChannelDelivery, ChannelAudience {
  posts: { workspaceId: string; channelId: string; text: string }[] = [];
  privately: { channelId: string; userId: string; text: string }[] = [];
  constructor(private readonly channelMembers: Record<string, string[] | null> = {}) {}
  async post(workspace: Workspace, channelId: string, message: Message) {
    this.posts.push({ workspaceId: workspace.id, channelId, text: renderPlain(message) });
  }
  async members(_workspace: Workspace, channelId: string) {
    return this.channelMembers[channelId] ?? null;
  }
  async postPrivately(_workspace: Workspace, channelId: string, userId: string, message: Message) {
    this.privately.push({ channelId, userId, text: renderPlain(message) });
  }
}

describe.each(ENGINES)('survey jobs on $name', (engine) => {
  const t = registryOn(engine);

  async function workspaceWithSurvey(options: { anonymous?: boolean } = {}) {
    const ctx = await newContext(t.database.db, { now: NOW, channel: 'acme' });
    await t.registry.run(ctx, '/account add "Acme Corp" renewal=2027-03-03');
    const posted = await t.registry.run(ctx, `/survey nps "Acme Corp"${options.anonymous ? ' anonymous=yes' : ''}`);
    const value = (label: string) => posted.messages[0]!.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : [])).find((a) => a.label === label)!.value;
    return { ctx, value };
  }
  const as = async (ctx: CommandContext, user: string, now = NOW): Promise<CommandContext> => ({
    ...ctx,
    now,
    user: await ensureUser(t.database.db, ctx.workspace.id, { platformUserId: user, displayName: user }),
  });
  const mine = (recorder: Recorder, ctx: CommandContext) => recorder.posts.filter((p) => p.workspaceId === ctx.workspace.id);

  it('closes a survey when its time is up, once, and says so in its channel', async () => {
    const { ctx, value } = await workspaceWithSurvey();
    await t.registry.press(await as(ctx, 'dana'), 'survey.answer', value('9'));
    const recorder = new Recorder();
    const deps = { db: t.database.db, deliveries: { console: recorder }, audiences: {}, logger: silent };
    await runSurveyJobs(deps, new Date(NOW.getTime() + 6 * DAY));
    expect(mine(recorder, ctx)).toEqual([]);
    await Promise.all([runSurveyJobs(deps, new Date(NOW.getTime() + 7 * DAY + 60_000)), runSurveyJobs(deps, new Date(NOW.getTime() + 7 * DAY + 60_000))]);
    await runSurveyJobs(deps, new Date(NOW.getTime() + 8 * DAY));
    expect(mine(recorder, ctx).map((p) => [p.channelId, p.text])).toEqual([['acme', expect.stringContaining('This survey from Test workspace has closed with 1 response.')]]);
    const [row] = await t.database.db.select().from(surveys).where(and(eq(surveys.workspaceId, ctx.workspace.id), eq(surveys.number, 1)));
    expect(row!.status).toBe('closed');
  });

  it('reminds only the members who have not answered, once, at the mid-point — anonymous answers included', async () => {
    for (const anonymous of [false, true]) {
      const { ctx, value } = await workspaceWithSurvey({ anonymous });
      await t.registry.press(await as(ctx, 'u1'), 'survey.answer', value('8'));
      const recorder = new Recorder({ acme: ['u1', 'u2', 'u3'] });
      const deps = { db: t.database.db, deliveries: { console: recorder }, audiences: { console: recorder }, logger: silent };
      await runSurveyJobs(deps, new Date(NOW.getTime() + 3 * DAY));
      expect(recorder.privately).toEqual([]);
      const midpoint = new Date(NOW.getTime() + 3.5 * DAY + 60_000);
      await Promise.all([runSurveyJobs(deps, midpoint), runSurveyJobs(deps, midpoint)]);
      await runSurveyJobs(deps, new Date(NOW.getTime() + 5 * DAY));
      expect(recorder.privately.map((p) => p.userId).sort()).toEqual(['u2', 'u3']);
      expect(recorder.privately[0]!.text).toContain('A friendly reminder: this survey from Test workspace closes soon');
    }
  });

  it.runIf(currentClaimer().scope !== null)('a reminder claimed by a process that died before sending it is sent by the next run, once (Linux)', async () => {
    const { ctx, value } = await workspaceWithSurvey();
    await t.registry.press(await as(ctx, 'u1'), 'survey.answer', value('8'));
    const [survey] = await t.database.db.select().from(surveys).where(and(eq(surveys.workspaceId, ctx.workspace.id), eq(surveys.number, 1)));
    const midpoint = new Date(NOW.getTime() + 3.5 * DAY + 60_000);
    const gone: Claimer = { label: 'gone', pid: 2 ** 22 + 17, instance: 'gone-start', scope: currentClaimer().scope };
    await claimRun(t.database.db, { jobName: 'survey-reminder', periodKey: survey!.id, workspaceId: ctx.workspace.id, claimer: gone, now: midpoint });
    const recorder = new Recorder({ acme: ['u1', 'u2'] });
    const deps = { db: t.database.db, deliveries: { console: recorder }, audiences: { console: recorder }, logger: silent };
    await runSurveyJobs(deps, new Date(midpoint.getTime() + 1000));
    await runSurveyJobs(deps, new Date(NOW.getTime() + 5 * DAY));
    expect(recorder.privately.map((p) => p.userId)).toEqual(['u2']);
    const [run] = await t.database.db.select().from(jobRuns).where(and(eq(jobRuns.jobName, 'survey-reminder'), eq(jobRuns.periodKey, survey!.id)));
    expect(run).toMatchObject({ status: 'done', detail: { reminded: 1, takenOver: { from: 'gone', why: 'claimer process is gone' } } });
  });

  it.runIf(currentClaimer().scope !== null)('a closing note and an automatic survey left half-done by a process that died are finished by the next run, once (Linux)', async () => {
    const gone: Claimer = { label: 'gone', pid: 2 ** 22 + 17, instance: 'gone-start', scope: currentClaimer().scope };
    // The dead process had closed survey #1 and not announced it yet…
    const { ctx } = await workspaceWithSurvey();
    const closedAt = new Date(NOW.getTime() + 7 * DAY + 60_000);
    const [survey] = await t.database.db.select().from(surveys).where(and(eq(surveys.workspaceId, ctx.workspace.id), eq(surveys.number, 1)));
    await claimRun(t.database.db, { jobName: 'survey-close', periodKey: survey!.id, workspaceId: ctx.workspace.id, claimer: gone, now: closedAt });
    expect(await closeSurvey(t.database.db, ctx.workspace.id, survey!, { userId: null, now: closedAt })).toBe(true);
    // …and had started Globex's automatic survey without posting it.
    await t.registry.run(ctx, '/survey settings auto=on lead=120');
    await t.registry.run({ ...ctx, channel: { id: 'globex' } }, '/account add Globex renewal=2027-03-01');
    await t.registry.run({ ...ctx, channel: { id: 'globex' } }, '/account link Globex');
    const [globex] = await t.database.db.select().from(accounts).where(and(eq(accounts.workspaceId, ctx.workspace.id), eq(accounts.name, 'Globex')));
    const claim = await claimRun(t.database.db, { jobName: 'auto-nps', periodKey: `${globex!.id}:2027-03-01`, workspaceId: ctx.workspace.id, claimer: gone, now: closedAt });
    const started = await startSurvey(t.database.db, ctx.workspace.id, { accountId: globex!.id, kind: 'nps', channelId: 'globex', anonymous: false, openedByUserId: null, now: closedAt, closeAfterDays: 7 });
    await noteRun(t.database.db, claim!, { surveyId: started.id });

    const recorder = new Recorder();
    const deps = { db: t.database.db, deliveries: { console: recorder }, audiences: {}, logger: silent };
    await runSurveyJobs(deps, new Date(closedAt.getTime() + 1000));
    await runSurveyJobs(deps, new Date(closedAt.getTime() + DAY));
    expect(mine(recorder, ctx).map((p) => [p.channelId, p.text.split('\n')[0]])).toEqual([
      ['acme', expect.stringContaining('This survey from Test workspace has closed with 0 responses.')],
      ['globex', expect.stringContaining('A quick question from Test workspace')],
    ]);
    // The survey the dead process started is the one posted: no second one.
    const npsSurveys = await t.database.db.select().from(surveys).where(and(eq(surveys.workspaceId, ctx.workspace.id), eq(surveys.accountId, globex!.id)));
    expect(npsSurveys.map((x) => x.id)).toEqual([started.id]);
    const runs = await t.database.db.select().from(jobRuns).where(eq(jobRuns.workspaceId, ctx.workspace.id));
    expect(runs.map((r) => [r.jobName, r.status, (r.detail as { takenOver?: { why: string } }).takenOver?.why]).sort()).toEqual([
      ['auto-nps', 'done', 'claimer process is gone'],
      ['survey-close', 'done', 'claimer process is gone'],
    ]);
  });

  it('sends no reminder where the audience is unknown', async () => {
    const { ctx } = await workspaceWithSurvey();
    const recorder = new Recorder({ acme: null });
    const deps = { db: t.database.db, deliveries: { console: recorder }, audiences: { console: recorder }, logger: silent };
    await runSurveyJobs(deps, new Date(NOW.getTime() + 4 * DAY));
    expect(recorder.privately).toEqual([]);
    expect(mine(recorder, ctx)).toEqual([]);
  });

  it('posts the automatic NPS survey before renewal once, in the account channel, respecting fatigue', async () => {
    const ctx = await newContext(t.database.db, { now: NOW, channel: 'globex' });
    await t.registry.run(ctx, '/survey settings auto=on lead=120');
    await t.registry.run(ctx, '/account add Globex renewal=2027-03-01'); // in 98 days
    await t.registry.run(ctx, '/account add Initech renewal=2027-06-01'); // too far out
    await t.registry.run(ctx, '/account add Hooli renewal=2027-01-10'); // surveyed recently
    await t.registry.run(ctx, '/account add Umbrella renewal=2027-01-10'); // no channel
    await t.registry.run(ctx, '/account link Globex');
    await t.registry.run({ ...ctx, channel: { id: 'initech' } }, '/account link Initech');
    await t.registry.run({ ...ctx, channel: { id: 'hooli' } }, '/account link Hooli');
    await t.registry.run({ ...ctx, now: new Date(NOW.getTime() - 10 * DAY), channel: { id: 'hooli' } }, '/survey csat Hooli');
    const recorder = new Recorder();
    const deps = { db: t.database.db, deliveries: { console: recorder }, audiences: {}, logger: silent };
    const runs = await Promise.all([runSurveyJobs(deps, NOW), runSurveyJobs(deps, NOW)]);
    await runSurveyJobs(deps, new Date(NOW.getTime() + DAY));
    expect(runs.reduce((n, r) => n + r.autoStarted, 0)).toBe(1);
    // Hooli's own survey closes in the same run and says so; the only new survey is Globex's.
    expect(mine(recorder, ctx).filter((p) => p.text.includes('has closed')).map((p) => p.channelId)).toEqual(['hooli']);
    const posts = mine(recorder, ctx).filter((p) => !p.text.includes('has closed'));
    expect(posts.map((p) => p.channelId)).toEqual(['globex']);
    expect(posts[0]!.text).toContain('How likely is it that you would recommend Test workspace to a friend or colleague?');
    const started = await t.database.db.select().from(surveys).where(and(eq(surveys.workspaceId, ctx.workspace.id), eq(surveys.kind, 'nps')));
    expect(started).toHaveLength(1);
    expect(started[0]!.openedByUserId).toBeNull();
  });

  it('leaves the automatic survey off unless the workspace turns it on', async () => {
    const ctx = await newContext(t.database.db, { now: NOW, channel: 'wayne' });
    await t.registry.run(ctx, '/account add Wayne renewal=2027-01-10');
    await t.registry.run(ctx, '/account link Wayne');
    const recorder = new Recorder();
    await runSurveyJobs({ db: t.database.db, deliveries: { console: recorder }, audiences: {}, logger: silent }, NOW);
    expect(mine(recorder, ctx)).toEqual([]);
    expect(await t.database.db.select().from(surveys).where(eq(surveys.workspaceId, ctx.workspace.id))).toEqual([]);
  });
});
