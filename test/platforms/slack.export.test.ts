// /export from Slack: the real Bolt app uploads the CSV with files.uploadV2 into the
// channel the command came from, against a fake Slack Web API.
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.js';
import { FakeSlack, form, postSigned } from '../helpers/fake-slack.js';
import { tenureForSuite } from '../helpers/suite-tenure.js';

const SECRET = 'test-signing-secret-0123456789';

describe.each(ENGINES)('/export in Slack on $name', (engine) => {
  const fake = new FakeSlack();
  const app = tenureForSuite(engine, () => ({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: `${fake.url}/api/` }), {}, [fake]);

  const slash = (command: string, text: string) =>
    postSigned(
      new URL('/slack/events', app.tenure.url).toString(),
      form({ token: 'legacy', team_id: 'T1', team_domain: 't1', channel_id: 'C9', channel_name: 'ops', user_id: 'U1', user_name: 'ana', command, text, response_url: fake.responseUrl(), trigger_id: 't', api_app_id: 'A1' }),
      'application/x-www-form-urlencoded',
      { secret: SECRET },
    );

  it('uploads the CSV into the channel and says how many rows it holds', async () => {
    await slash('/account', 'add "Acme, Inc." arr=120k');
    const res = await slash('/export', 'accounts');
    expect(JSON.stringify(res.json)).toContain('1 row in tenure-accounts-');
    const [complete] = await fake.waitFor('files.completeUploadExternal');
    expect(complete!.body).toMatchObject({ channel_id: 'C9' });
    expect(JSON.stringify(complete!.body.files)).toContain('Tenure accounts export');
    const [asked] = fake.of('files.getUploadURLExternal');
    expect(String(asked!.body.filename)).toMatch(/^tenure-accounts-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(fake.calls.some((c) => c.method.startsWith('upload/'))).toBe(true);
  });
});
