// The SLA watch across real processes (node src/main.ts in Slack platform mode) on
// one PostgreSQL, with a local fake of the Slack Web API: a process SIGKILLed after
// claiming a ticket's breach alert and before Slack answered its post, then
// restarted. The restarted process sees that the claimer is gone, takes the claim
// over at once, and the alert is posted once; a further start posts nothing.
//
// "Posted" as in digest.processes.test.ts: the fake Slack holds chat.postMessage
// unanswered while the test kills the poster, and counts a post only when it
// answered it.
import { hostname } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { slashReply, until, untilHealthy, waitForLog } from '../helpers/processes.js';
import { NO_POSTGRES_REASON, reportWhenNoPostgres, POSTGRES_SOURCE } from '../helpers/throwaway-postgres.js';
import { slackProcessSuite } from '../helpers/slack-process-suite.js';

const SECRET = 'sla-process-test-signing-secret';
const CHANNEL = 'C_SLA';

reportWhenNoPostgres('SLA watch across processes');

describe.skipIf(NO_POSTGRES_REASON !== null)(`SLA watch across processes (PostgreSQL from ${POSTGRES_SOURCE})`, () => {
  const suite = slackProcessSuite({ secret: SECRET, botToken: 'xoxb-sla-process-test' });
  const { fake, start, stop } = suite;
  // The internal channel also gets the daily pass's check-in reminder: count the breach alerts.
  const postsTo = (channel: string) => suite.postsTo(channel).filter((c) => String(c.body.text).startsWith('SLA breached'));
  const breachRun = async () => {
    const rows = await suite.sql<{ status: string; owner: string; detail: Record<string, unknown> }[]>`
      select status, owner, detail from job_runs where job_name = 'sla-breach'`;
    expect(rows.length).toBeLessThanOrEqual(1);
    return rows[0];
  };

  beforeAll(async () => {
    // An account with an internal channel (where its alerts go) and a critical ticket, made the way a user makes them.
    const setup = await start();
    await untilHealthy(setup);
    const as = { secret: SECRET, channel: CHANNEL };
    expect((await slashReply(setup, fake, '/account', 'add "Acme Corp"', as)).text).toContain('Acme Corp');
    expect((await slashReply(setup, fake, '/account', 'link "Acme Corp" internal', as)).text).toContain('Acme Corp');
    expect((await slashReply(setup, fake, '/ticket', '"Acme Corp" critical Portal down', as)).text).toContain('#1');
    expect(await stop(setup)).toBe(0);
    // Its first response was due an hour ago: the breach alert is due now, whatever the time of day.
    await suite.sql`update tickets set opened_at = now() - interval '3 hours', sla_due_at = now() - interval '1 hour'`;
  }, 120_000);

  it('a process killed after claiming a breach alert and before its post was answered: after a restart the alert is posted once, at once', { timeout: 120_000 }, async () => {
    const held = fake.hold('chat.postMessage');
    const killed = await start();
    const call = await held.arrived;
    expect(call.body.channel).toBe(CHANNEL);
    expect(String(call.body.text)).toMatch(/^SLA breached: ticket #1 /);
    expect(await breachRun()).toMatchObject({ status: 'running', owner: `${hostname()}:${killed.child.pid}` });
    killed.child.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');
    await held.abandoned;
    expect(held.release()).toBe(false); // the caller is gone: Slack never answered, nothing was posted
    expect(postsTo(CHANNEL)).toHaveLength(0);
    expect(await breachRun()).toMatchObject({ status: 'running' });

    const restarted = await start();
    await until('the interrupted alert to be completed', async () => (await breachRun())?.status === 'done', 60_000);
    const takeover = await waitForLog(restarted, 'the takeover', (l) => l.msg === 'took over an SLA breach alert its claimer did not finish');
    expect(takeover).toMatchObject({ why: 'claimer process is gone', previousOwner: `${hostname()}:${killed.child.pid}` });
    expect(postsTo(CHANNEL)).toHaveLength(1);
    expect(String(postsTo(CHANNEL)[0]!.body.text)).toMatch(/^SLA breached: ticket #1 /);
    const done = await breachRun();
    expect(done).toMatchObject({ status: 'done', owner: `${hostname()}:${restarted.child.pid}` });
    expect(done!.detail).toMatchObject({ channelId: CHANNEL, ref: expect.stringMatching(/^\d+\.\d+$/), takenOver: { why: 'claimer process is gone' } });
    expect(await stop(restarted)).toBe(0);

    // Started once more: the alert is not posted again.
    const again = await start();
    await waitForLog(again, 'its first SLA pass', (l) => l.msg === 'job finished' && l.job === 'sla-watch');
    expect(await stop(again)).toBe(0);
    expect(postsTo(CHANNEL)).toHaveLength(1);
  });
});
