// ConnectWise PSA end to end, on every engine: the /tenure connect form and its
// dry-run preview, the confirmed import, signed callbacks over real HTTP into the
// shared server (create, update, duplicate, forged), the ledger-claimed poll catching
// a missed change, company and priority mapping, unmatched companies kept aside,
// 429/500 retried, bad credentials, the admin told once, and a synced ticket's SLA
// breach alerted once. The PSA is a local fake (test/psa/fake-connectwise.ts).
import { Writable } from 'node:stream';
import type { Server } from 'node:http';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { createRegistry, type Registry } from '../../commands/registry.js';
import type { Database } from '../../db/client.js';
import { auditLog, jobRuns, psaConnections, psaTickets, ticketEvents, tickets } from '../../db/schema.js';
import { createHttpApp } from '../../src/http/server.js';
import { createLogger } from '../../src/log.js';
import { runSlaWatch } from '../../src/jobs/sla-watch.js';
import type { ChannelDelivery } from '../../src/jobs/delivery.js';
import type { Message, Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { runPsaPoll } from '../../src/psa/poll-job.js';
import { psaWebhookRouter } from '../../src/psa/webhook-router.js';
import type { RetryPolicy } from '../../src/psa/http.js';
import { ENGINES } from '../helpers/engines.js';
import { collectingLog, newContext } from '../helpers/context.js';
import { closeNow, listenOnLoopback } from '../helpers/loopback-server.js';
import { cwTicket, FakeConnectwise } from './fake-connectwise.js';

const KEY = Buffer.alloc(32, 7);
const MON_9 = '2026-11-23T09:00:00Z'; // a Monday, business hours 08:00–17:00 UTC
const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');

const CONTOSO = { id: 250, name: 'Contoso Ltd.' };
const FABRIKAM = { id: 300, name: 'Fabrikam Holdings' };
const NORTHWIND = { id: 410, name: 'Northwind Traders' };

/** Every log line, as written (after the logger's own scrubbing), for the secrets check. */
function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger('debug', stream) };
}

function recorder(): ChannelDelivery & { posts: { channelId: string; message: Message }[] } {
  const posts: { channelId: string; message: Message }[] = [];
  return {
    posts,
    async post(_workspace, channelId, message) {
      posts.push({ channelId, message });
    },
  };
}

describe.each(ENGINES)('ConnectWise PSA connector on $name', (engine) => {
  let database: Database;
  let release: () => Promise<void>;
  let registry: Registry;
  let server: Server;
  let tenureUrl: string;
  let ctx: CommandContext;
  const fake = new FakeConnectwise();
  const errors = collectingLog();
  const { lines, logger } = capturingLogger();
  const waits: number[] = [];
  const retry: RetryPolicy = { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000, sleep: async (ms) => void waits.push(ms) };
  const delivery = recorder();
  let now = new Date(MON_9);

  beforeAll(async () => {
    ({ database, release } = await engine.open());
    await fake.start();
    const deps = { db: database.db, key: KEY, logger, retry, deliveries: { console: delivery } };
    registry = createRegistry(errors, { connect: { key: KEY, publicUrl: () => tenureUrl, retry, logger, deliveries: { console: delivery } } });
    server = createHttpApp({ database, logger, routers: [psaWebhookRouter({ ...deps, clock: () => now })] }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    tenureUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    ctx = await newContext(database.db, { now, channel: 'ops' });
    fake.companies = [CONTOSO, FABRIKAM, NORTHWIND, { id: 999, name: 'Gone Inc.', deletedFlag: true }];
    fake.put(cwTicket(1001, CONTOSO, '2026-11-20T10:00:00Z', { priority: { name: 'Priority 1 - Emergency Response' }, dateResponded: '2026-11-20T10:20:00Z' }));
    fake.put(cwTicket(1002, CONTOSO, '2026-11-20T11:00:00Z', { priority: { name: 'Priority 3 - Normal Response' }, dateResponded: '2026-11-20T11:30:00Z', dateResolved: '2026-11-20T15:00:00Z' }));
    fake.put(cwTicket(1003, FABRIKAM, '2026-11-20T12:00:00Z', { priority: { name: 'Priority 2 - Quick Response' } }));
    fake.put(cwTicket(1004, NORTHWIND, '2026-11-20T13:00:00Z', { priority: { name: 'Priority 4 - Schedule Maintenance' } }));
    fake.put(cwTicket(1005, NORTHWIND, '2026-11-20T14:00:00Z', { priority: { name: 'Our Own Priority' } }));
  });
  afterAll(async () => {
    await closeNow(server);
    await fake.stop();
    await release();
    expect(errors.entries).toEqual([]);
  });

  async function run(input: string, at = now): Promise<Reply> {
    return registry.run({ ...ctx, now: at }, input);
  }
  async function ok(input: string): Promise<string> {
    const reply = await run(input);
    if (reply.messages[0]?.tone === 'error') throw new Error(`${input}: ${plain(reply)}`);
    return plain(reply);
  }
  const connection = async () => (await database.db.select().from(psaConnections).where(eq(psaConnections.workspaceId, ctx.workspace.id)))[0];
  const synced = async (externalId: string) => {
    const [row] = await database.db
      .select({ ticket: tickets })
      .from(psaTickets)
      .innerJoin(tickets, eq(tickets.id, psaTickets.ticketId))
      .where(and(eq(psaTickets.workspaceId, ctx.workspace.id), eq(psaTickets.externalId, externalId)));
    return row?.ticket;
  };
  const deliver = async (call: { body: string; headers: Record<string, string> }, path?: string) => {
    const c = await connection();
    const response = await fetch(`${tenureUrl}/psa/webhooks/${path ?? c!.id}`, { method: 'POST', headers: call.headers, body: call.body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const poll = (at: string) => runPsaPoll({ db: database.db, key: KEY, logger, retry, deliveries: { console: delivery } }, new Date(at));

  it('opens a form for the credentials (admins), and refuses credentials typed into the channel', async () => {
    await ok('/account add "Contoso Ltd." owner=@ana');
    await ok('/account set "Contoso Ltd." stage=adopt');
    await ok('/account add "Fabrikam" owner=@ana');
    await ok('/account set Fabrikam id=300');
    const reply = await run('/tenure connect connectwise');
    expect(reply.form?.id).toBe('connect.credentials');
    expect(reply.form?.fields.map((f) => f.id)).toEqual(['site', 'companyId', 'publicKey', 'privateKey', 'clientId']);
    const typed = plain(await run(`/tenure connect connectwise ${fake.credentials.privateKey}`));
    expect(typed).toMatch(/never typed into a channel/);
    expect(typed).not.toContain(fake.credentials.privateKey);
  });

  it('refuses bad credentials at the form, storing nothing', async () => {
    const submission = await registry.submit(ctx, 'connect.credentials', { ...fake.form, privateKey: 'wrong-private-key' }, { connector: 'connectwise' });
    expect(submission).toEqual({ ok: false, errors: { publicKey: expect.stringContaining('refused these credentials (HTTP 401)') } });
    expect(await connection()).toBeUndefined();
    const missing = await registry.submit(ctx, 'connect.credentials', { ...fake.form, site: 'not a url' }, { connector: 'connectwise' });
    expect(missing).toEqual({ ok: false, errors: { site: expect.stringContaining('address of your ConnectWise site') } });
  });

  it('previews the first import without writing a ticket, then imports on confirm', async () => {
    const submission = await registry.submit(ctx, 'connect.credentials', fake.form, { connector: 'connectwise' });
    if (!submission.ok) throw new Error(JSON.stringify(submission.errors));
    const preview = plain(submission.reply);
    expect(preview).toContain('5 tickets from 3 companies; 1 company unmatched');
    expect(preview).toContain('Northwind Traders');
    expect(preview).toContain(`${tenureUrl}/psa/webhooks/${(await connection())!.id}`);
    expect((await database.db.select().from(psaTickets).where(eq(psaTickets.workspaceId, ctx.workspace.id))).length).toBe(0);
    expect((await connection())!.status).toBe('preview');
    const confirmButton = submission.reply.messages[0]!.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : []))[0]!;
    expect(confirmButton.id).toBe('connect.confirm');

    const imported = plain(await registry.press(ctx, confirmButton.id, confirmButton.value));
    expect(imported).toContain('3 tickets synced, 2 kept aside');
    expect(imported).toContain('registered its callback');
    expect(fake.callbacks).toEqual([expect.objectContaining({ url: `${tenureUrl}/psa/webhooks/${(await connection())!.id}`, type: 'ticket', level: 'owner' })]);
    const c = await connection();
    expect(c!.status).toBe('active');
    expect(c!.cursor?.toISOString()).toBe('2026-11-20T14:00:00.000Z');
  });

  it('maps companies by external id and by name, and priorities by the ConnectWise defaults', async () => {
    const p1 = await synced('1001');
    expect(p1).toMatchObject({ severity: 'critical', status: 'acknowledged', title: 'Ticket 1001', openedAt: new Date('2026-11-20T10:00:00Z'), firstResponseAt: new Date('2026-11-20T10:20:00Z') });
    const p3 = await synced('1002');
    expect(p3).toMatchObject({ severity: 'minor', status: 'resolved', resolvedAt: new Date('2026-11-20T15:00:00Z') });
    const fabrikam = await synced('1003');
    expect(fabrikam).toMatchObject({ severity: 'major', status: 'open' });
    const list = await ok('/ticket list all');
    expect(list).toContain('Contoso Ltd.');
    expect(list).toContain('Fabrikam');
  });

  it('keeps tickets of unmatched companies aside, lists them, and attaches them with one command', async () => {
    expect(await synced('1004')).toBeUndefined();
    const unmatched = await ok('/tenure connect unmatched');
    expect(unmatched).toContain('Northwind Traders (id 410) — 2 tickets kept aside');
    expect(unmatched).not.toContain('Gone Inc.');
    await ok('/account add "Northwind" owner=@ana');
    const mapped = await ok('/tenure connect map "Northwind Traders" to "Northwind"');
    expect(mapped).toContain('2 tickets kept aside attached');
    expect(await synced('1004')).toMatchObject({ severity: 'cosmetic' });
    // A priority ConnectWise does not ship falls back to minor until mapped.
    expect(await synced('1005')).toMatchObject({ severity: 'minor' });
    expect(await ok('/tenure connect unmatched')).toContain('Every ConnectWise PSA company Tenure has seen maps to an account');
  });

  it('creates a ticket from a signed callback, updates it, and applies a duplicate delivery once', async () => {
    now = new Date('2026-11-23T09:30:00Z');
    fake.put(cwTicket(2001, CONTOSO, '2026-11-23T09:10:00Z', { summary: 'Backups failing since Monday', priority: { name: 'Priority 2 - Quick Response' } }));
    const created = await deliver(fake.callback(2001, { action: 'added' }));
    expect(created).toEqual({ status: 200, body: { outcome: 'created' } });
    const ticket = await synced('2001');
    expect(ticket).toMatchObject({ title: 'Backups failing since Monday', severity: 'major', status: 'open', openedAt: new Date('2026-11-23T09:10:00Z') });
    expect(ticket!.slaDueAt.toISOString()).toBe('2026-11-23T13:10:00.000Z');

    fake.put(cwTicket(2001, CONTOSO, '2026-11-23T09:10:00Z', {
      summary: 'Backups failing since Monday (all sites)',
      priority: { name: 'Priority 1 - Emergency Response' },
      dateResponded: '2026-11-23T09:25:00Z',
      _info: { dateEntered: '2026-11-23T09:10:00Z', lastUpdated: '2026-11-23T09:25:00Z' },
    }));
    const update = fake.callback(2001);
    expect(await deliver(update)).toEqual({ status: 200, body: { outcome: 'updated' } });
    const events = async () => (await database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket!.id))).length;
    const audits = async () => (await database.db.select().from(auditLog).where(eq(auditLog.entityId, ticket!.id))).length;
    const before = { events: await events(), audits: await audits() };
    expect(await synced('2001')).toMatchObject({ title: 'Backups failing since Monday (all sites)', severity: 'critical', status: 'acknowledged', firstResponseAt: new Date('2026-11-23T09:25:00Z') });

    // The same callback again, and the poll seeing the same change: nothing more happens.
    expect(await deliver(update)).toEqual({ status: 200, body: { outcome: 'unchanged' } });
    const polled = await poll('2026-11-23T09:31:00Z');
    expect(polled).toEqual({ connections: 1, synced: 1, failed: 0, skipped: 0 });
    expect({ events: await events(), audits: await audits() }).toEqual(before);
  });

  it('refuses a forged or misdirected callback with 401, logs why and stores nothing', async () => {
    fake.put(cwTicket(2002, CONTOSO, '2026-11-23T09:40:00Z'));
    const rows = async () => (await database.db.select().from(psaTickets).where(eq(psaTickets.workspaceId, ctx.workspace.id))).length;
    const count = await rows();
    expect(await deliver(fake.callback(2002, { key: 'an-attacker-key' }))).toEqual({ status: 401, body: { error: 'verification failed' } });
    expect(await deliver(fake.callback(2002, { keyUrl: 'http://127.0.0.1:1/key' }))).toEqual({ status: 401, body: { error: 'verification failed' } });
    const unsigned = fake.callback(2002);
    expect(await deliver({ body: unsigned.body, headers: { 'content-type': 'application/json' } })).toEqual({ status: 401, body: { error: 'verification failed' } });
    expect(await deliver(fake.callback(2002), '00000000-0000-0000-0000-000000000000')).toEqual({ status: 401, body: { error: 'unknown webhook' } });
    expect(await rows()).toBe(count);
    const refusals = lines.filter((l) => l.includes('verification failed')).map((l) => JSON.parse(l) as { reason: string; level: number });
    expect(refusals.map((r) => r.reason)).toEqual([
      'the x-content-signature does not match the body',
      "Metadata.key_url is not on the connection's ConnectWise site",
      'no x-content-signature header',
    ]);
  });

  it('catches a change whose callback never came with the poll, once per slot across replicas', async () => {
    fake.put(cwTicket(1003, FABRIKAM, '2026-11-20T12:00:00Z', { priority: { name: 'Priority 2 - Quick Response' }, dateResolved: '2026-11-23T09:50:00Z', _info: { dateEntered: '2026-11-20T12:00:00Z', lastUpdated: '2026-11-23T09:50:00Z' } }));
    const first = await poll('2026-11-23T09:56:00Z');
    const second = await poll('2026-11-23T09:57:00Z'); // another replica, same five-minute slot
    expect([first.synced, second.skipped]).toEqual([1, 1]);
    expect(await synced('1003')).toMatchObject({ status: 'resolved', resolvedAt: new Date('2026-11-23T09:50:00Z'), firstResponseAt: new Date('2026-11-23T09:50:00Z') });
    expect((await connection())!.cursor?.toISOString()).toBe('2026-11-23T09:50:00.000Z');
  });

  it('maps a priority per workspace', async () => {
    expect(await ok('/tenure connect priority connectwise "Our Own Priority" critical')).toContain('now counts as critical');
    fake.put(cwTicket(1005, NORTHWIND, '2026-11-20T14:00:00Z', { priority: { name: 'Our Own Priority' }, summary: 'Renamed', _info: { dateEntered: '2026-11-20T14:00:00Z', lastUpdated: '2026-11-23T10:01:00Z' } }));
    await poll('2026-11-23T10:02:00Z');
    expect(await synced('1005')).toMatchObject({ severity: 'critical', title: 'Renamed' });
  });

  it('waits out 429 (Retry-After) and 500, then tells the admin once when the PSA keeps failing', async () => {
    waits.length = 0;
    fake.failNext('/service/tickets', { status: 429, retryAfter: '7' });
    fake.failNext('/service/tickets', { status: 500 });
    expect(await ok('/tenure connect sync now')).toMatch(/ConnectWise PSA\*?\*?: 0 new, 0 changed/);
    expect(waits).toEqual([7_000, 2_000]);

    fake.failNext('/company/companies', { status: 503 }, 6);
    const failed = await poll('2026-11-23T10:11:00Z');
    const again = await poll('2026-11-23T10:16:00Z');
    expect([failed.failed, again.failed]).toEqual([1, 1]);
    expect(delivery.posts.map((p) => [p.channelId, p.message.text])).toEqual([['ana', expect.stringContaining('ConnectWise PSA stopped syncing: the PSA is unavailable: GET /v4_6_release/apis/3.0/company/companies answered 503 (3 tries)')]]);
    expect(await ok('/tenure connect list')).toMatch(/failing since .*answered 503/);

    const recovered = await poll('2026-11-23T10:21:00Z');
    expect(recovered.synced).toBe(1);
    const list = await ok('/tenure connect list');
    expect(list).toContain('syncing; last successful sync');
    expect(list).not.toContain('failing');
  });

  it('tells the admin once when the keys stop working', async () => {
    delivery.posts.length = 0;
    const key = fake.credentials.privateKey;
    (fake.credentials as { privateKey: string }).privateKey = 'rotated-private-key';
    await poll('2026-11-23T10:26:00Z');
    await poll('2026-11-23T10:31:00Z');
    expect(delivery.posts.map((p) => p.message.text)).toEqual([expect.stringContaining('the PSA refused the credentials (HTTP 401)')]);
    (fake.credentials as { privateKey: string }).privateKey = key;
    expect((await poll('2026-11-23T10:36:00Z')).synced).toBe(1);
  });

  it('answers /ticket ack and resolve on a synced ticket with the link to ConnectWise', async () => {
    const ticket = await synced('1003');
    for (const command of [`/ticket ack ${ticket!.number}`, `/ticket resolve ${ticket!.number} done`]) {
      const answer = await ok(command);
      expect(answer).toContain(`comes from ConnectWise PSA (ticket 1003)`);
      expect(answer).toContain(`${fake.url}/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=1003`);
    }
    const typed = await ok('/ticket "Contoso Ltd." minor Typed by hand');
    expect(typed).toContain('#');
  });

  it('alerts a synced ticket past its first-response deadline once', async () => {
    fake.put(cwTicket(3001, CONTOSO, '2026-11-23T10:40:00Z', { summary: 'Email down', priority: { name: 'Priority 1 - Emergency Response' } }));
    now = new Date('2026-11-23T10:41:00Z');
    expect((await deliver(fake.callback(3001, { action: 'added' }))).body).toEqual({ outcome: 'created' });
    const ticket = await synced('3001');
    expect(ticket!.slaDueAt.toISOString()).toBe('2026-11-23T11:40:00.000Z');
    // Alerts need somewhere to go: the account's own channel.
    await registry.run({ ...ctx, channel: { id: 'contoso', name: 'contoso' } }, '/account link "Contoso Ltd."');
    const alerts = recorder();
    const watch = (at: string) => runSlaWatch({ db: database.db, deliveries: { console: alerts }, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } }, new Date(at));
    await watch('2026-11-23T12:00:00Z');
    await watch('2026-11-23T12:05:00Z');
    const breaches = alerts.posts.filter((p) => p.message.text.includes(`#${ticket!.number}`) && p.message.text.startsWith('SLA breached'));
    expect(breaches).toHaveLength(1);
    expect((await database.db.select().from(jobRuns).where(and(eq(jobRuns.jobName, 'sla-breach'), eq(jobRuns.periodKey, ticket!.id)))).length).toBe(1);
  });

  it('never lets a credential out: not in the table, the log, an answer or an export', async () => {
    const secrets = [fake.credentials.privateKey, fake.credentials.publicKey, fake.credentials.clientId, fake.signingKey];
    const [row] = await database.db.select({ all: sql<string>`row_to_json(${psaConnections})::text` }).from(psaConnections).where(eq(psaConnections.workspaceId, ctx.workspace.id));
    const answers = [await ok('/tenure connect list'), await ok('/tenure connect unmatched'), plain(await run('/tenure connect remove nothing'))];
    const exported = await run('/export tickets');
    const files = (exported.files ?? []).map((f) => f.content).join('\n');
    const posted = delivery.posts.map((p) => renderPlain(p.message)).join('\n');
    for (const secret of secrets) {
      expect(row!.all).not.toContain(secret);
      expect(lines.join('')).not.toContain(secret);
      expect(answers.join('\n')).not.toContain(secret);
      expect(files).not.toContain(secret);
      expect(posted).not.toContain(secret);
      expect(errors.entries.map((e) => JSON.stringify(e)).join('')).not.toContain(secret);
    }
    expect(files).toContain('Email down');
  });

  it('names TENURE_SECRET_KEY when the server has none', async () => {
    const keyless = createRegistry(errors);
    const answer = plain(await keyless.run(ctx, '/tenure connect connectwise'));
    expect(answer).toContain('TENURE_SECRET_KEY');
    expect(answer).toContain('Usage:');
  });

  it('disconnects, keeping the tickets already synced', async () => {
    const before = await synced('1001');
    expect(await ok('/tenure connect remove connectwise')).toContain('credentials are deleted');
    expect(await connection()).toBeUndefined();
    expect((await database.db.select().from(tickets).where(eq(tickets.id, before!.id))).length).toBe(1);
    expect(await ok('/tenure connect list')).toContain('No PSA is connected here');
  });
});
