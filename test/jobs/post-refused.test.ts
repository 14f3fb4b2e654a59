// The posting rule's last-moment check in every job's post (run-once.ts postClaimed): a
// job that chose a channel before it became a customer channel does not post its
// internal message there. The claim is recorded as failed (refused), nothing reaches
// the platform, and the error is logged; a message written for the customer still goes.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, type Registry } from '../../commands/registry.js';
import type { Database } from '../../db/client.js';
import { jobRuns } from '../../db/schema.js';
import type { ChannelDelivery } from '../../src/jobs/delivery.js';
import { claimOnce, onceDeps, postClaimed, PostRefused } from '../../src/jobs/run-once.js';
import { message, text } from '../../src/messages/builders.js';
import type { Message } from '../../src/messages/message.js';
import { ENGINES } from '../helpers/engines.js';
import { collectingLog, newContext } from '../helpers/context.js';

const NOW = new Date('2026-11-23T10:00:00Z');

describe.each(ENGINES)('the last-moment check on $name', (engine) => {
  let database: Database;
  let release: () => Promise<void>;
  let registry: Registry;
  beforeAll(async () => {
    ({ database, release } = await engine.open());
    registry = createRegistry(collectingLog());
  });
  afterAll(async () => release());

  it('refuses an internal post into what is now a customer channel, and lets a survey through', async () => {
    const ctx = await newContext(database.db, { now: NOW, channel: 'acme-shared' });
    await registry.run(ctx, '/account add "Acme Corp"');
    await registry.run(ctx, '/account link "Acme Corp" customer');
    const posted: { channelId: string; text: string }[] = [];
    const delivery: ChannelDelivery = { post: async (_w, channelId, m) => void posted.push({ channelId, text: m.text }) };
    const errors: string[] = [];
    const deps = onceDeps({ db: database.db, deliveries: { console: delivery }, logger: { info: () => undefined, warn: () => undefined, error: (_d, m) => errors.push(m) } });
    const post = async (key: string, m: Message) => {
      const claim = (await claimOnce(deps, { jobName: 'test-alert', periodKey: `${ctx.workspace.id}:${key}`, workspaceId: ctx.workspace.id, now: NOW, leaseMs: 60_000, what: 'a test alert' }))!;
      return postClaimed(deps, [claim], { workspace: ctx.workspace, channelId: 'acme-shared', message: m, now: NOW });
    };

    const alert = await post('alert', message('SLA breached: ticket #1 for Acme Corp', [text('🚨 SLA breached')], { visibility: 'channel' }));
    expect(alert.outcome).toBe('failed');
    expect(alert.outcome === 'failed' && alert.error).toBeInstanceOf(PostRefused);
    expect(posted).toEqual([]);
    expect(errors).toEqual(['not posted: acme-shared is a customer channel of Acme Corp, and the message is not for the customer']);
    const [run] = await database.db.select().from(jobRuns).where(and(eq(jobRuns.jobName, 'test-alert'), eq(jobRuns.periodKey, `${ctx.workspace.id}:alert`)));
    expect(run).toMatchObject({ status: 'failed', detail: { channelId: 'acme-shared', refused: 'customer channel' } });

    const survey = await post('survey', message('Contoso would like your feedback', [text('How likely…')], { visibility: 'channel', audience: 'customer' }));
    expect(survey.outcome).toBe('posted');
    expect(posted).toEqual([{ channelId: 'acme-shared', text: 'Contoso would like your feedback' }]);
  });
});
