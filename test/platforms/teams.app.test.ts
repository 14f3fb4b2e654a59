// The real Teams SDK v2 app over HTTP: Bot Framework activities into /api/messages
// (local mode: the emulator's unauthenticated traffic), a fake Bot connector at the
// activities' serviceUrl recording every reply. Commands, card buttons, form
// validation, and conversation references stored on install and retired on removal.
import { and, count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accounts, checkins, conversationRefs, workspaces } from '../../db/schema.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { message, text } from '../../src/messages/builders.js';
import { ConversationUnavailable } from '../../src/platforms/teams/delivery.js';
import { startTenure } from '../../src/main.js';
import { cardButtons, cardInputs, cardOf, cardProblems, cardText, submitData } from '../helpers/adaptive-card.js';
import { ENGINES } from '../helpers/engines.js';
import { activity, ANA, BEN, BOT, cardSubmit, FakeConnector, OPS_CHANNEL, postActivity, TEAM, TENANT, textMessage, type Place } from '../helpers/fake-teams.js';
import { tenureForSuite } from '../helpers/suite-tenure.js';

const OPS: Place = { kind: 'channel', channelId: OPS_CHANNEL, channelName: 'acme-ops', thread: '1700000000001' };
const DM: Place = { kind: 'personal', conversationId: 'a:personal-ana' };
const GROUP: Place = { kind: 'groupChat', conversationId: '19:group-chat@thread.v2' };

describe.each(ENGINES)('Teams app on $name', (engine) => {
  const connector = new FakeConnector();
  const app = tenureForSuite(engine, () => ({}), { teamsRetry: { baseMs: 10 } }, [connector]);
  let endpoint = '';

  beforeAll(() => {
    endpoint = new URL('/api/messages', app.tenure.url).toString();
  });

  /** Posts an activity and returns the cards the bot sent in answer. */
  const send = async (body: Record<string, unknown>) => {
    const from = connector.calls.length;
    const res = await postActivity(endpoint, body);
    expect(res.status, res.text).toBe(200);
    const calls = connector.calls.slice(from);
    const sent = connector.messages(from);
    const cards = sent.map((c) => cardOf(c.body));
    for (const card of cards) expect(cardProblems(card), JSON.stringify(card).slice(0, 400)).toEqual([]);
    return { calls, sent, cards, texts: cards.map(cardText) };
  };
  const say = (text: string, place: Place = OPS, from = ANA) => send(textMessage(connector.url, place, text, from));

  const workspace = async () => (await app.database.db.select().from(workspaces).where(and(eq(workspaces.platform, 'teams'), eq(workspaces.externalId, TENANT))))[0];
  const checkinCount = async () => (await app.database.db.select({ n: count() }).from(checkins).where(eq(checkins.workspaceId, (await workspace())!.id)))[0]!.n;
  const refs = async () => app.database.db.select().from(conversationRefs).where(eq(conversationRefs.workspaceId, (await workspace())!.id));

  it('runs a command @mentioned in a channel and answers in its thread', async () => {
    const { calls, texts } = await say('account add "Acme Corp" arr=$120k renewal=2027-03-31');
    expect(texts.join('\n')).toContain('Added account Acme Corp');
    // Into the thread the command was typed in: the conversation id with its ;messageid=.
    const reply = calls.find((c) => c.kind === 'send')!;
    expect(reply.conversationId).toBe(`${OPS_CHANNEL};messageid=1700000000001`);
    const ws = (await workspace())!;
    expect(ws.name).toBe(TEAM.name);
    const [acme] = await app.database.db.select().from(accounts).where(eq(accounts.workspaceId, ws.id));
    expect(acme).toMatchObject({ name: 'Acme Corp', arrCents: 12_000_000 });
  });

  it('takes a leading slash, runs commands in a personal chat without a mention, and answers help', async () => {
    expect((await say('/account list', DM)).texts.join('\n')).toContain('Acme Corp');
    const help = (await say('help', DM)).texts.join('\n');
    expect(help).toContain('/checkin');
    expect(help).toContain('/account');
    const checkin = await say('checkin "Acme Corp" call Walked through the backup runbook sentiment=positive', GROUP, BEN);
    expect(checkin.texts.join('\n')).toContain('Logged a call with Acme Corp');
  });

  it('answers bad input with what was wrong, the usage and an example', async () => {
    const typo = (await say('account Acme Crop')).texts.join('\n');
    expect(typo).toContain('Did you mean "Acme Corp"');
    const missing = (await say('checkin "Acme Corp" call')).texts.join('\n');
    expect(missing).toContain('Add a note about the call');
    expect(missing).toContain('Usage: /checkin');
    expect((await say('chekin Acme')).texts.join('\n')).toContain('Did you mean /checkin');
    const { cards } = await say('account nobody-like-this');
    expect(JSON.stringify(cards[0])).toContain('"color":"Attention"');
  });

  it('opens the check-in form, shows errors on the card, and saves only the corrected submission', async () => {
    const opened = await say('checkin');
    const formCall = connector.messages().at(-1)!;
    // Typed in the channel, the form comes to the person's personal chat (as Slack opens a modal):
    // its pick list of accounts is not the channel's to read.
    expect(opened.calls.filter((c) => c.kind === 'send').map((c) => c.conversationId)).toEqual(['a:personal-ana']);
    const form = opened.cards[0]!;
    expect(Object.keys(cardInputs(form))).toEqual(['account', 'type', 'date', 'sentiment', 'notes', 'next']);
    const data = submitData(form)[0]!;
    const before = await checkinCount();
    const fields = { account: 'Acme Corp', type: 'meeting', date: '2026-11-20', sentiment: 'positive', next: '' };

    const invalid = await send(cardSubmit(connector.url, DM, formCall.responseId!, { ...data, ...fields, notes: '' }));
    const update = invalid.calls.find((c) => c.kind === 'update')!;
    expect(update).toMatchObject({ activityId: formCall.responseId!, conversationId: 'a:personal-ana' });
    const errorCard = cardOf(update.body);
    expect(cardProblems(errorCard)).toEqual([]);
    expect(cardText(errorCard)).toContain('⚠️ Add a note about the touch');
    expect(cardInputs(errorCard).type!.value).toBe('meeting');
    expect(invalid.cards).toHaveLength(0);
    expect(await checkinCount()).toBe(before);
    // A form too big to carry its pick lists (tenureTrimmed) answers with the errors as a message.
    const trimmed = await send(cardSubmit(connector.url, DM, formCall.responseId!, { ...data, tenureTrimmed: true, ...fields, notes: '' }));
    expect(trimmed.calls.filter((c) => c.kind === 'update')).toHaveLength(0);
    expect(trimmed.texts.join('\n')).toContain('Notes: Add a note about the touch');
    expect(await checkinCount()).toBe(before);

    const valid = await send(cardSubmit(connector.url, DM, update.activityId!, { ...data, ...fields, notes: 'Planning workshop with the sponsor' }));
    expect(cardText(cardOf(valid.calls.find((c) => c.kind === 'update')!.body))).toContain('✓ Log a check-in — sent by Ana Lopez');
    expect(valid.texts.join('\n')).toContain('Logged a meeting with Acme Corp on Fri 20 Nov 2026');
    // What the channel reads of it is posted in the channel the form was opened in (Ana is a member there).
    const logged = valid.sent.find((c) => cardText(cardOf(c.body)).includes('Logged a meeting'))!;
    expect(logged.conversationId).toBe(OPS_CHANNEL);
    expect(await checkinCount()).toBe(before + 1);
  });

  it('runs card buttons through the registry: the account card opens the form on that account', async () => {
    const { cards } = await say('account "Acme Corp"');
    const button = cardButtons(cards[0]!).find((b) => b.id === 'checkin.form')!;
    const card = connector.messages().at(-1)!;
    const press = submitData(cards[0]!).find((d) => d.tenureAction === 'checkin.form')!;
    expect(press).toEqual({ tenureVerb: 'tenure.press', tenureAction: 'checkin.form', tenureValue: button.value });
    const pressed = await send(cardSubmit(connector.url, OPS, card.responseId!, press));
    expect(cardInputs(pressed.cards[0]!).account!.value).toBe('Acme Corp');
    const stale = await send(cardSubmit(connector.url, OPS, 'x', { tenureVerb: 'tenure.press', tenureAction: 'gone.away', tenureValue: '1' }));
    expect(stale.texts.join('\n')).toContain('That button is no longer available');
  });

  it('takes survey answers from two people with card buttons and updates the tally on the card in place', async () => {
    const posted = await say('survey nps "Acme Corp"');
    const survey = connector.messages().at(-1)!;
    const rows = (posted.cards[0]!.body as { type: string; actions?: unknown[] }[]).filter((e) => e.type === 'ActionSet');
    expect(rows[0]!.actions).toHaveLength(6);
    const scores = cardButtons(posted.cards[0]!).filter((b) => b.id === 'survey.answer');
    expect(scores.map((b) => b.label)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    const press = (label: string) => submitData(posted.cards[0]!).find((d) => d.tenureAction === 'survey.answer' && scores.find((b) => b.label === label)!.value === d.tenureValue)!;
    const first = await send(cardSubmit(connector.url, OPS, survey.responseId!, press('9'), ANA));
    const second = await send(cardSubmit(connector.url, OPS, survey.responseId!, press('10'), BEN));
    for (const [answer, count] of [[first, '1 response'], [second, '2 responses']] as const) {
      const update = answer.calls.find((c) => c.kind === 'update')!;
      expect(update.activityId).toBe(survey.responseId);
      expect(cardProblems(cardOf(update.body))).toEqual([]);
      expect(cardText(cardOf(update.body))).toContain(`${count} so far`);
    }
    expect(first.texts.join('\n')).toContain('You answered');
  });

  it('stores conversation references on install, keyed without ;messageid=, and retires them on removal', async () => {
    const welcome = await send(activity(connector.url, { kind: 'channel', channelId: TEAM.id }, { type: 'conversationUpdate', membersAdded: [BOT] }));
    expect(welcome.texts.join('\n')).toContain('keeps your customer-success practice');
    const personal = await send(activity(connector.url, DM, { type: 'conversationUpdate', membersAdded: [BOT, ANA] }));
    expect(personal.texts.join('\n')).toContain('Renewals in the next 90 days');
    await send(activity(connector.url, GROUP, { type: 'installationUpdate', action: 'add' }, BEN));
    const byId = Object.fromEntries((await refs()).map((r) => [r.conversationId, r]));
    expect(byId[TEAM.id]).toMatchObject({ scope: 'team', active: true });
    expect(byId[OPS_CHANNEL]).toMatchObject({ scope: 'channel', active: true });
    expect((byId[OPS_CHANNEL]!.reference as { conversation: { id: string }; serviceUrl: string }).conversation.id).toBe(OPS_CHANNEL);
    expect(byId['a:personal-ana']).toMatchObject({ scope: 'personal', active: true });
    expect(byId['19:group-chat@thread.v2']).toMatchObject({ scope: 'groupChat', active: true });

    // Removed from the team: every channel of it goes; the chats stay.
    await send(activity(connector.url, { kind: 'channel', channelId: TEAM.id }, { type: 'installationUpdate', action: 'remove' }));
    await send(activity(connector.url, GROUP, { type: 'conversationUpdate', membersRemoved: [BOT] }, BEN));
    const after = Object.fromEntries((await refs()).map((r) => [r.conversationId, r.active]));
    // The personal chat Tenure opened for Ben's private answer (his survey answer above) is a chat, and stays.
    expect(after).toEqual({ [TEAM.id]: false, [OPS_CHANNEL]: false, 'a:personal-ana': true, '19:group-chat@thread.v2': false, 'a:created-29:ben': true });

    // Spoken to again in the channel: reachable again.
    await say('account list');
    expect((await refs()).find((r) => r.conversationId === OPS_CHANNEL)!.active).toBe(true);
  });

  it('keeps tenants apart', async () => {
    const other = { ...textMessage(connector.url, DM, 'account "Acme Corp"'), conversation: { id: 'a:other', conversationType: 'personal', tenantId: 'tenant-2' }, channelData: { tenant: { id: 'tenant-2' } } };
    expect((await send(other)).texts.join('\n')).toContain('No account named');
  });

  // ------------------------------------------------------------ proactive posts

  const digest = message('Weekly health digest', [text('**Acme Corp** · health 72 · renews 2027-03-31')], { visibility: 'channel' });
  const since = (from: number, kind: 'send' | 'update') => connector.calls.slice(from).filter((c) => c.kind === kind);

  it('posts proactively into a stored channel as a new thread (no ;messageid=), and to a person by their id', async () => {
    const ws = (await workspace())!;
    const from = connector.calls.length;
    const result = await app.tenure.teams!.delivery.postToConversation(ws, OPS_CHANNEL, digest);
    expect(result).toEqual({ status: 'delivered', activityId: expect.stringMatching(/^activity-/) });
    const [post] = since(from, 'send');
    expect(post!.conversationId).toBe(OPS_CHANNEL);
    expect(cardProblems(cardOf(post!.body))).toEqual([]);
    expect(cardText(cardOf(post!.body))).toContain('Acme Corp · health 72');
    // A direct message goes to the person's personal chat with the bot.
    await app.tenure.teams!.delivery.postToConversation(ws, ANA.aadObjectId, digest);
    expect(since(from, 'send').map((c) => c.conversationId)).toEqual([OPS_CHANNEL, 'a:personal-ana']);
  });

  it('retries a 429 and a 500, delivering each post once', async () => {
    const ws = (await workspace())!;
    for (const status of [429, 500]) {
      const from = connector.calls.length;
      connector.failNext('send', { status });
      expect(await app.tenure.teams!.delivery.postToConversation(ws, OPS_CHANNEL, digest)).toMatchObject({ status: 'delivered' });
      expect(since(from, 'send').map((c) => c.status)).toEqual([status, 200]);
    }
  });

  it('updates a posted card in place', async () => {
    const ws = (await workspace())!;
    const posted = await app.tenure.teams!.delivery.postToConversation(ws, OPS_CHANNEL, digest);
    const from = connector.calls.length;
    const tally = message('NPS survey #1: 2 answers', [text('**2 answers** · NPS 50')], { visibility: 'channel' });
    expect(await app.tenure.teams!.delivery.updateCard(ws, OPS_CHANNEL, (posted as { activityId: string }).activityId, tally)).toMatchObject({ status: 'delivered' });
    const [update] = since(from, 'update');
    expect(update).toMatchObject({ conversationId: OPS_CHANNEL, activityId: (posted as { activityId: string }).activityId, method: 'PUT' });
    expect(cardText(cardOf(update!.body))).toContain('2 answers · NPS 50');
  });

  it('paces posts to one conversation at about seven a second', async () => {
    const ws = (await workspace())!;
    const from = connector.calls.length;
    const began = Date.now();
    await Promise.all(Array.from({ length: 9 }, () => app.tenure.teams!.delivery.postToConversation(ws, 'a:personal-ana', digest)));
    const at = since(from, 'send').map((c) => c.at);
    expect(at).toHaveLength(9);
    // Seven go at once; the eighth and ninth wait for the first second to pass (exact slot
    // arithmetic is in teams.pacer.test.ts; arrival times here carry scheduling jitter).
    expect(at.slice(7).every((t) => t >= began + 1_000)).toBe(true);
  });

  it('on 403 marks the conversation inactive and does not retry; later posts are skipped', async () => {
    const ws = (await workspace())!;
    const from = connector.calls.length;
    connector.failNext('send', { status: 403 });
    expect(await app.tenure.teams!.delivery.postToConversation(ws, OPS_CHANNEL, digest)).toEqual({ status: 'skipped', reason: 'forbidden' });
    expect(since(from, 'send')).toHaveLength(1);
    expect((await refs()).find((r) => r.conversationId === OPS_CHANNEL)!.active).toBe(false);
    expect(await app.tenure.teams!.delivery.postToConversation(ws, OPS_CHANNEL, digest)).toEqual({ status: 'skipped', reason: 'inactive' });
    await expect(app.tenure.teams!.delivery.post(ws, OPS_CHANNEL, digest)).rejects.toBeInstanceOf(ConversationUnavailable);
    await expect(app.tenure.teams!.delivery.post(ws, '19:never-seen@thread.tacv2', digest)).rejects.toThrow(/no-reference/);
    expect(since(from, 'send')).toHaveLength(1);
  });

  // ------------------------------------------------------------ authentication

  it('with TEAMS_APP_ID set, refuses activities without a valid Bot Framework token with 401, and runs nothing', async () => {
    const shared = { ...app.database, close: async () => undefined };
    const config = { ...loadConfig({ TEAMS_APP_ID: '5b2a8c1e-0000-4000-8000-000000000001', TEAMS_APP_PASSWORD: 'app-password', LOG_LEVEL: 'silent' }), port: 0 };
    const secured = await startTenure(config, { database: shared, logger: createLogger('silent') });
    try {
      const url = new URL('/api/messages', secured.url).toString();
      const forged = { ...textMessage(connector.url, DM, 'account add Forged'), conversation: { id: 'a:forged', conversationType: 'personal', tenantId: 'tenant-forged' } };
      const unsigned = [{ alg: 'none', typ: 'JWT' }, { iss: 'https://attacker.example', aud: config.teams!.appId, exp: Math.floor(Date.now() / 1000) + 600 }]
        .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
        .join('.');
      const from = connector.calls.length;
      for (const headers of [{} as Record<string, string>, { authorization: 'Bearer not-a-token' }, { authorization: `Bearer ${unsigned}.` }, { authorization: 'Basic YTpi' }]) {
        expect((await postActivity(url, forged, headers)).status).toBe(401);
      }
      expect(connector.calls.length).toBe(from);
      const [ws] = await app.database.db.select().from(workspaces).where(eq(workspaces.externalId, 'tenant-forged'));
      expect(ws).toBeUndefined();
    } finally {
      await secured.close();
    }
  });

  it('has no /api/messages in platform mode without TEAMS_APP_ID (unauthenticated traffic is for local mode only)', async () => {
    const shared = { ...app.database, close: async () => undefined };
    const config = { ...loadConfig({ SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: `${connector.url}/slack/`, LOG_LEVEL: 'silent' }), port: 0 };
    expect(config.teams).toBeUndefined();
    const slackOnly = await startTenure(config, { database: shared, logger: createLogger('silent') });
    try {
      expect((await postActivity(new URL('/api/messages', slackOnly.url).toString(), textMessage(connector.url, DM, 'account list'))).status).toBe(404);
    } finally {
      await slackOnly.close();
    }
  });
});
