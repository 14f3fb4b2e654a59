// Multi-workspace install: /slack/install → Slack's consent screen → /slack/oauth_redirect
// stores the installation in the database; commands from that team are then
// authorized with its own token, and a team that never installed is refused.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, installations, users, workspaces } from '../../db/schema.js';
import { ENGINES } from '../helpers/engines.js';
import { FakeSlack, form, postSigned } from '../helpers/fake-slack.js';
import { tenureForSuite } from '../helpers/suite-tenure.js';

const SECRET = 'oauth-signing-secret-0123456789';

describe.each(ENGINES)('Slack OAuth install on $name', (engine) => {
  const fake = new FakeSlack();
  const app = tenureForSuite(
    engine,
    () => ({
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_CLIENT_ID: '111.222',
      SLACK_CLIENT_SECRET: 'client-secret-value',
      SLACK_STATE_SECRET: 'state-secret-value',
      SLACK_API_URL: `${fake.url}/api/`,
    }),
    {},
    [fake],
  );

  const slash = (team: string, text: string) =>
    postSigned(
      new URL('/slack/events', app.tenure.url).toString(),
      form({ team_id: team, team_domain: team, channel_id: 'C1', channel_name: 'general', user_id: 'U_INSTALLER', user_name: 'ana', command: '/account', text, response_url: fake.responseUrl(), trigger_id: 't' }),
      'application/x-www-form-urlencoded',
      { secret: SECRET },
    );

  it('installs a workspace through the OAuth flow and stores it in the database', async () => {
    const install = await fetch(new URL('/slack/install', app.tenure.url), { redirect: 'manual' });
    expect(install.status).toBe(302);
    const location = new URL(install.headers.get('location')!);
    expect(location.pathname).toBe('/oauth/v2/authorize');
    expect(location.searchParams.get('scope')).toBe('commands,chat:write,users:read,channels:read,groups:read,files:write,files:read,channels:history,groups:history');
    const state = location.searchParams.get('state')!;
    const cookie = install.headers.get('set-cookie')!.split(';')[0]!;

    const callback = await fetch(new URL(`/slack/oauth_redirect?code=acme&state=${encodeURIComponent(state)}`, app.tenure.url), { headers: { cookie }, redirect: 'manual' });
    expect(callback.status).toBeLessThan(400);
    expect(fake.of('oauth.v2.access')).toHaveLength(1);

    const [ws] = await app.database.db.select().from(workspaces).where(and(eq(workspaces.platform, 'slack'), eq(workspaces.externalId, 'T_ACME')));
    expect(ws).toMatchObject({ name: 'Team acme', active: true });
    const [row] = await app.database.db.select().from(installations).where(eq(installations.workspaceId, ws!.id));
    expect(row!.teamId).toBe('T_ACME');
    const [installer] = await app.database.db.select().from(users).where(and(eq(users.workspaceId, ws!.id), eq(users.platformUserId, 'U_INSTALLER')));
    expect(installer!.role).toBe('admin');
    // The grant is in the audit log like any other, by the install.
    const grants = await app.database.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, ws!.id), eq(auditLog.entityId, installer!.id)));
    expect(grants.map((g) => [g.action, g.actorLabel])).toEqual([['role.grant', 'Slack install']]);
  });

  it('answers commands from the installed team with its own token, and refuses unknown teams', async () => {
    const tokensBefore = fake.calls.length;
    const ok = await slash('T_ACME', 'add "Initech"');
    expect(ok.status).toBe(200);
    expect(JSON.stringify(ok.json)).toContain('Added account Initech');
    const usedTokens = fake.calls.slice(tokensBefore).filter((c) => c.method === 'users.info');
    expect(usedTokens.length).toBeGreaterThan(0);

    const stranger = await slash('T_NEVER', 'add "Globex"');
    expect(stranger.status).toBe(200); // Bolt acks, runs no listener
    expect(JSON.stringify(stranger.json ?? '')).not.toContain('Added account');
    const [ws] = await app.database.db.select().from(workspaces).where(and(eq(workspaces.platform, 'slack'), eq(workspaces.externalId, 'T_NEVER')));
    expect(ws).toBeUndefined();
  });

  it('answers 400, not 500, to a signed button press that names no workspace', async () => {
    const payload = { type: 'block_actions', team: null, api_app_id: 'A1', trigger_id: 't', response_url: fake.responseUrl(), actions: [{ type: 'button', action_id: 'account.show', block_id: 'b', value: 'x', action_ts: '1' }] };
    const res = await postSigned(new URL('/slack/events', app.tenure.url).toString(), form({ payload: JSON.stringify(payload) }), 'application/x-www-form-urlencoded', { secret: SECRET });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: expect.stringContaining('malformed Slack payload') });
  });
});
