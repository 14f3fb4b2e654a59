// A local HaloPSA: OAuth2 client credentials at /auth/token, and the part of /api the
// connector uses — Client and Tickets lists (pageinate, page_size, page_no,
// lastupdatefromdate), one ticket, the priorities — behind the bearer tokens it issued;
// and webhooks authenticated with Basic auth as a Halo webhook is set up to send them.
// Shapes from test/fixtures/psa/halopsa/, whose `source` says which documentation they follow.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { queueFailures } from '../helpers/loopback-server.js';
import { LoopbackPsa, type Failure, type JsonAnswer, type FakePriority, type FakePsa, type FakeTicketSpec } from './fake-psa.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/psa/halopsa/${name}.json`, import.meta.url), 'utf8')) as Record<string, Record<string, unknown>>;
const TICKETS = fixture('ticket');
const TICKET_FIXTURE = TICKETS.ticket!;
const PRIORITY_LIST = (TICKETS.priorities as { list: { priorityid: number; name: string }[] }).list;
const PAYLOAD_FIXTURE = fixture('webhook').payload!;

const PRIORITY_IDS: Record<FakePriority, number> = { critical: 1, major: 2, minor: 3, cosmetic: 4, unknown: 5 };
const NEVER = '1900-01-01T00:00:00';
/** Halo's way of writing a UTC time: no zone, no milliseconds. */
const haloTime = (iso: string | null | undefined) => (iso ? new Date(iso).toISOString().slice(0, 19) : NEVER);

export class FakeHalopsa extends LoopbackPsa implements FakePsa {
  readonly connector = 'halopsa' as const;
  readonly label = 'HaloPSA';
  readonly app = { clientId: '0b6f8a52-halo-client-7d1e', clientSecret: 'HaloS3cretValue-1f9c7e2d4b8a' };
  private readonly tokens = new Set<string>();
  private clients: { id: number; name: string; inactive: boolean }[] = [];
  private readonly tickets = new Map<number, Record<string, unknown>>();

  form(): Record<string, string> {
    return { url: this.url, ...this.app };
  }

  secrets(): string[] {
    return [this.app.clientSecret, ...this.tokens];
  }

  override breakCredentials(): void {
    super.breakCredentials();
    this.tokens.clear();
  }

  setCompanies(companies: { id: number; name: string; inactive?: boolean }[]): void {
    this.clients = companies.map((c) => ({ id: c.id, name: c.name, inactive: c.inactive ?? false }));
  }

  put(spec: FakeTicketSpec): void {
    this.tickets.set(spec.id, {
      ...TICKET_FIXTURE,
      id: spec.id,
      summary: spec.title ?? `Ticket ${spec.id}`,
      client_id: spec.company.id,
      client_name: spec.company.name,
      priority_id: PRIORITY_IDS[spec.priority],
      dateoccurred: haloTime(spec.openedAt),
      responsedate: haloTime(spec.respondedAt),
      dateclosed: haloTime(spec.resolvedAt),
      lastactiondate: haloTime(spec.updatedAt ?? spec.openedAt),
      last_update: haloTime(spec.updatedAt ?? spec.openedAt),
    });
  }

  webhook(id: number, options: { secret: string; action?: 'create' | 'update'; forged?: boolean }) {
    const body = JSON.stringify({ ...PAYLOAD_FIXTURE, event: options.action === 'create' ? 'Ticket Logged' : 'Ticket Updated', object_id: id, ticket: { id, summary: String(this.tickets.get(id)?.summary ?? '') } });
    const password = options.forged ? 'a-guessed-password' : options.secret;
    return { body, headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`tenure:${password}`).toString('base64')}` } };
  }

  otherForgeries(id: number, secret: string) {
    const { body } = this.webhook(id, { secret });
    return [
      { body, headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`admin:${secret}`).toString('base64')}` }, reason: "the Basic authorization does not match the connection's secret" },
      { body, headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, reason: 'no Basic authorization header' },
    ];
  }

  failNext(what: 'tickets' | 'companies', failure: Failure, count = 1): void {
    queueFailures(this.failures, what === 'tickets' ? '/api/Tickets' : '/api/Client', failure, count);
  }

  ticketNumber(id: number): string {
    return String(id);
  }

  ticketUrl(id: number): string {
    return `${this.url}/ticket?id=${id}`;
  }

  priorityName(priority: FakePriority): string {
    return PRIORITY_LIST.find((p) => p.priorityid === PRIORITY_IDS[priority])!.name;
  }

  protected handle(req: IncomingMessage, url: URL, raw: string, json: JsonAnswer): void {
    if (url.pathname === '/auth/token' && req.method === 'POST') {
      const form = new URLSearchParams(raw);
      if (this.revoked || form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== this.app.clientId || form.get('client_secret') !== this.app.clientSecret) {
        return json(401, { error: 'invalid_client' });
      }
      const token = randomBytes(18).toString('base64url');
      this.tokens.add(token);
      return json(200, { access_token: token, token_type: 'Bearer', expires_in: 3600, scope: form.get('scope') });
    }
    const path = url.pathname;
    const failure = this.failures.get(path.replace(/\/\d+$/, ''))?.shift();
    if (failure) return json(failure.status, { error: 'failure' }, failure.status === 429 ? { 'retry-after': failure.retryAfter } : {});
    const bearer = req.headers.authorization?.replace(/^Bearer /, '');
    if (this.revoked || !bearer || !this.tokens.has(bearer)) return json(401, { error: 'unauthorised' });
    const q = url.searchParams;
    const size = Number(q.get('page_size') ?? '50');
    const page = Number(q.get('page_no') ?? '1');
    const paged = <T>(rows: T[]) => rows.slice((page - 1) * size, page * size);
    if (path === '/api/Client') return json(200, { record_count: this.clients.length, clients: paged([...this.clients].sort((a, b) => a.id - b.id)) });
    if (path === '/api/Priority') return json(200, PRIORITY_LIST);
    if (path === '/api/Tickets') {
      const from = q.get('lastupdatefromdate');
      const rows = [...this.tickets.values()]
        .filter((t) => !from || Date.parse(`${String(t.last_update)}Z`) >= Date.parse(from))
        .sort((a, b) => Number(a.id) - Number(b.id));
      return json(200, { record_count: rows.length, tickets: paged(rows) });
    }
    const one = /^\/api\/Tickets\/(\d+)$/.exec(path);
    if (one) {
      const ticket = this.tickets.get(Number(one[1]));
      return ticket ? json(200, ticket) : json(404, { error: 'not found' });
    }
    return json(404, { error: 'not found' });
  }
}
