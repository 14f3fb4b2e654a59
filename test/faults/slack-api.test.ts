// The Slack Web API failing under a scheduled post: the weekly digest job with the
// real Slack delivery (WebClient over HTTP) against a local fake of the Web API
// that answers 429 or 500 on cue, on every engine. A 429 is retried after its
// Retry-After and posts once; a 500 may have posted, so it is never re-posted;
// a post Slack kept refusing is given back and made by a later run, once.
import { WebClient } from '@slack/web-api';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobRuns } from '../../db/schema.js';
import { runDigests, DIGEST_JOB, type DigestDeps } from '../../src/jobs/digest.js';
import { currentClaimer } from '../../src/core/ledger.js';
import { createLogger } from '../../src/log.js';
import { slackClientOptions } from '../../src/platforms/slack/post.js';
import { SlackDelivery } from '../../src/platforms/slack/delivery.js';
import { newContext, registryOn } from '../helpers/context.js';
import { ENGINES } from '../helpers/engines.js';
import { FakeSlack } from '../helpers/fake-slack.js';

const MONDAY = new Date('2026-11-23T10:00:00Z');

describe.each(ENGINES)('scheduled Slack posts when Slack fails, on $name', (engine) => {
  const t = registryOn(engine);
  const fake = new FakeSlack();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  const logger = createLogger('silent');
  const deps = (): DigestDeps => ({
    db: t.database.db,
    deliveries: { slack: new SlackDelivery({ client: new WebClient('xoxb-fault-test', slackClientOptions(`${fake.url}/api`)), logger }) },
    logger,
    claimer: currentClaimer(),
    unrecorded: new Map(),
  });
  /** A Slack workspace whose channel gets its digest on Mondays at 09:00 UTC. */
  const scheduled = async (channel: string) => {
    const ctx = await newContext(t.database.db, { platform: 'slack', workspace: `T-${channel}`, channel, now: MONDAY });
    await t.registry.run(ctx, '/digest schedule mon 09:00 UTC');
    return ctx;
  };
  const arrivals = (channel: string) => fake.of('chat.postMessage').filter((c) => c.body.channel === channel);
  const runOf = async (channel: string) => {
    const rows = await t.database.db.select().from(jobRuns).where(and(eq(jobRuns.jobName, DIGEST_JOB), like(jobRuns.periodKey, `%:${channel}:%`)));
    expect(rows.length).toBeLessThanOrEqual(1);
    return rows[0];
  };

  it('429 with Retry-After: waits, retries and posts exactly once', { timeout: 30_000 }, async () => {
    await scheduled('C429');
    fake.failNext('chat.postMessage', { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } });
    expect(await runDigests(deps(), MONDAY)).toMatchObject({ posted: 1, failed: 0 });
    const [refused, posted] = arrivals('C429');
    expect(arrivals('C429')).toHaveLength(2); // one refused by Slack, one taken
    expect(posted!.at - refused!.at).toBeGreaterThanOrEqual(1_000);
    expect(await runOf('C429')).toMatchObject({ status: 'done', detail: { channelId: 'C429', ref: expect.stringMatching(/^\d+(\.\d+)?$/) } });
    await runDigests(deps(), new Date(MONDAY.getTime() + 60 * 60_000));
    expect(arrivals('C429')).toHaveLength(2);
  });

  it('500: recorded as failed and never posted again, not even after the lease', async () => {
    await scheduled('C500');
    fake.failNext('chat.postMessage', { status: 500, body: { ok: false, error: 'internal_error' } });
    expect(await runDigests(deps(), MONDAY)).toMatchObject({ posted: 0, failed: 1 });
    expect(arrivals('C500')).toHaveLength(1);
    expect(await runOf('C500')).toMatchObject({ status: 'failed', detail: { channelId: 'C500', error: expect.stringContaining('500') } });
    for (const minutes of [1, 10, 120]) await runDigests(deps(), new Date(MONDAY.getTime() + minutes * 60_000));
    expect(arrivals('C500')).toHaveLength(1);
  });

  it('429 on every attempt: nothing posted, the run given back, and the next run posts once', { timeout: 30_000 }, async () => {
    await scheduled('C-BUSY');
    fake.failNext('chat.postMessage', { status: 429, headers: { 'retry-after': '0' }, body: { ok: false, error: 'ratelimited' } }, 4);
    expect(await runDigests(deps(), MONDAY)).toMatchObject({ posted: 0, failed: 1 });
    expect(arrivals('C-BUSY')).toHaveLength(4);
    expect(await runOf('C-BUSY')).toBeUndefined();
    expect(await runDigests(deps(), new Date(MONDAY.getTime() + 60_000))).toMatchObject({ posted: 1 });
    await runDigests(deps(), new Date(MONDAY.getTime() + 120_000));
    expect(arrivals('C-BUSY')).toHaveLength(5);
    expect(await runOf('C-BUSY')).toMatchObject({ status: 'done' });
  });
});
