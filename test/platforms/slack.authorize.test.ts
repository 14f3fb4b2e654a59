// Single-workspace mode when Slack fails the bot token's auth.test: the events that
// arrive meanwhile are refused (503: Slack retries events), and the first event after Slack answers again is
// served — no restart needed (Bolt's `token` option would keep the failure forever).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startTenure, type Tenure } from '../../src/main.js';
import { ENGINES } from '../helpers/engines.js';
import { FakeSlack, form, postSigned } from '../helpers/fake-slack.js';

const SECRET = 'test-signing-secret-authorize';

describe.each(ENGINES.slice(0, 1))('Slack authorization on $name', (engine) => {
  const fake = new FakeSlack();
  let tenure: Tenure;
  let release: () => Promise<void>;

  beforeAll(async () => {
    await fake.start();
    // Slack is having a bad moment when Tenure starts and on the first event.
    fake.failNext('auth.test', { status: 200, body: { ok: false, error: 'fatal_error' } }, 2);
    const opened = await engine.open();
    release = opened.release;
    const config = {
      ...loadConfig({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: `${fake.url}/api/`, LOG_LEVEL: 'silent' }),
      port: 0,
    };
    tenure = await startTenure(config, { database: opened.database, logger: createLogger('silent'), slackAckBudgetMs: 1_500 });
  });
  afterAll(async () => {
    await tenure?.close();
    await release();
    await fake.stop();
  });

  const slash = (text: string) =>
    postSigned(
      new URL('/slack/events', tenure.url).toString(),
      form({ team_id: 'T1', channel_id: 'C1', channel_name: 'ops', user_id: 'U1', user_name: 'ana', command: '/account', text, response_url: fake.responseUrl(), trigger_id: 't', api_app_id: 'A1' }),
      'application/x-www-form-urlencoded',
      { secret: SECRET },
    );

  it('serves events again once auth.test succeeds, without a restart', async () => {
    // Until Slack answers auth.test, no event is served: whose workspace to serve is unknown.
    const first = await slash('add "Acme before"');
    expect(first.status).toBe(503);
    let answered = '';
    for (let i = 0; i < 3 && !answered.includes('Added account'); i++) answered = (await slash(`add "Acme ${i}"`)).text;
    expect(fake.of('auth.test').length).toBeGreaterThanOrEqual(3);
    expect(answered).toContain('Added account');
    // Kept once it worked: later events do not ask again.
    const calls = fake.of('auth.test').length;
    expect((await slash('list')).text).toContain('Acme');
    expect(fake.of('auth.test').length).toBe(calls);
  });
});
