// Teams at parity with Slack where Teams allows it (issue 23, items 3 and 4), on the
// real Teams SDK app in local mode, a fake Bot connector recording what the bot
// sends: answers meant for one person go to their personal chat, never into the
// channel; mentions in commands are resolved from the activity's mention entities
// (and the connector's member lookup, not Graph); the survey's mid-point reminder
// reaches the channel members who have not answered, in personal chats; the message
// extension searches accounts and "Log as check-in" opens the check-in form
// prefilled from the message; a retried invoke or card submit runs once; a shared
// channel is reported as shared with another organisation.
import { and, count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accounts, channelSettings, checkins, users, workspaces } from '../../db/schema.js';
import { runSurveyJobs } from '../../src/jobs/survey-jobs.js';
import { createLogger } from '../../src/log.js';
import { identityOf, teamsContext } from '../../src/platforms/teams/identity.js';
import { cardInputs, cardOf, cardProblems, cardText, submitData } from '../helpers/adaptive-card.js';
import { ENGINES } from '../helpers/engines.js';
import { activity, ANA, BEN, cardSubmit, FakeConnector, invokeActivity, mentioningMessage, OPS_CHANNEL, postActivity, TENANT, textMessage, type Person, type Place } from '../helpers/fake-teams.js';
import { tenureForSuite } from '../helpers/suite-tenure.js';

const OPS: Place = { kind: 'channel', channelId: OPS_CHANNEL, channelName: 'acme-ops', thread: '1700000000001' };
const DM: Place = { kind: 'personal', conversationId: 'a:personal-ana' };
const CAT: Person = { id: '29:cat', name: 'Cat Ruiz', aadObjectId: '00000000-0000-0000-0000-0000000000c3' };
const DAY = 24 * 60 * 60 * 1000;

describe.each(ENGINES)('Teams parity on $name', (engine) => {
  const connector = new FakeConnector();
  let now = new Date('2026-11-23T10:00:00Z');
  const app = tenureForSuite(engine, () => ({}), { teamsRetry: { baseMs: 10 }, clock: () => now }, [connector]);
  let endpoint = '';

  beforeAll(async () => {
    endpoint = new URL('/api/messages', app.tenure.url).toString();
    connector.roster = [ANA, BEN, CAT];
    await send(textMessage(connector.url, OPS, 'account add "Acme Corp" arr=$120k renewal=2027-03-31'));
  });

  const send = async (body: Record<string, unknown>) => {
    const from = connector.calls.length;
    const res = await postActivity(endpoint, body);
    expect(res.status, res.text).toBe(200);
    const calls = connector.calls.slice(from);
    const sent = connector.messages(from);
    for (const c of sent) expect(cardProblems(cardOf(c.body)), JSON.stringify(c.body).slice(0, 300)).toEqual([]);
    return { res, calls, sent, texts: sent.map((c) => cardText(cardOf(c.body))) };
  };
  const workspace = async () => (await app.database.db.select().from(workspaces).where(and(eq(workspaces.platform, 'teams'), eq(workspaces.externalId, TENANT))))[0]!;
  const acme = async () => (await app.database.db.select().from(accounts).where(and(eq(accounts.workspaceId, (await workspace()).id), eq(accounts.name, 'Acme Corp'))))[0]!;
  const checkinCount = async () => (await app.database.db.select({ n: count() }).from(checkins).where(eq(checkins.workspaceId, (await workspace()).id)))[0]!.n;
  const inChannel = (c: { conversationId: string }) => c.conversationId.startsWith(OPS_CHANNEL);

  // ------------------------------------------------------------ private answers

  it('answers a command meant for the asker alone in their personal chat, not in the channel; in the personal chat, in place', async () => {
    const asked = await send(textMessage(connector.url, OPS, 'account "Acme Corp"', BEN));
    expect(asked.calls.filter((c) => c.kind === 'create').map((c) => c.body.members)).toEqual([[{ id: BEN.id }]]);
    expect(asked.sent.map((c) => c.conversationId)).toEqual([`a:created-${BEN.id}`]);
    expect(asked.texts.join('\n')).toContain('Acme Corp');
    // Asked again: the personal chat is stored and used, not opened again.
    const again = await send(textMessage(connector.url, OPS, 'account list', BEN));
    expect(again.calls.filter((c) => c.kind === 'create')).toEqual([]);
    expect(again.sent.map((c) => c.conversationId)).toEqual([`a:created-${BEN.id}`]);
    // What the channel should see is still posted there.
    const added = await send(textMessage(connector.url, OPS, 'account add "Contoso"', BEN));
    expect(added.sent.map((c) => c.conversationId)).toEqual([`${OPS_CHANNEL};messageid=1700000000001`]);
    // In the personal chat itself the answer comes in place.
    const personal = await send(textMessage(connector.url, { kind: 'personal', conversationId: 'a:personal-ben' }, 'account list', BEN));
    expect(personal.sent.map((c) => c.conversationId)).toEqual(['a:personal-ben']);
  });

  it('says so in the channel, without the answer, when Teams will not open a personal chat', async () => {
    connector.failNext('create', { status: 403 });
    const asked = await send(textMessage(connector.url, OPS, 'account "Acme Corp"', CAT));
    expect(asked.sent.filter(inChannel)).toHaveLength(1);
    const said = asked.texts.join('\n');
    expect(said).toContain('I could not reach you in a private chat');
    expect(said).not.toContain('Health');
    expect(said).not.toContain('$120');
  });

  // ------------------------------------------------------------ mentions

  it('resolves people mentioned in a command from the mention entities (Teams id → Entra object id by the connector)', async () => {
    const owner = await send(mentioningMessage(connector.url, OPS, ['account set "Acme Corp" owner=', BEN]));
    expect(owner.texts.join('\n')).not.toContain('Nobody called');
    const ben = (await app.database.db.select().from(users).where(and(eq(users.workspaceId, (await workspace()).id), eq(users.platformUserId, BEN.aadObjectId))))[0];
    expect(ben?.id).toBeDefined();
    expect((await acme()).ownerUserId).toBe(ben!.id);
    expect(owner.calls.filter((c) => c.kind === 'member').map((c) => c.activityId)).toEqual([BEN.id]);
    // Someone the connector does not know is refused by name, with what to do.
    const stranger: Person = { id: '29:dan', name: 'Dan', aadObjectId: '00000000-0000-0000-0000-0000000000d4' };
    const unknown = await send(mentioningMessage(connector.url, OPS, ['account set "Acme Corp" owner=', stranger]));
    expect(unknown.texts.join('\n')).toContain('Nobody called @Dan');
    expect((await acme()).ownerUserId).toBe(ben!.id);
    // /tenure admin add @Ben, as typed to the bot in Teams.
    const admin = await send(mentioningMessage(connector.url, OPS, ['tenure admin add ', BEN]));
    expect(admin.texts.join('\n')).toContain('Ben Ode');
    expect(admin.texts.join('\n')).not.toContain('Nobody called');
    const listed = await send(textMessage(connector.url, OPS, 'tenure admin list'));
    expect(listed.texts.join('\n')).toContain('Ben Ode');
  });

  // ------------------------------------------------------------ survey reminders

  it('reminds the channel members who have not answered a survey at its mid-point, each in a personal chat, once', async () => {
    const started = now;
    const posted = await send(textMessage(connector.url, OPS, 'survey nps "Acme Corp"'));
    const survey = posted.sent.find(inChannel)!;
    const nine = submitData(cardOf(survey.body)).find((d) => d.tenureAction === 'survey.answer' && /"9"|:9\b|\b9$/.test(String(d.tenureValue)));
    expect(nine).toBeDefined();
    await send(cardSubmit(connector.url, OPS, survey.responseId!, nine!, ANA));
    // A guest of the customer answers too; Teams will not open a personal chat with them: the
    // tally on the card counts the answer, and nothing else is said in the channel.
    const eve: Person = { id: '29:eve', name: 'Eve Guest', aadObjectId: '00000000-0000-0000-0000-0000000000e5' };
    connector.failNext('create', { status: 403 });
    const guest = await send(cardSubmit(connector.url, OPS, survey.responseId!, nine!, eve));
    expect(guest.calls.filter((c) => c.kind === 'update').map((c) => cardText(cardOf(c.body)))).toEqual([expect.stringContaining('2 responses so far')]);
    expect(guest.sent).toEqual([]);
    const deps = { db: app.database.db, deliveries: { teams: app.tenure.teams!.delivery }, audiences: { teams: app.tenure.teams!.audience }, logger: createLogger('silent') };
    const from = connector.calls.length;
    await runSurveyJobs(deps, new Date(started.getTime() + 3.5 * DAY + 60_000));
    await runSurveyJobs(deps, new Date(started.getTime() + 4 * DAY));
    const reminders = connector.messages(from);
    expect(connector.calls.slice(from).some((c) => c.kind === 'member' && c.conversationId === OPS_CHANNEL)).toBe(true);
    // Ben and Cat had not answered; Ana had. Ben's personal chat is the one stored (his latest, where he
    // wrote to Tenure himself); Cat's, which Teams refused to open earlier, is opened now.
    expect(reminders.map((c) => c.conversationId).sort()).toEqual([`a:created-${CAT.id}`, 'a:personal-ben']);
    for (const r of reminders) expect(cardText(cardOf(r.body))).toContain('A friendly reminder');
    expect(reminders.some(inChannel)).toBe(false);
  });

  // ------------------------------------------------------------ message extension

  it('finds accounts for the compose box and inserts their card', async () => {
    const res = await postActivity(endpoint, invokeActivity(connector.url, OPS, 'composeExtension/query', { commandId: 'findAccount', parameters: [{ name: 'query', value: 'acme' }] }));
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text) as { composeExtension: { type: string; attachments: { content: unknown; preview: { content: { title: string } } }[] } };
    expect(body.composeExtension.type).toBe('result');
    expect(body.composeExtension.attachments.map((a) => a.preview.content.title)).toEqual(['Acme Corp']);
    const card = body.composeExtension.attachments[0]!.content;
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toContain('Acme Corp');
    const none = JSON.parse((await postActivity(endpoint, invokeActivity(connector.url, OPS, 'composeExtension/query', { commandId: 'findAccount', parameters: [{ name: 'query', value: 'zzz' }] }))).text);
    expect(none.composeExtension).toMatchObject({ type: 'message', text: expect.stringContaining('No account matches "zzz"') });
  });

  it('inserts no account card where the customer reads: a customer channel answers why instead (issue 22)', async () => {
    const customer: Place = { kind: 'channel', channelId: '19:acme-customer@thread.tacv2', channelName: 'acme-customer' };
    await send(textMessage(connector.url, customer, 'account link "Acme Corp" customer'));
    const res = await postActivity(endpoint, invokeActivity(connector.url, customer, 'composeExtension/query', { commandId: 'findAccount', parameters: [{ name: 'query', value: 'acme' }] }));
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text) as { composeExtension: { type: string; text?: string; attachments?: unknown[] } };
    expect(body.composeExtension.type).toBe('message');
    expect(body.composeExtension.text).toContain('This is Acme Corp’s customer channel: the customer would read an account card');
    expect(body.composeExtension.attachments).toBeUndefined();
  });

  const messagePayload = {
    id: '1700000000099',
    body: { contentType: 'html', content: '<p>Customer asked about the <b>backup runbook</b> &amp; the restore test.</p><p>Next: schedule it.</p>' },
    from: { user: { id: BEN.aadObjectId, displayName: 'Ben Ode' } },
    linkToMessage: 'https://teams.microsoft.com/l/message/19:ops@thread.tacv2/1700000000099',
  };

  it('"Log as check-in" opens the check-in form prefilled with the message and the channel\'s account, and logs it once', async () => {
    await send(textMessage(connector.url, OPS, 'account link "Acme Corp"'));
    const opened = await postActivity(endpoint, invokeActivity(connector.url, OPS, 'composeExtension/fetchTask', { commandId: 'logCheckin', commandContext: 'message', messagePayload }));
    expect(opened.status).toBe(200);
    const task = (JSON.parse(opened.text) as { task: { type: string; value: { card: { content: Record<string, unknown> } } } }).task;
    expect(task.type).toBe('continue');
    const form = task.value.card.content;
    expect(cardProblems(form)).toEqual([]);
    const inputs = cardInputs(form);
    expect(inputs.account!.value).toBe('Acme Corp');
    expect(String(inputs.notes!.value)).toBe('Customer asked about the backup runbook & the restore test.\nNext: schedule it.');

    const before = await checkinCount();
    const data = { ...submitData(form)[0]!, account: 'Acme Corp', type: 'call', date: '2026-11-23', sentiment: 'positive', notes: inputs.notes!.value, next: '' };
    const submit = invokeActivity(connector.url, OPS, 'composeExtension/submitAction', { commandId: 'logCheckin', commandContext: 'message', messagePayload, data });
    // Teams resends an invoke it got no answer to in time, with the same id: both get one answer, and one check-in is logged.
    const [first, retry] = await Promise.all([postActivity(endpoint, submit), postActivity(endpoint, submit)]);
    const late = await postActivity(endpoint, submit);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ task: { type: 'message', value: expect.stringContaining('Logged a call with Acme Corp') } });
    expect(retry.text).toBe(first.text);
    expect(late.text).toBe(first.text);
    expect(await checkinCount()).toBe(before + 1);

    // A submission with an error stays in the dialog, the error under its field.
    const invalid = await postActivity(endpoint, invokeActivity(connector.url, OPS, 'composeExtension/submitAction', { commandId: 'logCheckin', commandContext: 'message', data: { ...data, notes: '' } }));
    const again = (JSON.parse(invalid.text) as { task: { type: string; value: { card: { content: unknown } } } }).task;
    expect(again.type).toBe('continue');
    expect(cardProblems(again.value.card.content)).toEqual([]);
    expect(cardText(again.value.card.content)).toContain('⚠️');
    expect(await checkinCount()).toBe(before + 1);
  });

  it('runs a card submit Teams sent twice (same activity id) once', async () => {
    const opened = await send(textMessage(connector.url, OPS, 'checkin'));
    const formCall = opened.sent.at(-1)!;
    const data = { ...submitData(cardOf(formCall.body))[0]!, account: 'Acme Corp', type: 'meeting', date: '2026-11-20', sentiment: 'neutral', notes: 'QBR prep', next: '' };
    const before = await checkinCount();
    const submit = cardSubmit(connector.url, OPS, formCall.responseId!, data);
    await Promise.all([postActivity(endpoint, submit), postActivity(endpoint, submit)]);
    expect(await checkinCount()).toBe(before + 1);
  });

  it('runs a form sent from the personal chat in the channel it was opened in only for a member of that channel', async () => {
    const opened = await send(textMessage(connector.url, OPS, 'checkin', CAT));
    const formCall = opened.sent.at(-1)!;
    expect(formCall.conversationId).toBe(`a:created-${CAT.id}`);
    const data = { ...submitData(cardOf(formCall.body))[0]!, account: 'Acme Corp', type: 'email', date: '2026-11-21', sentiment: 'neutral', notes: 'Sent the QBR deck', next: '' };
    // Cat has left the channel since: what the channel would have read stays in her personal chat.
    connector.rosters[OPS_CHANNEL] = [ANA, BEN];
    try {
      const submitted = await send(cardSubmit(connector.url, { kind: 'personal', conversationId: `a:created-${CAT.id}` }, formCall.responseId!, data, CAT));
      const logged = submitted.sent.filter((c) => cardText(cardOf(c.body)).includes('Logged an email'));
      expect(logged.map((c) => c.conversationId)).toEqual([`a:created-${CAT.id}`]);
    } finally {
      delete connector.rosters[OPS_CHANNEL];
    }
  });

  // ------------------------------------------------------------ shared channels

  it('reports a shared channel (channelData.channel.type shared) as shared with another organisation, and leaves others unknown', async () => {
    const shared = activity(connector.url, OPS, { type: 'message', text: 'help' });
    (shared.channelData as { channel: Record<string, unknown> }).channel.type = 'shared';
    const standard = activity(connector.url, OPS, { type: 'message', text: 'help' });
    (standard.channelData as { channel: Record<string, unknown> }).channel.type = 'standard';
    const deps = { timezone: 'UTC', now };
    const ctxOf = (body: Record<string, unknown>) => teamsContext(app.database.db, identityOf(body as never, 'emulator'), deps);
    expect((await ctxOf(shared)).channel.sharedExternally).toBe(true);
    expect((await ctxOf(standard)).channel.sharedExternally).toBeUndefined();
    expect((await ctxOf(activity(connector.url, DM, { type: 'message', text: 'help' }))).channel.sharedExternally).toBeUndefined();
    // Through the door: a command in the shared channel leaves the channel known as shared.
    const sharedChannel = '19:shared-with-customer@thread.tacv2';
    const command = activity(connector.url, { kind: 'channel', channelId: sharedChannel, channelName: 'acme-shared' }, { type: 'message', text: `<at>Tenure</at> help`, entities: [{ type: 'mention', text: '<at>Tenure</at>', mentioned: { id: '28:tenure-bot', name: 'Tenure' } }] });
    (command.channelData as { channel: Record<string, unknown> }).channel.type = 'shared';
    await send(command);
    const [settings] = await app.database.db.select().from(channelSettings).where(and(eq(channelSettings.workspaceId, (await workspace()).id), eq(channelSettings.channelId, sharedChannel)));
    expect(settings?.sharedExternally).toBe(true);
    // Known before anyone types in it: Tenure added to a shared channel, or a channel shared with another team.
    const sharedOf = async (channelId: string) =>
      (await app.database.db.select().from(channelSettings).where(and(eq(channelSettings.workspaceId, (await workspace()).id), eq(channelSettings.channelId, channelId))))[0]?.sharedExternally;
    const installedIn = activity(connector.url, { kind: 'channel', channelId: '19:installed-shared@thread.tacv2' }, { type: 'conversationUpdate', membersAdded: [{ id: '28:tenure-bot', name: 'Tenure' }] });
    (installedIn.channelData as { channel: Record<string, unknown> }).channel.type = 'shared';
    await send(installedIn);
    expect(await sharedOf('19:installed-shared@thread.tacv2')).toBe(true);
    const sharedLater = activity(connector.url, { kind: 'channel', channelId: '19:shared-later@thread.tacv2' }, { type: 'conversationUpdate' });
    (sharedLater.channelData as Record<string, unknown>).eventType = 'channelShared';
    await send(sharedLater);
    expect(await sharedOf('19:shared-later@thread.tacv2')).toBe(true);
    // A standard channel the bot is added to is not marked.
    await send(activity(connector.url, { kind: 'channel', channelId: '19:standard@thread.tacv2' }, { type: 'conversationUpdate', membersAdded: [{ id: '28:tenure-bot', name: 'Tenure' }] }));
    expect(await sharedOf('19:standard@thread.tacv2')).toBeUndefined();
  });
});
