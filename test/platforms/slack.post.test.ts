// The posting rule: retry only when Slack proves nothing was posted.
import { WebClient } from '@slack/web-api';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { postOnce, provablyNotPosted, slackClientOptions } from '../../src/platforms/slack/post.js';
import { FakeSlack } from '../helpers/fake-slack.js';
import { SlackDelivery } from '../../src/platforms/slack/delivery.js';
import { DeliveryNotSent } from '../../src/jobs/delivery.js';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('posting to Slack', () => {
  const fake = new FakeSlack();
  const logger = createLogger('silent');
  const noWait = { logger, sleep: async () => undefined };
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  it('retries a 429 with Retry-After and posts exactly once', async () => {
    const client = new WebClient('xoxb-test', slackClientOptions(`${fake.url}/api`));
    fake.failNext('chat.postMessage', { status: 429, headers: { 'retry-after': '2' }, body: { ok: false, error: 'ratelimited' } }, 2);
    const before = fake.of('chat.postMessage').length;
    const res = await postOnce(() => client.chat.postMessage({ channel: 'C1', text: 'hello' }), noWait);
    expect(res.ok).toBe(true);
    expect(fake.of('chat.postMessage').length - before).toBe(3);
  });

  it('does not retry a 500 or a platform error: it may have posted', async () => {
    const client = new WebClient('xoxb-test', slackClientOptions(`${fake.url}/api`));
    fake.failNext('chat.postMessage', { status: 500, body: { ok: false, error: 'internal_error' } });
    const before = fake.of('chat.postMessage').length;
    await expect(postOnce(() => client.chat.postMessage({ channel: 'C1', text: 'hello' }), noWait)).rejects.toThrow();
    expect(fake.of('chat.postMessage').length - before).toBe(1);
    fake.failNext('chat.postMessage', { status: 200, body: { ok: false, error: 'channel_not_found' } });
    await expect(postOnce(() => client.chat.postMessage({ channel: 'C404', text: 'hello' }), noWait)).rejects.toThrow(/channel_not_found/);
    expect(fake.of('chat.postMessage').length - before).toBe(2);
  });

  it('treats a refused connection as not posted, and gives up after the attempts', async () => {
    const client = new WebClient('xoxb-test', slackClientOptions(`http://127.0.0.1:${await closedPort()}/api`));
    let attempts = 0;
    const err = await postOnce(
      () => {
        attempts++;
        return client.chat.postMessage({ channel: 'C1', text: 'hello' });
      },
      { ...noWait, attempts: 3 },
    ).catch((e: unknown) => e);
    expect(provablyNotPosted(err)).toBe(1);
    expect(attempts).toBe(3);
  });

  it('delivers scheduled posts and private reminders with the same rule, and reads channel members', async () => {
    const workspace = { id: 'w', platform: 'slack', externalId: 'T1', name: 'T1', timezone: 'UTC' } as never;
    const delivery = new SlackDelivery({ client: new WebClient('xoxb-test', slackClientOptions(`${fake.url}/api`)), logger });
    const message = { text: 'Digest', blocks: [{ kind: 'text' as const, text: 'Digest **now**' }], visibility: 'channel' as const };
    await delivery.post(workspace, 'C1', message);
    expect(fake.of('chat.postMessage').slice(-1)[0]!.body).toMatchObject({ channel: 'C1', text: 'Digest' });
    await delivery.postPrivately(workspace, 'C1', 'U2', message);
    expect(fake.of('chat.postEphemeral').slice(-1)[0]!.body).toMatchObject({ channel: 'C1', user: 'U2' });
    expect(await delivery.members(workspace, 'C1')).toEqual([]);
    fake.failNext('chat.postMessage', { status: 500, body: { ok: false, error: 'internal_error' } });
    await expect(delivery.post(workspace, 'C1', message)).rejects.not.toBeInstanceOf(DeliveryNotSent);
    const refused = new SlackDelivery({ client: new WebClient('xoxb-test', { ...slackClientOptions(`http://127.0.0.1:${await closedPort()}/api`) }), logger });
    await expect(refused.post(workspace, 'C1', message)).rejects.toBeInstanceOf(DeliveryNotSent);
  }, 30_000);
});
