// Issue 24, item 4 at the Slack door: a slash command's note reaches the database as
// the person typed it. Slack escapes &, < and > in slash command text (&amp; &lt; &gt;)
// and sends quotes, backticks, * and emoji as they are: all of them are stored as typed.
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkins, workspaces } from '../../db/schema.js';
import { ENGINES } from '../helpers/engines.js';
import { FakeSlack, postSigned, slashForm } from '../helpers/fake-slack.js';
import { tenureForSuite } from '../helpers/suite-tenure.js';

const SECRET = 'test-signing-secret-verbatim-0123';

describe.each(ENGINES)('Slack notes kept verbatim on $name', (engine) => {
  const fake = new FakeSlack();
  const app = tenureForSuite(engine, () => ({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: `${fake.url}/api/` }), { slackAckBudgetMs: 1_500 }, [fake]);
  let events = '';
  beforeAll(() => {
    events = new URL('/slack/events', app.tenure.url).toString();
  });
  const slash = (command: string, text: string) =>
    postSigned(events, slashForm(command, text, { channelName: 'acme-ops', responseUrl: fake.responseUrl() }), 'application/x-www-form-urlencoded', { secret: SECRET });

  it('stores quotes, <, >, &, backticks, * and emoji as typed', async () => {
    expect((await slash('/account', 'add "Acme Corp"')).status).toBe(200);
    // As Slack sends it: the three escapes, everything else as typed.
    const sent = 'sent the "DR runbook" v2 for &lt;eu-west&gt; R&amp;D, `kubectl` *now* 🚀 it\'s “done”';
    const res = await slash('/checkin', `"Acme Corp" call ${sent} sentiment=positive`);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).toContain('Logged a call with Acme Corp');
    const [ws] = await app.database.db.select().from(workspaces).where(and(eq(workspaces.platform, 'slack'), eq(workspaces.externalId, 'T1')));
    const rows = await app.database.db.select().from(checkins).where(eq(checkins.workspaceId, ws!.id));
    expect(rows.map((r) => r.notes)).toEqual(['sent the "DR runbook" v2 for <eu-west> R&D, `kubectl` *now* 🚀 it\'s “done”']);
  });
});
