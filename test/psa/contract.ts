// The suite every PSA connector passes, on every engine, against its local fake
// (fake-psa.ts): the /tenure connect form and its dry-run preview, the confirmed
// import, webhooks over real HTTP into the shared server (create, update, duplicate,
// forged), the ledger-claimed poll catching a missed change, company and priority
// mapping, unmatched companies kept aside and attached, 429/500 retried, bad
// credentials, the admin told once, a synced ticket's SLA breach alerted once, and no
// credential anywhere it could leak.
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { createRegistry, type Registry } from '../../commands/registry.js';
import type { Database } from '../../db/client.js';
import { auditLog, jobRuns, psaConnections, psaTickets, ticketEvents, tickets } from '../../db/schema.js';
import { openedConnection } from '../../src/core/psa-connections.js';
import { ensureUser } from '../../src/core/workspaces.js';
import { createHttpApp } from '../../src/http/server.js';
import type { ChannelDelivery } from '../../src/jobs/delivery.js';
import { runSlaWatch } from '../../src/jobs/sla-watch.js';
import { createLogger } from '../../src/log.js';
import type { Message, Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import type { RetryPolicy } from '../../src/psa/http.js';
import { runPsaPoll } from '../../src/psa/poll-job.js';
import { psaWebhookRouter } from '../../src/psa/webhook-router.js';
import { collectingLog, newContext } from '../helpers/context.js';
import { ENGINES } from '../helpers/engines.js';
import { closeNow } from '../helpers/loopback-server.js';
import type { FakePsa } from './fake-psa.js';

const KEY = Buffer.alloc(32, 7);
const MON_9 = '2026-11-23T09:00:00Z'; // a Monday, business hours 08:00–17:00 UTC
const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');

const CONTOSO = { id: 250, name: 'Contoso Ltd.' };
const FABRIKAM = { id: 300, name: 'Fabrikam Holdings' };
const NORTHWIND = { id: 410, name: 'Northwind Traders' };

/** Every log line as written (after the logger's own scrubbing), for the secrets check. */
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

/** The suite for one connector; `more` adds tests of what only that PSA does, with the suite's helpers. */
export function connectorContract(makeFake: () => FakePsa, more?: (suite: ContractSuite) => void): void {
  describe.each(ENGINES)(`${makeFake().label} connector on $name`, (engine) => {
    const fake = makeFake();
    const suite = {} as ContractSuite;
    let database: Database;
    let release: () => Promise<void>;
    let registry: Registry;
    let server: Server;
    let tenureUrl: string;
    let ctx: CommandContext;
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
      fake.setCompanies([CONTOSO, FABRIKAM, NORTHWIND, { id: 999, name: 'Gone Inc.', inactive: true }]);
      fake.put({ id: 1001, company: CONTOSO, priority: 'critical', openedAt: '2026-11-20T10:00:00Z', respondedAt: '2026-11-20T10:20:00Z', updatedAt: '2026-11-20T10:20:00Z' });
      fake.put({ id: 1002, company: CONTOSO, priority: 'minor', openedAt: '2026-11-20T11:00:00Z', respondedAt: '2026-11-20T11:30:00Z', resolvedAt: '2026-11-20T15:00:00Z', updatedAt: '2026-11-20T15:00:00Z' });
      fake.put({ id: 1003, company: FABRIKAM, priority: 'major', openedAt: '2026-11-20T12:00:00Z' });
      fake.put({ id: 1004, company: NORTHWIND, priority: 'cosmetic', openedAt: '2026-11-20T13:00:00Z' });
      fake.put({ id: 1005, company: NORTHWIND, priority: 'unknown', openedAt: '2026-11-20T14:00:00Z' });
      Object.assign(suite, { fake, ok, synced, deliver, poll, secret, cursor: async () => (await connection())!.cursor });
    });
    afterAll(async () => {
      await closeNow(server);
      await fake.stop();
      await release();
      expect(errors.entries).toEqual([]);
    });

    async function run(input: string): Promise<Reply> {
      return registry.run({ ...ctx, now }, input);
    }
    async function ok(input: string): Promise<string> {
      const reply = await run(input);
      if (reply.messages[0]?.tone === 'error') throw new Error(`${input}: ${plain(reply)}`);
      return plain(reply);
    }
    const connection = async () => (await database.db.select().from(psaConnections).where(eq(psaConnections.workspaceId, ctx.workspace.id)))[0];
    const secret = async () => (await openedConnection(database.db, ctx.workspace.id, fake.connector, KEY))!.webhookSecret;
    async function synced(externalId: number) {
      const [row] = await database.db
        .select({ ticket: tickets })
        .from(psaTickets)
        .innerJoin(tickets, eq(tickets.id, psaTickets.ticketId))
        .where(and(eq(psaTickets.workspaceId, ctx.workspace.id), eq(psaTickets.externalId, String(externalId))));
      return row?.ticket;
    }
    async function deliver(call: { body: string; headers: Record<string, string> }, path?: string) {
      const response = await fetch(`${tenureUrl}/psa/webhooks/${path ?? (await connection())!.id}`, { method: 'POST', headers: call.headers, body: call.body });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }
    const poll = (at: string) => runPsaPoll({ db: database.db, key: KEY, logger, retry, deliveries: { console: delivery } }, new Date(at));
    const rows = async () => (await database.db.select().from(psaTickets).where(eq(psaTickets.workspaceId, ctx.workspace.id))).length;

    it('opens a form for the credentials (admins), and refuses credentials typed into the channel', async () => {
      await ok('/account add "Contoso Ltd." owner=@ana');
      await ok('/account add "Fabrikam" owner=@ana');
      await ok('/account set Fabrikam id=300');
      const reply = await run(`/tenure connect ${fake.connector}`);
      expect(reply.form?.id).toBe('connect.credentials');
      expect(reply.form?.fields.map((f) => f.id)).toEqual(Object.keys(fake.form()));
      // Admins only: ana, the first to change a setting, is the workspace's admin; bob is a member.
      const bob = await ensureUser(database.db, ctx.workspace.id, { platformUserId: 'bob', displayName: 'bob' });
      const refused = await registry.run({ ...ctx, user: bob }, `/tenure connect ${fake.connector}`);
      expect(refused.form).toBeUndefined();
      expect(plain(refused)).toContain('Only workspace admins can connect a PSA');
      const typed = plain(await run(`/tenure connect ${fake.connector} ${fake.secrets()[0]}`));
      expect(typed).toMatch(/never typed into a channel/);
      expect(typed).not.toContain(fake.secrets()[0]);
    });

    it('refuses bad credentials at the form, storing nothing', async () => {
      fake.breakCredentials();
      const submission = await registry.submit(ctx, 'connect.credentials', fake.form(), { connector: fake.connector });
      fake.restoreCredentials();
      expect(submission.ok).toBe(false);
      expect(Object.values(submission.ok ? {} : submission.errors).join()).toContain('refused these credentials (HTTP 401)');
      expect(await connection()).toBeUndefined();
      const first = Object.keys(fake.form())[0]!;
      const missing = await registry.submit(ctx, 'connect.credentials', { ...fake.form(), [first]: 'not a url' }, { connector: fake.connector });
      expect(missing).toEqual({ ok: false, errors: { [first]: expect.stringContaining('must be') } });
    });

    it('previews the first import without writing a ticket, then imports on confirm', async () => {
      const submission = await registry.submit(ctx, 'connect.credentials', fake.form(), { connector: fake.connector });
      if (!submission.ok) throw new Error(JSON.stringify(submission.errors));
      const preview = plain(submission.reply);
      expect(preview).toContain('5 tickets from 3 companies; 1 company unmatched');
      expect(preview).toContain('Northwind Traders');
      expect(preview).toContain(`${tenureUrl}/psa/webhooks/${(await connection())!.id}`);
      expect(await rows()).toBe(0);
      expect((await connection())!.status).toBe('preview');
      const confirm = submission.reply.messages[0]!.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : []))[0]!;
      expect(confirm.id).toBe('connect.confirm');

      const imported = plain(await registry.press(ctx, confirm.id, confirm.value));
      expect(imported).toContain('3 tickets synced, 2 kept aside');
      if (fake.registeredWebhooks) expect(fake.registeredWebhooks()).toEqual([`${tenureUrl}/psa/webhooks/${(await connection())!.id}`]);
      expect((await connection())!.status).toBe('active');
      expect((await connection())!.cursor?.toISOString()).toBe('2026-11-20T15:00:00.000Z');
      expect(await ok('/tenure connect list')).toMatch(/syncing; last successful sync .*; 3 tickets synced, 2 kept aside, connected by @ana/);
    });

    it('maps companies by external id and by name, and priorities by the connector defaults', async () => {
      expect(await synced(1001)).toMatchObject({ severity: 'critical', status: 'acknowledged', title: 'Ticket 1001', openedAt: new Date('2026-11-20T10:00:00Z'), firstResponseAt: new Date('2026-11-20T10:20:00Z') });
      expect(await synced(1002)).toMatchObject({ severity: 'minor', status: 'resolved', firstResponseAt: new Date('2026-11-20T11:30:00Z'), resolvedAt: new Date('2026-11-20T15:00:00Z') });
      expect(await synced(1003)).toMatchObject({ severity: 'major', status: 'open' });
      const list = await ok('/ticket list all');
      expect(list).toContain('Contoso Ltd.');
      expect(list).toContain('Fabrikam');
      // They count in the service-desk figures as typed tickets do.
      const stats = await ok('/ticket stats days=30');
      expect(stats).toContain('Contoso Ltd.: 2');
      expect(stats).toContain('Fabrikam: 1');
    });

    it('keeps tickets of unmatched companies aside, lists them, and attaches them with one command', async () => {
      expect(await synced(1004)).toBeUndefined();
      const unmatched = await ok('/tenure connect unmatched');
      expect(unmatched).toContain('Northwind Traders (id 410) — 2 tickets kept aside');
      expect(unmatched).not.toContain('Gone Inc.');
      // An archived account takes no new work: not a company's tickets either.
      await ok('/account add "Old Northwind"');
      await ok('/account archive "Old Northwind"');
      expect(plain(await run('/tenure connect map "Northwind Traders" to "Old Northwind"'))).toContain('Old Northwind is archived: restore it with /account restore "Old Northwind" (admins)');
      expect(await synced(1004)).toBeUndefined();
      await ok('/account add "Northwind" owner=@ana');
      expect(await ok('/tenure connect map "Northwind Traders" to "Northwind"')).toContain('2 tickets kept aside attached');
      expect(await synced(1004)).toMatchObject({ severity: 'cosmetic' });
      // A priority the connector does not know falls back to minor until mapped.
      expect(await synced(1005)).toMatchObject({ severity: 'minor' });
      expect(await ok('/tenure connect unmatched')).toContain(`Every ${fake.label} company Tenure has seen maps to an account`);
    });

    it('creates a ticket from a signed webhook, updates it, and applies a duplicate delivery once', async () => {
      now = new Date('2026-11-23T09:30:00Z');
      fake.put({ id: 2001, company: CONTOSO, title: 'Backups failing since Monday', priority: 'major', openedAt: '2026-11-23T09:10:00Z' });
      expect(await deliver(fake.webhook(2001, { secret: await secret(), action: 'create' }))).toEqual({ status: 200, body: { outcome: 'created' } });
      const ticket = await synced(2001);
      expect(ticket).toMatchObject({ title: 'Backups failing since Monday', severity: 'major', status: 'open', openedAt: new Date('2026-11-23T09:10:00Z') });
      expect(ticket!.slaDueAt.toISOString()).toBe('2026-11-23T13:10:00.000Z');

      fake.put({ id: 2001, company: CONTOSO, title: 'Backups failing since Monday (all sites)', priority: 'critical', openedAt: '2026-11-23T09:10:00Z', respondedAt: '2026-11-23T09:25:00Z', updatedAt: '2026-11-23T09:25:00Z' });
      const update = fake.webhook(2001, { secret: await secret() });
      expect(await deliver(update)).toEqual({ status: 200, body: { outcome: 'updated' } });
      const events = async () => (await database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket!.id))).length;
      const audits = async () => (await database.db.select().from(auditLog).where(eq(auditLog.entityId, ticket!.id))).length;
      const before = { events: await events(), audits: await audits() };
      expect(await synced(2001)).toMatchObject({ title: 'Backups failing since Monday (all sites)', severity: 'critical', status: 'acknowledged', firstResponseAt: new Date('2026-11-23T09:25:00Z') });
      // The deadline moved with the severity: critical is one business hour from the opening.
      expect((await synced(2001))!.slaDueAt.toISOString()).toBe('2026-11-23T10:10:00.000Z');

      // The same webhook again, and the poll seeing the same change: nothing more happens.
      expect(await deliver(update)).toEqual({ status: 200, body: { outcome: 'unchanged' } });
      expect(await poll('2026-11-23T09:31:00Z')).toEqual({ connections: 1, synced: 1, failed: 0, skipped: 0 });
      expect({ events: await events(), audits: await audits() }).toEqual(before);
    });

    it('refuses a forged or unsigned webhook with 401, logs why and stores nothing', async () => {
      fake.put({ id: 2002, company: CONTOSO, priority: 'minor', openedAt: '2026-11-23T09:40:00Z' });
      const count = await rows();
      const refusedBefore = lines.filter((l) => l.includes('verification failed')).length;
      const forged = fake.webhook(2002, { secret: await secret(), forged: true });
      const unsigned = fake.webhook(2002, { secret: await secret() });
      const others = fake.otherForgeries(2002, await secret());
      for (const call of [forged, { body: unsigned.body, headers: { 'content-type': 'application/json' } }, ...others]) {
        expect(await deliver(call)).toEqual({ status: 401, body: { error: 'verification failed' } });
      }
      expect(await deliver(unsigned, '00000000-0000-0000-0000-000000000000')).toEqual({ status: 401, body: { error: 'unknown webhook' } });
      expect(await rows()).toBe(count);
      const refusals = lines.filter((l) => l.includes('verification failed')).slice(refusedBefore).map((l) => (JSON.parse(l) as { reason: string }).reason);
      expect(refusals).toHaveLength(2 + others.length);
      expect(refusals.slice(2)).toEqual(others.map((o) => o.reason));
    });

    it('catches a change whose webhook never came with the poll, once per slot across replicas', async () => {
      fake.put({ id: 1003, company: FABRIKAM, priority: 'major', openedAt: '2026-11-20T12:00:00Z', resolvedAt: '2026-11-23T09:50:00Z', updatedAt: '2026-11-23T09:50:00Z' });
      const first = await poll('2026-11-23T09:56:00Z');
      const second = await poll('2026-11-23T09:57:00Z'); // another replica, same five-minute slot
      expect([first.synced, second.skipped]).toEqual([1, 1]);
      expect(await synced(1003)).toMatchObject({ status: 'resolved', resolvedAt: new Date('2026-11-23T09:50:00Z'), firstResponseAt: new Date('2026-11-23T09:50:00Z') });
      expect((await connection())!.cursor?.toISOString()).toBe('2026-11-23T09:50:00.000Z');
    });

    it('maps a priority per workspace', async () => {
      expect(await ok(`/tenure connect priority ${fake.connector} "${fake.priorityName('unknown')}" critical`)).toContain('now counts as critical');
      fake.put({ id: 1005, company: NORTHWIND, title: 'Renamed', priority: 'unknown', openedAt: '2026-11-20T14:00:00Z', updatedAt: '2026-11-23T10:01:00Z' });
      await poll('2026-11-23T10:02:00Z');
      expect(await synced(1005)).toMatchObject({ severity: 'critical', title: 'Renamed' });
    });

    it('waits out 429 (Retry-After) and 500, then tells the admin once when the PSA keeps failing', async () => {
      waits.length = 0;
      fake.failNext('tickets', { status: 429, retryAfter: '7' });
      fake.failNext('tickets', { status: 500 });
      expect(await ok('/tenure connect sync now')).toMatch(/: 0 new, 0 changed/);
      expect(waits).toEqual([7_000, 2_000]);

      fake.failNext('companies', { status: 503 }, 6);
      const failed = await poll('2026-11-23T10:11:00Z');
      const again = await poll('2026-11-23T10:16:00Z');
      expect([failed.failed, again.failed]).toEqual([1, 1]);
      expect(delivery.posts.map((p) => [p.channelId, p.message.text])).toEqual([['ana', expect.stringMatching(new RegExp(`^${fake.label} stopped syncing: the PSA is unavailable: .* answered 503 \\(3 tries\\)$`))]]);
      expect(await ok('/tenure connect list')).toMatch(/failing since .*answered 503/);

      expect((await poll('2026-11-23T10:21:00Z')).synced).toBe(1);
      const list = await ok('/tenure connect list');
      expect(list).toContain('syncing; last successful sync');
      expect(list).not.toContain('failing');
    });

    it('tells the admin once when the keys stop working', async () => {
      delivery.posts.length = 0;
      fake.breakCredentials();
      await poll('2026-11-23T10:26:00Z');
      await poll('2026-11-23T10:31:00Z');
      expect(delivery.posts.map((p) => p.message.text)).toEqual([expect.stringContaining('the PSA refused the credentials (HTTP 401)')]);
      fake.restoreCredentials();
      expect((await poll('2026-11-23T10:36:00Z')).synced).toBe(1);
    });

    it('answers /ticket ack and resolve on a synced ticket with the link to the PSA ticket', async () => {
      const ticket = await synced(1001);
      for (const command of [`/ticket ack ${ticket!.number}`, `/ticket resolve ${ticket!.number} done`]) {
        const answer = await ok(command);
        expect(answer).toContain(`comes from ${fake.label} (ticket ${fake.ticketNumber(1001)})`);
        expect(answer).toContain(fake.ticketUrl(1001));
      }
      expect(await synced(1001)).toMatchObject({ status: 'acknowledged' });
    });

    it('alerts a synced ticket past its first-response deadline once', async () => {
      fake.put({ id: 3001, company: CONTOSO, title: 'Email down', priority: 'critical', openedAt: '2026-11-23T10:40:00Z' });
      now = new Date('2026-11-23T10:41:00Z');
      expect((await deliver(fake.webhook(3001, { secret: await secret(), action: 'create' }))).body).toEqual({ outcome: 'created' });
      const ticket = await synced(3001);
      expect(ticket!.slaDueAt.toISOString()).toBe('2026-11-23T11:40:00.000Z');
      // Alerts need somewhere to go: the account's own channel.
      await registry.run({ ...ctx, channel: { id: 'contoso', name: 'contoso' } }, '/account link "Contoso Ltd."');
      const alerts = recorder();
      const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
      const watch = (at: string) => runSlaWatch({ db: database.db, deliveries: { console: alerts }, logger: quiet }, new Date(at));
      await watch('2026-11-23T12:00:00Z');
      await watch('2026-11-23T12:05:00Z');
      const breaches = alerts.posts.filter((p) => p.message.text.startsWith(`SLA breached: ticket #${ticket!.number} `));
      expect(breaches).toHaveLength(1);
      expect((await database.db.select().from(jobRuns).where(and(eq(jobRuns.jobName, 'sla-breach'), eq(jobRuns.periodKey, ticket!.id)))).length).toBe(1);
    });

    it('never lets a credential out: not in the table, the log, an answer, a notice or an export', async () => {
      const secrets = [...fake.secrets(), await secret()];
      const [row] = await database.db.select({ all: sql<string>`row_to_json(${psaConnections})::text` }).from(psaConnections).where(eq(psaConnections.workspaceId, ctx.workspace.id));
      const answers = [await ok('/tenure connect list'), await ok('/tenure connect unmatched'), plain(await run('/tenure connect remove nothing'))];
      const exported = await run('/export tickets');
      const files = (exported.files ?? []).map((f) => f.content).join('\n');
      const posted = delivery.posts.map((p) => renderPlain(p.message)).join('\n');
      for (const value of secrets) {
        expect(row!.all).not.toContain(value);
        expect(lines.join('')).not.toContain(value);
        expect(answers.join('\n')).not.toContain(value);
        expect(files).not.toContain(value);
        expect(posted).not.toContain(value);
        expect(JSON.stringify(errors.entries)).not.toContain(value);
      }
      expect(files).toContain('Email down');
    });

    it('names TENURE_SECRET_KEY when the server has none', async () => {
      const answer = plain(await createRegistry(errors).run(ctx, `/tenure connect ${fake.connector}`));
      expect(answer).toContain('TENURE_SECRET_KEY');
      expect(answer).toContain('Usage:');
    });

    more?.(suite);

    it('disconnects, keeping the tickets already synced', async () => {
      const before = await synced(1001);
      expect(await ok(`/tenure connect remove ${fake.connector}`)).toContain('credentials are deleted');
      expect(await connection()).toBeUndefined();
      expect((await database.db.select().from(tickets).where(eq(tickets.id, before!.id))).length).toBe(1);
      expect(await ok('/tenure connect list')).toContain('No PSA is connected here');
    });
  });
}

/** What a connector's own tests (`more`) may use, filled in before the first test runs. */
export interface ContractSuite {
  fake: FakePsa;
  ok(input: string): Promise<string>;
  synced(externalId: number): Promise<(typeof tickets.$inferSelect) | undefined>;
  deliver(call: { body: string; headers: Record<string, string> }, path?: string): Promise<{ status: number; body: Record<string, unknown> }>;
  poll(at: string): ReturnType<typeof runPsaPoll>;
  secret(): Promise<string>;
  cursor(): Promise<Date | null>;
}
