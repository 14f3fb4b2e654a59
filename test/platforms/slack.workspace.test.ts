// Single-workspace mode (SLACK_SIGNING_SECRET + SLACK_BOT_TOKEN) serves the workspace
// its bot token belongs to (auth.test) and no other, though Slack signs every
// workspace's requests with the app's one secret: commands and interactions for
// another workspace are refused with 401, events for it are acknowledged and
// ignored, and nothing is written for them. Fields that legitimately carry another
// team (a Slack Connect user's team, a shared channel's other workspace, the
// Enterprise Grid organisation) do not decide. Payloads that name no workspace are 400.
import { Writable } from 'node:stream';
import { WebClient } from '@slack/web-api';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { jobRuns, users, workspaces } from '../../db/schema.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startTenure, type Tenure } from '../../src/main.js';
import { ForeignWorkspaceError, singleWorkspace } from '../../src/platforms/slack/single-authorize.js';
import { ENGINES } from '../helpers/engines.js';
import { FakeSlack, form, postSigned } from '../helpers/fake-slack.js';

const SECRET = 'test-signing-secret-workspace';

class LogLines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString().split('\n')) if (line.startsWith('{')) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
  /** Lines written since `from`, scheduled jobs' own lines left out. */
  since(from: number): Record<string, unknown>[] {
    return this.lines.slice(from).filter((l) => l.job === undefined && !String(l.msg).startsWith('job '));
  }
}

interface Started {
  fake: FakeSlack;
  tenure: Tenure;
  database: Database;
  log: LogLines;
  release(): Promise<void>;
}

async function start(engine: (typeof ENGINES)[number], botTeam: FakeSlack['botTeam']): Promise<Started> {
  const fake = new FakeSlack();
  fake.botTeam = botTeam;
  await fake.start();
  const { database, release } = await engine.open();
  const log = new LogLines();
  const config = { ...loadConfig({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: `${fake.url}/api/`, LOG_LEVEL: 'info' }), port: 0 };
  const tenure = await startTenure(config, { database, logger: createLogger('info', log), slackAckBudgetMs: 1_500 });
  return {
    fake,
    tenure,
    database,
    log,
    release: async () => {
      await tenure.close();
      await release();
      await fake.stop();
    },
  };
}

function requests(s: () => Started) {
  const events = () => new URL('/slack/events', s().tenure.url).toString();
  return {
    slash: (fields: Record<string, string>) =>
      postSigned(
        events(),
        form({ token: 'legacy', channel_id: 'C1', channel_name: 'ops', user_id: 'U1', user_name: 'ana', command: '/account', text: 'list', response_url: s().fake.responseUrl(), trigger_id: 't', api_app_id: 'A1', ...fields }),
        'application/x-www-form-urlencoded',
        { secret: SECRET },
      ),
    interaction: (payload: Record<string, unknown>) => postSigned(events(), form({ payload: JSON.stringify(payload) }), 'application/x-www-form-urlencoded', { secret: SECRET }),
    event: (envelope: Record<string, unknown>) => postSigned(events(), JSON.stringify(envelope), 'application/json', { secret: SECRET }),
    workspace: async (team: string) =>
      (await s().database.db.select().from(workspaces).where(and(eq(workspaces.platform, 'slack'), eq(workspaces.externalId, team))))[0],
  };
}

const button = (responseUrl: string, value = 'none') => ({
  api_app_id: 'A1',
  trigger_id: 't',
  channel: { id: 'C1', name: 'acme-ops' },
  container: { type: 'message', channel_id: 'C1' },
  response_url: responseUrl,
  actions: [{ type: 'button', action_id: 'account.show', block_id: 'b', value, action_ts: '1' }],
});

let eventNumber = 0;
const envelope = (fields: Record<string, unknown>, event: Record<string, unknown>) => ({
  token: 'legacy',
  api_app_id: 'A1',
  type: 'event_callback',
  event_id: `EvW${Date.now()}${++eventNumber}`,
  event_time: Math.floor(Date.now() / 1000),
  ...fields,
  event,
});

describe.each(ENGINES)('Slack single-workspace mode on $name', (engine) => {
  let s: Started;
  const r = requests(() => s);
  beforeAll(async () => {
    s = await start(engine, { teamId: 'T1' });
  });
  afterAll(async () => {
    await s?.release();
  });

  it("serves the token's workspace and refuses a command from another with 401, one log line and nothing written", async () => {
    const own = await r.slash({ team_id: 'T1', team_domain: 't1', text: 'add "Own Co"' });
    expect(own.status).toBe(200);
    expect(own.text).toContain('Added account Own Co');
    const lookups = s.fake.of('users.info').length;

    const from = s.log.lines.length;
    const foreign = await r.slash({ team_id: 'T2', team_domain: 't2', user_id: 'U9', text: 'add "Foreign Co"' });
    expect(foreign.status).toBe(401);
    expect(foreign.text).not.toContain('Foreign Co');
    expect(await r.workspace('T2')).toBeUndefined();
    expect(s.fake.of('users.info')).toHaveLength(lookups);
    expect(s.log.since(from).map((l) => [l.msg, l.teamId, l.kind])).toEqual([['refused a Slack request for a workspace this server does not serve', 'T2', 'command']]);
  });

  it('refuses button presses and modal submissions for another workspace with 401', async () => {
    const from = s.log.lines.length;
    const press = await r.interaction({ type: 'block_actions', team: { id: 'T2', domain: 't2' }, user: { id: 'U9', username: 'x', name: 'x', team_id: 'T2' }, ...button(s.fake.responseUrl()) });
    expect(press.status).toBe(401);
    const submit = await r.interaction({
      type: 'view_submission',
      team: { id: 'T2' },
      user: { id: 'U9', name: 'x', team_id: 'T2' },
      api_app_id: 'A1',
      view: { id: 'V1', type: 'modal', callback_id: 'checkin', private_metadata: '{}', state: { values: {} } },
    });
    expect(submit.status).toBe(401);
    expect(await r.workspace('T2')).toBeUndefined();
    expect(s.log.since(from)).toHaveLength(2);
  });

  it("acknowledges another workspace's events with 200 and does nothing for them, not even the retry ledger", async () => {
    const publishes = s.fake.of('views.publish').length;
    const from = s.log.lines.length;
    const home = envelope({ team_id: 'T2', authorizations: [{ team_id: 'T2', enterprise_id: null, is_bot: true }] }, { type: 'app_home_opened', user: 'U9', channel: 'D9', tab: 'home', event_ts: '1.0' });
    const res = await r.event(home);
    expect(res.status).toBe(200);
    const uninstall = envelope({ team_id: 'T2' }, { type: 'app_uninstalled', event_ts: '1.0' });
    expect((await r.event(uninstall)).status).toBe(200);
    expect(s.log.since(from).map((l) => [l.msg, l.teamId])).toEqual([
      ['ignored a Slack event for a workspace this server does not serve', 'T2'],
      ['ignored a Slack event for a workspace this server does not serve', 'T2'],
    ]);
    // Our own event afterwards is served, so the foreign one had its chance to run and did not.
    expect((await r.event(envelope({ team_id: 'T1' }, { type: 'app_home_opened', user: 'U1', channel: 'D1', tab: 'home', event_ts: '2.0' }))).status).toBe(200);
    await s.fake.waitFor('views.publish', publishes + 1);
    expect(s.fake.of('views.publish').slice(publishes).map((c) => c.body.user_id)).toEqual(['U1']);
    expect(await r.workspace('T2')).toBeUndefined();
    const ledger = await s.database.db.select().from(jobRuns).where(and(eq(jobRuns.jobName, 'slack-event'), eq(jobRuns.periodKey, home.event_id)));
    expect(ledger).toEqual([]);
    expect((await r.workspace('T1'))!.active).toBe(true);
  });

  it("serves a Slack Connect partner's button press on our message, in our workspace", async () => {
    const responseUrl = s.fake.responseUrl();
    // The partner's own team is in user.team_id; team.id is the workspace the message is in.
    const res = await r.interaction({ type: 'block_actions', team: { id: 'T1', domain: 't1' }, user: { id: 'UP1', username: 'pat', name: 'pat', team_id: 'T_PARTNER' }, ...button(responseUrl) });
    expect(res.status).toBe(200);
    const [answer] = await s.fake.waitFor(`respond/${responseUrl.split('/').pop()}`);
    expect(JSON.stringify(answer!.body)).toContain('no longer exists');
    expect(await r.workspace('T_PARTNER')).toBeUndefined();
    const t1 = (await r.workspace('T1'))!;
    const [partner] = await s.database.db.select().from(users).where(and(eq(users.workspaceId, t1.id), eq(users.platformUserId, 'UP1')));
    expect(partner).toBeDefined();
  });

  it("serves an event in a channel shared by another workspace, for the installation's workspace", async () => {
    // In a shared channel the envelope's team_id can be the channel's other workspace; the
    // installation the event is delivered for is in authorizations.
    const csv = s.fake.shareFile({ id: 'F_SHARED', name: 'accounts.csv', content: 'name,arr\nShared Co,1000\n', team: 'T1' });
    const event = envelope(
      { team_id: 'T_HOST', authorizations: [{ team_id: 'T1', enterprise_id: null, is_bot: true }] },
      { type: 'message', subtype: 'file_share', user: 'U1', channel: 'C_SHARED', ts: '10.1', files: [csv], team: 'T1', user_team: 'T1' },
    );
    const posts = s.fake.of('chat.postMessage').length;
    expect((await r.event(event)).status).toBe(200);
    const [preview] = (await s.fake.waitFor('chat.postMessage', posts + 1)).slice(posts);
    expect(preview!.body).toMatchObject({ channel: 'C_SHARED', thread_ts: '10.1' });
    expect(JSON.stringify(preview!.body)).toContain('Shared Co');
    expect(await r.workspace('T_HOST')).toBeUndefined();
  });

  it('serves a workspace of an Enterprise Grid organisation by its team, whatever the organisation', async () => {
    const res = await r.slash({ team_id: 'T1', team_domain: 't1', enterprise_id: 'E1', enterprise_name: 'Org', text: 'list' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Own Co');
    expect((await r.slash({ team_id: 'T3', enterprise_id: 'E1', text: 'list' })).status).toBe(401);
  });

  it('answers 400, not 500, to a signed interaction or event that names no workspace', async () => {
    const from = s.log.lines.length;
    const orphan = await r.interaction({ type: 'block_actions', team: null, ...button(s.fake.responseUrl()) });
    expect(orphan.status).toBe(400);
    expect(orphan.json).toEqual({ error: expect.stringContaining('malformed Slack payload') });
    expect((await r.interaction({ type: 'block_actions', team: null, user: null, ...button(s.fake.responseUrl()) })).status).toBe(400);
    expect((await r.interaction({ type: 'block_actions', team: null, user: { id: 'U1', name: 'ana' }, ...button(s.fake.responseUrl()) })).status).toBe(400);
    expect((await r.interaction({ type: 'view_submission', team: { id: 'T1' }, user: { id: 'U1', team_id: 'T1' } })).status).toBe(400);
    expect((await r.event(envelope({ team_id: 'T1' }, 'not an object' as never))).status).toBe(400);
    expect((await r.event(envelope({}, { type: 'app_home_opened', user: 'U1', tab: 'home' }))).status).toBe(400);
    expect(s.log.since(from).map((l) => l.msg)).toEqual(Array(6).fill('refused a signed Slack request that does not say which workspace it is for'));
    // An org-wide deployment's press has team: null and the user's team: that one is served.
    const responseUrl = s.fake.responseUrl();
    const orgWide = await r.interaction({ type: 'block_actions', team: null, user: { id: 'U1', username: 'ana', name: 'ana', team_id: 'T1' }, ...button(responseUrl) });
    expect(orgWide.status).toBe(200);
    await s.fake.waitFor(`respond/${responseUrl.split('/').pop()}`);
  });
});

describe.each(ENGINES.slice(0, 1))('Slack org-wide bot token on $name', (engine) => {
  let s: Started;
  const r = requests(() => s);
  beforeAll(async () => {
    s = await start(engine, { enterpriseId: 'E1', isEnterpriseInstall: true });
  });
  afterAll(async () => {
    await s?.release();
  });

  it("serves every workspace of the token's organisation, each as its own, and no other organisation's", async () => {
    for (const team of ['T7', 'T8']) {
      const res = await r.slash({ team_id: team, team_domain: team.toLowerCase(), enterprise_id: 'E1', is_enterprise_install: 'true', text: `add "${team} Co"` });
      expect(res.status).toBe(200);
      expect(res.text).toContain(`Added account ${team} Co`);
      expect(await r.workspace(team)).toBeDefined();
    }
    const press = await r.interaction({ type: 'block_actions', team: null, enterprise: { id: 'E2' }, is_enterprise_install: true, user: { id: 'U9', name: 'x', team_id: 'T9' }, ...button(s.fake.responseUrl()) });
    expect(press.status).toBe(401);
    expect((await r.slash({ team_id: 'T9', enterprise_id: 'E2', is_enterprise_install: 'true', text: 'add "Other Org"' })).status).toBe(401);
    expect((await r.slash({ team_id: 'T7', text: 'list' })).status).toBe(401);
    expect(await r.workspace('T9')).toBeUndefined();
  });
});

describe('Slack single-workspace authorize (Socket Mode has no HTTP gate)', () => {
  const fake = new FakeSlack();
  beforeAll(async () => {
    await fake.start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  it("authorizes the token's own workspace and refuses any other itself", async () => {
    const { authorize } = singleWorkspace(new WebClient('xoxb-test-token', { slackApiUrl: `${fake.url}/api/` }), 'xoxb-test-token');
    expect(await authorize({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false }, {} as never)).toMatchObject({ botToken: 'xoxb-test-token', teamId: 'T1', botUserId: 'UBOT' });
    await expect(authorize({ teamId: 'T2', enterpriseId: undefined, isEnterpriseInstall: false }, {} as never)).rejects.toBeInstanceOf(ForeignWorkspaceError);
    expect(fake.of('auth.test')).toHaveLength(1);
  });
});
