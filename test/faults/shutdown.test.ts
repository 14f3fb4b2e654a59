// SIGTERM as a deployment sends it: Tenure (its own process, Slack platform mode,
// PostgreSQL behind a TCP proxy the test controls) stops accepting, finishes the
// work under way, closes the database and exits within 10 s. The work under way
// is a slash command whose queries the proxy holds back (a slow database): it
// outlives Slack's 3-second ack, so it is answered through response_url after its
// HTTP request has ended, and shutdown must still wait for it.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../helpers/fake-slack.js';
import { killAll, launchTenure, sleep, slashReply, until, untilHealthy, waitForLog, type RunningTenure } from '../helpers/processes.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { NO_POSTGRES_REASON, reportWhenNoPostgres, POSTGRES_SOURCE, scratchPostgres } from '../helpers/throwaway-postgres.js';

const SECRET = 'shutdown-test-signing-secret';

reportWhenNoPostgres('shutdown on SIGTERM');

describe.skipIf(NO_POSTGRES_REASON !== null)(`shutdown on SIGTERM (PostgreSQL from ${POSTGRES_SOURCE})`, () => {
  const fake = new FakeSlack();
  const apps: RunningTenure[] = [];
  let scratch: { url: string; drop(): Promise<void> };
  let proxy: TcpProxy;

  const start = async () => {
    const app = await launchTenure({ DATABASE_URL: proxy.via(scratch.url), SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-shutdown-test', SLACK_API_URL: `${fake.url}/api/` });
    apps.push(app);
    await untilHealthy(app);
    return app;
  };
  const refused = async (app: RunningTenure) => {
    try {
      await fetch(`${app.url}/healthz`);
      return false;
    } catch (err) {
      return ((err as { cause?: { code?: string } }).cause?.code ?? '') === 'ECONNREFUSED';
    }
  };
  /** The command is being handled (Tenure asked Slack for the user's name, first thing) and waits on the database. */
  const underWay = async (user: string) => {
    await until(`the command of ${user} to be handled`, () => fake.of('users.info').some((c) => c.body.user === user));
    await until('the command to be waiting on the database', () => proxy.heldBytes() > 0);
  };
  const order = (app: RunningTenure, messages: string[]) => messages.map((m) => app.logs().findIndex((l) => l.msg === m));

  beforeAll(async () => {
    await fake.start();
    scratch = await scratchPostgres();
    proxy = TcpProxy.to(scratch.url);
    await proxy.start();
  }, 120_000);

  afterAll(async () => {
    killAll(apps);
    await proxy?.stop();
    await scratch?.drop();
    await fake.stop();
  });

  it('finishes a command still under way, refusing new connections meanwhile, then closes the database and exits 0', { timeout: 90_000 }, async () => {
    const app = await start();
    expect((await slashReply(app, fake, '/account', 'add "Acme Corp"', { secret: SECRET })).text).toContain('Added account Acme Corp');

    proxy.hold();
    const reply = slashReply(app, fake, '/checkin', '"Acme Corp" call logged while shutting down', { secret: SECRET, user: 'U_SLOW' });
    await underWay('U_SLOW');
    const sigtermAt = performance.now();
    app.child.kill('SIGTERM');
    await waitForLog(app, 'the listener closing', (l) => l.msg === 'stopped accepting requests');
    expect(await refused(app)).toBe(true);
    // Past Slack's ack budget: the request is acked empty and its answer is still to come.
    await sleep(2_500);
    expect(app.alive()).toBe(true);
    expect(app.logs().some((l) => l.msg === 'database closed')).toBe(false);
    const releasedAt = performance.now();
    proxy.release();

    const answer = await reply;
    const { code, at } = await app.exited;
    console.info(`SIGTERM → exit: ${Math.round(at - sigtermAt)} ms, of which ${Math.round(at - releasedAt)} ms after the held database answered`);
    expect(answer).toMatchObject({ status: 200, via: 'response_url' });
    expect(answer.text).toContain('Logged a call with Acme Corp');
    expect(code).toBe(0);
    expect(at - sigtermAt).toBeLessThan(10_000);
    const [shutting, stopped, finished, closed] = order(app, ['shutting down', 'stopped accepting requests', 'work under way finished', 'database closed']);
    // Each logged once, in this order; when not, the process's own log lines say what happened instead.
    const said = app.logs().map((l) => l.msg).join(' | ');
    expect([shutting, stopped, finished, closed].every((i) => i! >= 0), said).toBe(true);
    expect(shutting! < stopped! && stopped! < finished! && finished! < closed!, said).toBe(true);

    const sql = postgres(scratch.url, { max: 1, onnotice: () => undefined });
    try {
      const rows = await sql`select 1 from checkins where notes = 'logged while shutting down'`;
      expect(rows).toHaveLength(1);
    } finally {
      await sql.end();
    }
  });

  it('exits within 10 s even when the work under way never finishes', { timeout: 90_000 }, async () => {
    const app = await start();
    proxy.hold();
    void slashReply(app, fake, '/checkin', '"Acme Corp" call stuck forever', { secret: SECRET, user: 'U_STUCK' }, 15_000);
    await underWay('U_STUCK');
    const sigtermAt = performance.now();
    app.child.kill('SIGTERM');
    const { code, at } = await app.exited;
    proxy.release();
    console.info(`SIGTERM → exit with work stuck on the database: ${Math.round(at - sigtermAt)} ms (exit code ${code})`);
    expect(at - sigtermAt).toBeLessThan(10_000);
    // Not a clean stop: said in the log and in the exit code.
    expect(code).toBe(1);
    expect(app.logs().some((l) => l.msg === 'work still under way at the shutdown deadline; closing anyway')).toBe(true);
    expect(app.logs().some((l) => l.msg === 'shutdown did not finish in time; exiting')).toBe(false);
  });

  it('exits at once when idle', { timeout: 60_000 }, async () => {
    const app = await start();
    const sigtermAt = performance.now();
    app.child.kill('SIGTERM');
    const { code, at } = await app.exited;
    console.info(`SIGTERM → exit when idle: ${Math.round(at - sigtermAt)} ms`);
    expect(code).toBe(0);
    expect(app.logs().some((l) => l.msg === 'database closed')).toBe(true);
  });
});
