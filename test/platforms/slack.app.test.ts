// The real Bolt app over HTTP: signed slash commands, interactions and events
// into the shared server, a fake Slack Web API recording what the bot sent.
import { and, count, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { accounts, checkins, workspaces } from '../../db/schema.js';
import { createAccount } from '../../src/core/accounts.js';
import { ensureWorkspace } from '../../src/core/workspaces.js';
import { ENGINES } from '../helpers/engines.js';
import { FakeSlack, form, postSigned, slashForm } from '../helpers/fake-slack.js';
import { tenureForSuite } from '../helpers/suite-tenure.js';

const SECRET = 'test-signing-secret-0123456789';

interface Who {
  team?: string;
  user?: string;
  channel?: string;
}

describe.each(ENGINES)('Slack app on $name', (engine) => {
  const fake = new FakeSlack();
  const app = tenureForSuite(engine, () => ({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: `${fake.url}/api/` }), { slackAckBudgetMs: 1_500 }, [fake]);
  let events = '';

  beforeAll(() => {
    events = new URL('/slack/events', app.tenure.url).toString();
  });

  const slash = (command: string, text: string, who: Who = {}, options: { timestamp?: number } = {}) => {
    const responseUrl = fake.responseUrl();
    const body = slashForm(command, text, { ...who, channelName: 'acme-ops', responseUrl });
    return { responseUrl, send: () => postSigned(events, body, 'application/x-www-form-urlencoded', { secret: SECRET, ...options }), body };
  };

  const interaction = (payload: Record<string, unknown>) =>
    postSigned(events, form({ payload: JSON.stringify(payload) }), 'application/x-www-form-urlencoded', { secret: SECRET });

  const workspaceId = async (team: string) => {
    const [row] = await app.database.db.select().from(workspaces).where(and(eq(workspaces.platform, 'slack'), eq(workspaces.externalId, team)));
    return row?.id;
  };
  const accountCount = async (team: string) => {
    const id = await workspaceId(team);
    if (!id) return 0;
    const [row] = await app.database.db.select({ n: count() }).from(accounts).where(eq(accounts.workspaceId, id));
    return row!.n;
  };
  const textOf = (json: unknown) => JSON.stringify(json);

  it('answers a signed slash command in the ack, in the channel for confirmations', async () => {
    const res = await slash('/account', 'add "Acme Corp" arr=$120k renewal=2027-03-31').send();
    expect(res.status).toBe(200);
    const json = res.json as { response_type: string; text: string; blocks: unknown[] };
    expect(json.response_type).toBe('in_channel');
    expect(json.text).toContain('Added account Acme Corp');
    expect(json.blocks.length).toBeGreaterThan(0);
    expect(await accountCount('T1')).toBe(1);
    // The display name came from users.info, not from the payload.
    expect(fake.of('users.info').some((c) => c.body.user === 'U1')).toBe(true);
  });

  it('refuses forged, stale, future and replayed requests with 401 and writes nothing', async () => {
    const before = await accountCount('T1');
    const forged = slash('/account', 'add Forged');
    const res = await fetch(events, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)), 'x-slack-signature': 'v0=' + '0'.repeat(64) },
      body: forged.body,
    });
    expect(res.status).toBe(401);
    const now = Math.floor(Date.now() / 1000);
    expect((await slash("/account", "add Stale").send()).status).toBe(200); // sanity: a fresh one works
    expect((await slash('/account', 'add Stale2', {}, { timestamp: now - 10 * 60 }).send()).status).toBe(401);
    expect((await slash('/account', 'add Future', {}, { timestamp: now + 10 * 60 }).send()).status).toBe(401);
    const once = slash('/account', 'add Replayed', {}, { timestamp: now });
    expect((await once.send()).status).toBe(200);
    expect((await once.send()).status).toBe(401);
    const names = (await app.database.db.select({ name: accounts.name }).from(accounts).where(eq(accounts.workspaceId, (await workspaceId('T1'))!))).map((r) => r.name);
    expect(names).toContain('Stale');
    expect(names).toContain('Replayed');
    expect(names).not.toContain('Forged');
    expect(names).not.toContain('Stale2');
    expect(names).not.toContain('Future');
    expect(await accountCount('T1')).toBe(before + 2);
  });

  it('answers bad input privately with usage and an example', async () => {
    const res = await slash('/account', 'Acme Crop').send();
    const json = res.json as { response_type: string; text: string };
    expect(json.response_type).toBe('ephemeral');
    expect(textOf(res.json)).toContain('Did you mean \\"Acme Corp\\"');
    const checkin = await slash('/checkin', '"Acme Corp" call').send();
    expect(textOf(checkin.json)).toContain('Add a note about the call');
    expect(textOf(checkin.json)).toContain('Usage: ');
    const help = await slash('/tenure', 'help').send();
    expect(textOf(help.json)).toContain('/checkin');
    const viaTenure = await slash('/tenure', 'checkin "Acme Corp" call Quarterly plan sentiment=positive').send();
    expect((viaTenure.json as { response_type: string }).response_type).toBe('in_channel');
    expect(textOf(viaTenure.json)).toContain('Logged a call with');
  });

  it('opens the check-in modal, returns field errors, and saves only the corrected submission', async () => {
    const opened = slash('/checkin', '');
    const res = await opened.send();
    expect(res.status).toBe(200);
    const [open] = await fake.waitFor('views.open');
    const view = open!.body.view as { callback_id: string; private_metadata: string; blocks: { block_id: string }[] };
    expect(view.callback_id).toBe('checkin');
    expect(view.blocks.map((b) => b.block_id)).toEqual(expect.arrayContaining(['account', 'type', 'date', 'sentiment', 'notes', 'next']));
    const ws = (await workspaceId('T1'))!;
    const before = (await app.database.db.select({ n: count() }).from(checkins).where(eq(checkins.workspaceId, ws)))[0]!.n;

    const submit = (notes: string) =>
      interaction({
        type: 'view_submission',
        team: { id: 'T1', domain: 't1' },
        user: { id: 'U1', username: 'ana', name: 'ana', team_id: 'T1' },
        api_app_id: 'A1',
        trigger_id: 'trigger-view',
        view: {
          id: 'V1',
          type: 'modal',
          callback_id: 'checkin',
          private_metadata: view.private_metadata,
          state: {
            values: {
              account: { account: { type: 'static_select', selected_option: { value: 'Acme Corp' } } },
              type: { type: { type: 'static_select', selected_option: { value: 'meeting' } } },
              date: { date: { type: 'datepicker', selected_date: '2026-11-20' } },
              sentiment: { sentiment: { type: 'static_select', selected_option: { value: 'positive' } } },
              notes: { notes: { type: 'plain_text_input', value: notes } },
              next: { next: { type: 'datepicker', selected_date: null } },
            },
          },
        },
      });
    const invalid = await submit('');
    expect(invalid.status).toBe(200);
    expect(invalid.json).toMatchObject({ response_action: 'errors', errors: { notes: expect.stringContaining('Add a note') } });
    expect((await app.database.db.select({ n: count() }).from(checkins).where(eq(checkins.workspaceId, ws)))[0]!.n).toBe(before);

    const valid = await submit('Planning workshop with the sponsor');
    expect(valid.status).toBe(200);
    expect(valid.text).toBe('');
    const responses = await fake.waitFor(`respond/${opened.responseUrl.split('/').pop()}`);
    expect(responses[0]!.body).toMatchObject({ response_type: 'in_channel', text: expect.stringContaining('Logged a meeting with Acme Corp on Fri 20 Nov 2026') });
    expect((await app.database.db.select({ n: count() }).from(checkins).where(eq(checkins.workspaceId, ws)))[0]!.n).toBe(before + 1);
  });

  it('opens the form from an account card button', async () => {
    const card = await slash('/account', '"Acme Corp"').send();
    const blocks = (card.json as { blocks: { type: string; elements?: { action_id: string; value: string }[] }[] }).blocks;
    const button = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'checkin.form')!;
    const opens = fake.of('views.open').length;
    const res = await interaction({
      type: 'block_actions',
      team: { id: 'T1', domain: 't1' },
      user: { id: 'U1', username: 'ana', name: 'ana', team_id: 'T1' },
      api_app_id: 'A1',
      trigger_id: 'trigger-button',
      channel: { id: 'C1', name: 'acme-ops' },
      container: { type: 'message', channel_id: 'C1' },
      response_url: fake.responseUrl(),
      actions: [{ type: 'button', action_id: 'checkin.form', block_id: 'b1', value: button.value, action_ts: '1' }],
    });
    expect(res.status).toBe(200);
    const calls = await fake.waitFor('views.open', opens + 1);
    const view = calls[calls.length - 1]!.body.view as { blocks: { block_id: string; element: { initial_option?: { value: string } } }[] };
    expect(view.blocks.find((b) => b.block_id === 'account')!.element.initial_option?.value).toBe('Acme Corp');
  });

  it('publishes App Home on app_home_opened, once per event even when Slack retries', async () => {
    const event = {
      token: 'legacy',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: `Ev${Date.now()}`,
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_home_opened', user: 'U1', channel: 'D1', tab: 'home', event_ts: '1.0' },
    };
    const body = JSON.stringify(event);
    expect((await postSigned(events, body, 'application/json', { secret: SECRET })).status).toBe(200);
    const [home] = await fake.waitFor('views.publish');
    expect(home!.body.user_id).toBe('U1');
    expect(JSON.stringify(home!.body.view)).toContain('Renewals in the next 90 days');
    // Slack retries the same event with a new signature and X-Slack-Retry-Num.
    expect((await postSigned(events, body, 'application/json', { secret: SECRET, retryNum: 1, timestamp: Math.floor(Date.now() / 1000) + 1 })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.of('views.publish')).toHaveLength(1);
  });

  it('keeps two workspaces apart', async () => {
    // Another workspace's data in the same database (an earlier team, a Teams tenant), made
    // through the core: this server answers requests from its own team only.
    const t2 = await ensureWorkspace(app.database.db, { platform: 'slack', externalId: 'T2', name: 'T2', timezone: 'UTC' });
    const theirs = await createAccount(app.database.db, t2.id, { name: 'Globex' }, { userId: null, now: new Date(), label: 'test' });
    const notFound = await slash('/account', '"Globex"').send();
    expect(textOf(notFound.json)).toContain('No account named');
    expect(textOf(notFound.json)).not.toContain('Did you mean');
    // A button carrying the other workspace's account id finds nothing.
    const responseUrl = fake.responseUrl();
    const res = await interaction({
      type: 'block_actions',
      team: { id: 'T1' },
      user: { id: 'U1', username: 'ana', name: 'ana', team_id: 'T1' },
      api_app_id: 'A1',
      trigger_id: 't',
      channel: { id: 'C1', name: 'acme-ops' },
      response_url: responseUrl,
      actions: [{ type: 'button', action_id: 'account.show', block_id: 'b', value: theirs.id, action_ts: '1' }],
    });
    expect(res.status).toBe(200);
    const [answer] = await fake.waitFor(`respond/${responseUrl.split('/').pop()}`);
    expect(JSON.stringify(answer!.body)).toContain('no longer exists');
    expect(JSON.stringify(answer!.body)).not.toContain('Globex');
    expect(await accountCount('T2')).toBe(1);
  });

  it('acks at once and answers through response_url when the database is slow', async () => {
    const release = await holdDatabase(app.database);
    const started = slash('/account', 'list');
    const acked = await started.send();
    const ackedAt = Date.now();
    expect(acked.status).toBe(200);
    expect(acked.text).toBe('');
    const freedAt = await release();
    expect(ackedAt).toBeLessThan(freedAt);
    const [answer] = await fake.waitFor(`respond/${started.responseUrl.split('/').pop()}`);
    expect(JSON.stringify(answer!.body)).toContain('Acme Corp');
    expect(answer!.at).toBeGreaterThanOrEqual(freedAt);
  });

  it('posts once when Slack answers 429 with Retry-After, and never re-posts after a 500', async () => {
    const submitFromHome = (notes: string) =>
      interaction({
        type: 'view_submission',
        team: { id: 'T1' },
        user: { id: 'U1', username: 'ana', name: 'ana', team_id: 'T1' },
        api_app_id: 'A1',
        trigger_id: 't',
        view: {
          id: 'V2',
          type: 'modal',
          callback_id: 'checkin',
          private_metadata: JSON.stringify({ channelId: 'C1', responseUrl: '' }),
          state: {
            values: {
              account: { account: { type: 'static_select', selected_option: { value: 'Acme Corp' } } },
              type: { type: { type: 'static_select', selected_option: { value: 'call' } } },
              date: { date: { type: 'datepicker', selected_date: '2026-11-20' } },
              sentiment: { sentiment: { type: 'static_select', selected_option: { value: 'neutral' } } },
              notes: { notes: { type: 'plain_text_input', value: notes } },
              next: { next: { type: 'datepicker', selected_date: null } },
            },
          },
        },
      });
    const before = fake.of('chat.postMessage').length;
    fake.failNext('chat.postMessage', { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } });
    expect((await submitFromHome('Rate limited once')).status).toBe(200);
    const posts = await fake.waitFor('chat.postMessage', before + 2);
    expect(posts.slice(before).map((p) => String(p.body.text))).toEqual([expect.stringContaining('Logged a call'), expect.stringContaining('Logged a call')]);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.of('chat.postMessage')).toHaveLength(before + 2); // one refused, one posted

    fake.failNext('chat.postMessage', { status: 500, body: { ok: false, error: 'internal_error' } });
    expect((await submitFromHome('Server error once')).status).toBe(200);
    await fake.waitFor('chat.postMessage', before + 3);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(fake.of('chat.postMessage')).toHaveLength(before + 3); // not blindly re-posted
  });

  it('runs a survey end to end: posted in the channel, three people answer, one changes, the results are right', async () => {
    await slash('/account', 'set "Acme Corp" owner=<@U1|ana>').send();
    const posted = await slash('/survey', 'nps "Acme Corp" force=yes').send();
    const json = posted.json as { response_type: string; blocks: { type: string; elements?: { action_id: string; value: string; text: { text: string } }[] }[] };
    expect(json.response_type).toBe('in_channel');
    const buttons = json.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
    expect(buttons.map((b) => b.text.text)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    const click = (user: string, label: string) => {
      const button = buttons.find((b) => b.text.text === label)!;
      const responseUrl = fake.responseUrl();
      return {
        responseUrl,
        res: interaction({
          type: 'block_actions',
          team: { id: 'T1', domain: 't1' },
          user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T1' },
          api_app_id: 'A1',
          trigger_id: `t-${user}`,
          channel: { id: 'C1', name: 'acme-ops' },
          container: { type: 'message', channel_id: 'C1', message_ts: '1.1' },
          message: { ts: '1.1', type: 'message' },
          response_url: responseUrl,
          actions: [{ type: 'button', action_id: button.action_id, block_id: 'b', value: button.value, action_ts: '1' }],
        }),
      };
    };
    fake.profiles.set('U21', 'dana');
    fake.profiles.set('U22', 'marcus');
    fake.profiles.set('U23', 'priya');
    for (const [user, label] of [['U21', '9'], ['U22', '10'], ['U23', '3'], ['U23', '7']] as const) {
      const { res, responseUrl } = click(user, label);
      expect((await res).status).toBe(200);
      const answers = await fake.waitFor(`respond/${responseUrl.split('/').pop()}`, 2);
      const tally = answers.find((a) => a.body.replace_original === true)!;
      expect(JSON.stringify(tally.body)).toMatch(/response(s)? so far/);
      const thanks = answers.find((a) => a.body.response_type === 'ephemeral')!;
      expect(String(thanks.body.text)).toMatch(label === '7' ? /Changed your answer to 7/ : new RegExp(`You answered ${label}`));
    }
    const results = await slash('/survey', 'results 1').send();
    const text = JSON.stringify(results.json);
    expect(text).toContain('+67');
    expect(text).toContain('2 (67%)');
    expect(text).toContain('3 responses');
    // The 3 was a detractor when given: the owner (U1) heard about it once, privately.
    const alerts = fake.of('chat.postMessage').filter((c) => String(c.body.text).includes('Low score'));
    expect(alerts.map((c) => c.body.channel)).toEqual(['U1']);
  });

  const active = async (team: string) =>
    (await app.database.db.select().from(workspaces).where(and(eq(workspaces.platform, 'slack'), eq(workspaces.externalId, team))))[0]!.active;
  const teamEvent = (team: string, event: Record<string, unknown>) =>
    JSON.stringify({
      token: 'legacy',
      team_id: team,
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: `Ev${String(event.type)}${team}${Date.now()}${Math.random()}`,
      event_time: Math.floor(Date.now() / 1000),
      event: { event_ts: '1.0', ...event },
    });

  it("deactivates its workspace on app_uninstalled and keeps its data; another workspace's uninstall changes nothing", async () => {
    expect((await postSigned(events, teamEvent('T2', { type: 'app_uninstalled' }), 'application/json', { secret: SECRET })).status).toBe(200);
    expect((await postSigned(events, teamEvent('T1', { type: 'app_uninstalled' }), 'application/json', { secret: SECRET })).status).toBe(200);
    for (let i = 0; i < 50 && (await active('T1')); i++) await new Promise((r) => setTimeout(r, 50));
    const [ws] = await app.database.db.select().from(workspaces).where(and(eq(workspaces.platform, 'slack'), eq(workspaces.externalId, 'T1')));
    expect(ws!.active).toBe(false);
    expect(ws!.deactivatedAt).not.toBeNull();
    expect(await accountCount('T1')).toBeGreaterThan(0);
    expect(await active('T2')).toBe(true);
  });

  it('deactivates its workspace when its bot token is revoked, not when only user tokens are', async () => {
    // Installed again since the test above.
    await app.database.db.update(workspaces).set({ active: true, deactivatedAt: null }).where(and(eq(workspaces.platform, 'slack'), eq(workspaces.externalId, 'T1')));
    const publishes = fake.of('views.publish').length;
    expect((await postSigned(events, teamEvent('T1', { type: 'tokens_revoked', tokens: { oauth: ['U1'] } }), 'application/json', { secret: SECRET })).status).toBe(200);
    expect((await postSigned(events, teamEvent('T2', { type: 'tokens_revoked', tokens: { bot: ['B1'] } }), 'application/json', { secret: SECRET })).status).toBe(200);
    // Sent after those and handled by now, so they were: a user token's revocation leaves the app installed.
    expect((await postSigned(events, teamEvent('T1', { type: 'app_home_opened', user: 'U1', channel: 'D1', tab: 'home' }), 'application/json', { secret: SECRET })).status).toBe(200);
    await fake.waitFor('views.publish', publishes + 1);
    expect(await active('T1')).toBe(true);
    expect(await active('T2')).toBe(true);
    expect((await postSigned(events, teamEvent('T1', { type: 'tokens_revoked', tokens: { bot: ['B1'] } }), 'application/json', { secret: SECRET })).status).toBe(200);
    for (let i = 0; i < 50 && (await active('T1')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await active('T1')).toBe(false);
  });
});

/**
 * Makes the database slow for a moment: a transaction takes an exclusive lock on
 * accounts and holds it while the test waits. (On PGlite, which runs one query at
 * a time, everything queues behind it; a pg_sleep there would block the whole
 * process instead, so the wait happens in JavaScript.) Returns a function that
 * waits for the hold to end and tells when it ended.
 */
async function holdDatabase(database: Database): Promise<() => Promise<number>> {
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const done = database.db
    .transaction(async (tx) => {
      await tx.execute(sql`lock table accounts in access exclusive mode`);
      locked();
      await new Promise((r) => setTimeout(r, 2_500));
    })
    .then(() => Date.now());
  await isLocked;
  return () => done;
}
