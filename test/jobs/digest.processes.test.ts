// The weekly digest across real processes (node src/main.ts in Slack platform mode)
// on one PostgreSQL, with a local fake of the Slack Web API:
// - two processes with the scheduler on: a due digest is posted exactly once, and
//   the process that finds the run claimed by a live one leaves it alone;
// - a process SIGKILLed after claiming the run and before its post was answered,
//   then restarted: the digest is posted exactly once, at once (the restarted
//   process sees that the claimer is gone instead of waiting out the 5-minute lease).
//
// How "posted" is modelled: the fake Slack holds chat.postMessage unanswered while
// the test kills the poster, and counts a post only when it answered it. A request
// Slack never answered stands for one Slack never carried out; the window where
// Slack did post but the process died before recording it cannot be told apart
// by anyone without an idempotency key, which chat.postMessage does not have
// (see src/jobs/digest.ts).
import { hostname } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { sendSlash, until, untilHealthy, waitForLog, type LogLine, type RunningTenure } from '../helpers/processes.js';
import { NO_POSTGRES_REASON, reportWhenNoPostgres, POSTGRES_SOURCE } from '../helpers/throwaway-postgres.js';
import { slackProcessSuite } from '../helpers/slack-process-suite.js';

const SECRET = 'digest-process-test-signing-secret';
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/**
 * A fixed-offset zone where it is about noon now, so a digest scheduled for today
 * at 00:00 there is due and stays on the same local date for the whole test.
 */
function noonZone(now = new Date()): { zone: string; today: string; tomorrow: string } {
  const hours = 12 - now.getUTCHours(); // -11 … +12
  const zone = hours === 0 ? 'UTC' : `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`; // Etc/GMT-3 is UTC+3
  const local = new Date(now.getTime() + hours * 3_600_000);
  return { zone, today: WEEKDAYS[local.getUTCDay()]!, tomorrow: WEEKDAYS[(local.getUTCDay() + 1) % 7]! };
}

const digestPasses = (app: RunningTenure): LogLine[] => app.logs().filter((l) => l.msg === 'job finished' && l.job === 'weekly-digest');

reportWhenNoPostgres('weekly digest across processes');

describe.skipIf(NO_POSTGRES_REASON !== null)(`weekly digest across processes (PostgreSQL from ${POSTGRES_SOURCE})`, () => {
  const suite = slackProcessSuite({ secret: SECRET, botToken: 'xoxb-digest-process-test' });
  const { fake, start, stop, postsTo } = suite;
  const zone = noonZone();
  const runOf = async (channel: string) => {
    const rows = await suite.sql<{ status: string; owner: string; detail: Record<string, unknown> }[]>`
      select status, owner, detail from job_runs where job_name = 'weekly-digest' and period_key like ${`%:${channel}:%`}`;
    expect(rows.length).toBeLessThanOrEqual(1);
    return rows[0];
  };
  /** Makes a channel's digest due now (it was scheduled for tomorrow, so no process posted it early). */
  const makeDue = (channel: string) => suite.sql`update channel_settings set digest_day = ${zone.today} where channel_id = ${channel}`;

  beforeAll(async () => {
    // The workspace and two channels' schedules, made the way a user makes them.
    const setup = await start();
    await untilHealthy(setup);
    for (const channel of ['C_TWO', 'C_KILL']) {
      const res = await sendSlash(setup, '/digest', `schedule ${zone.tomorrow} 00:00 ${zone.zone}`, { secret: SECRET, channel, responseUrl: fake.responseUrl() });
      expect(JSON.stringify(res.json)).toContain('The weekly health digest will be posted here every');
    }
    expect(await stop(setup)).toBe(0);
  }, 120_000);

  it('two processes: the digest is posted once; the one that finds it claimed by a live process leaves it', { timeout: 120_000 }, async () => {
    await makeDue('C_TWO');
    const held = fake.hold('chat.postMessage');
    const [a, b] = await Promise.all([start(), start()]);
    await Promise.all([untilHealthy(a), untilHealthy(b)]);
    await held.arrived;
    // The claimer waits for Slack's answer; the other process's pass has to find the run claimed.
    const run = await runOf('C_TWO');
    expect(run).toMatchObject({ status: 'running' });
    const [poster, other] = run!.owner === `${hostname()}:${a.child.pid}` ? [a, b] : [b, a];
    expect(run!.owner).toBe(`${hostname()}:${poster.child.pid}`);
    await waitForLog(other, 'a digest pass that left the claimed run alone', (l) => l.msg === 'job finished' && l.job === 'weekly-digest' && (l.result as { taken: number }).taken === 1);
    expect(held.release()).toBe(true);
    await until('the run to be marked done', async () => (await runOf('C_TWO'))?.status === 'done');
    await waitForLog(poster, 'the poster finishing its pass', (l) => l.msg === 'job finished' && l.job === 'weekly-digest');

    expect(postsTo('C_TWO')).toHaveLength(1);
    const posted = poster.logs().find((l) => l.msg === 'weekly digest posted' && l.channelId === 'C_TWO');
    expect((await runOf('C_TWO'))!.detail).toMatchObject({ channelId: 'C_TWO', ref: posted!.ref, sent: expect.stringContaining('Weekly health digest') });
    expect(digestPasses(other).every((l) => (l.result as { posted: number }).posted === 0)).toBe(true);
    expect(other.logs().some((l) => l.msg === 'took over a digest run its claimer did not finish')).toBe(false);
    expect(await Promise.all([stop(a), stop(b)])).toEqual([0, 0]);
  });

  it('a process killed after claiming and before its post was answered: after a restart the digest is posted once, at once', { timeout: 120_000 }, async () => {
    await makeDue('C_KILL');
    const held = fake.hold('chat.postMessage');
    const killed = await start();
    const call = await held.arrived;
    expect(call.body.channel).toBe('C_KILL');
    expect(await runOf('C_KILL')).toMatchObject({ status: 'running', owner: `${hostname()}:${killed.child.pid}` });
    killed.child.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');
    await held.abandoned;
    expect(held.release()).toBe(false); // the caller is gone: Slack never answered, nothing was posted
    expect(postsTo('C_KILL')).toHaveLength(0);
    expect(await runOf('C_KILL')).toMatchObject({ status: 'running' });

    const restartedAt = performance.now();
    const restarted = await start();
    await until('the interrupted run to be completed', async () => (await runOf('C_KILL'))?.status === 'done', 60_000);
    console.info(`restart → interrupted digest posted in ${Math.round(performance.now() - restartedAt)} ms (lease: 5 min)`);
    const takeover = await waitForLog(restarted, 'the takeover', (l) => l.msg === 'took over a digest run its claimer did not finish');
    expect(takeover).toMatchObject({ why: 'claimer process is gone', previousOwner: `${hostname()}:${killed.child.pid}` });
    expect(postsTo('C_KILL')).toHaveLength(1);
    const done = await runOf('C_KILL');
    expect(done).toMatchObject({ status: 'done', owner: `${hostname()}:${restarted.child.pid}` });
    expect(done!.detail).toMatchObject({ channelId: 'C_KILL', ref: expect.stringMatching(/^\d+\.\d+$/), takenOver: { why: 'claimer process is gone' } });
    expect(await stop(restarted)).toBe(0);

    // Started once more: nothing is posted again, in either channel.
    const again = await start();
    await waitForLog(again, 'its first digest pass', (l) => l.msg === 'job finished' && l.job === 'weekly-digest');
    expect(digestPasses(again)[0]!.result).toMatchObject({ due: 2, posted: 0, taken: 2 });
    expect(await stop(again)).toBe(0);
    expect(postsTo('C_KILL')).toHaveLength(1);
    expect(postsTo('C_TWO')).toHaveLength(1);
  });
});
