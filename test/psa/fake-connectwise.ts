// A local ConnectWise PSA: the part of REST API 3.0 the connector uses (companies,
// tickets changed since a stamp with conditions/orderBy/page/pageSize, one ticket,
// callbacks), the callback signing key its callbacks name in Metadata.key_url, and
// callbacks signed the way ConnectWise signs them (x-content-signature:
// base64(HMAC-SHA256(SHA-256(signing key), body))). Shapes from the fixtures in
// test/fixtures/psa/connectwise/, whose `source` says which documentation they follow.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { queueFailures } from '../helpers/loopback-server.js';
import { LoopbackPsa, type Failure, type JsonAnswer, type FakePriority, type FakePsa, type FakeTicketSpec } from './fake-psa.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/psa/connectwise/${name}.json`, import.meta.url), 'utf8')) as Record<string, Record<string, unknown>>;
export const TICKET_FIXTURE = fixture('ticket').ticket as unknown as CwFakeTicket;
const CALLBACK_FIXTURE = fixture('callback').callback!;

export interface CwFakeTicket {
  id: number;
  summary: string;
  company: { id: number; identifier?: string; name: string };
  priority: { id?: number; name: string } | null;
  dateResponded?: string | null;
  dateResolved?: string | null;
  closedDate?: string | null;
  closedFlag?: boolean;
  _info: { lastUpdated: string; dateEntered: string };
  [other: string]: unknown;
}

export interface CwCredentials {
  site: string;
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
}

const API = '/v4_6_release/apis/3.0';

const PRIORITIES: Record<FakePriority, string> = {
  critical: 'Priority 1 - Emergency Response',
  major: 'Priority 2 - Quick Response',
  minor: 'Priority 3 - Normal Response',
  cosmetic: 'Priority 4 - Schedule Maintenance',
  unknown: 'Our Own Priority',
};

export class FakeConnectwise extends LoopbackPsa implements FakePsa {
  readonly connector = 'connectwise' as const;
  readonly label = 'ConnectWise PSA';
  companies: { id: number; name: string; deletedFlag?: boolean }[] = [];
  readonly tickets = new Map<number, CwFakeTicket>();
  readonly callbacks: Record<string, unknown>[] = [];
  /** Every request, as "GET /service/tickets" (API paths without the prefix). */
  readonly requests: { method: string; path: string; query: URLSearchParams; authorization?: string }[] = [];
  signingKey = 'cw-signing-key-0f3c2a9b7d';
  readonly credentials: Omit<CwCredentials, 'site'> = { companyId: 'acmemsp', publicKey: 'Pub1cKeyAbCdEf12', privateKey: 'Pr1vateKeyXyZ98765', clientId: '7b0b8a2e-4c55-4a8e-9d5b-2f7a1e9c3d10' };

  /** The credentials an admin types into the form for this fake. */
  form(): Record<string, string> {
    return { site: this.url, ...this.credentials };
  }

  secrets(): string[] {
    return [this.credentials.privateKey, this.credentials.publicKey, this.credentials.clientId, this.signingKey];
  }

  setCompanies(companies: { id: number; name: string; inactive?: boolean }[]): void {
    this.companies = companies.map((c) => ({ id: c.id, name: c.name, ...(c.inactive ? { deletedFlag: true } : {}) }));
  }

  put(spec: FakeTicketSpec): void {
    this.tickets.set(spec.id, {
      ...TICKET_FIXTURE,
      id: spec.id,
      summary: spec.title ?? `Ticket ${spec.id}`,
      company: spec.company,
      priority: { name: PRIORITIES[spec.priority] },
      dateResponded: spec.respondedAt ?? null,
      dateResolved: spec.resolvedAt ?? null,
      _info: { dateEntered: spec.openedAt, lastUpdated: spec.updatedAt ?? spec.openedAt },
    });
  }

  webhook(id: number, options: { secret: string; action?: 'create' | 'update'; forged?: boolean }) {
    return this.callback(id, { action: options.action === 'create' ? 'added' : 'updated', ...(options.forged ? { key: 'an-attacker-key' } : {}) });
  }

  otherForgeries(id: number) {
    return [{ ...this.callback(id, { keyUrl: 'http://127.0.0.1:1/key' }), reason: "Metadata.key_url is not on the connection's ConnectWise site" }];
  }

  failNext(what: 'tickets' | 'companies', failure: Failure, count = 1): void {
    queueFailures(this.failures, what === 'tickets' ? '/service/tickets' : '/company/companies', failure, count);
  }

  ticketNumber(id: number): string {
    return String(id);
  }

  ticketUrl(id: number): string {
    return `${this.url}/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=${id}`;
  }

  priorityName(priority: FakePriority): string {
    return PRIORITIES[priority];
  }

  registeredWebhooks(): string[] {
    return this.callbacks.map((c) => String(c.url));
  }


  /** A callback for the ticket as ConnectWise would post it, signed (or signed with `key`). */
  callback(ticketId: number, options: { action?: 'added' | 'updated' | 'deleted'; key?: string; keyUrl?: string; entity?: boolean } = {}): { body: string; headers: Record<string, string> } {
    const ticket = this.tickets.get(ticketId);
    const payload = {
      ...CALLBACK_FIXTURE,
      Action: options.action ?? 'updated',
      ID: ticketId,
      Entity: options.entity === false || !ticket ? '' : JSON.stringify(ticket),
      Metadata: { key_url: options.keyUrl ?? `${this.url}${API}/system/callbackkeys/1` },
    };
    const body = JSON.stringify(payload);
    return { body, headers: this.sign(body, options.key) };
  }

  /** The headers ConnectWise sends with `body`, signed with its signing key (or `key`). */
  sign(body: string, key = this.signingKey): Record<string, string> {
    const hashed = createHash('sha256').update(key, 'utf8').digest();
    return { 'content-type': 'application/json', 'x-content-signature': createHmac('sha256', hashed).update(body, 'utf8').digest('base64') };
  }

  private expectedAuthorization(): string {
    const { companyId, publicKey, privateKey } = this.credentials;
    return `Basic ${Buffer.from(`${companyId}+${publicKey}:${privateKey}`).toString('base64')}`;
  }

  protected handle(req: IncomingMessage, url: URL, body: string, json: JsonAnswer): void {
    if (!url.pathname.startsWith(API)) return json(404, { code: 'NotFound' });
    const path = url.pathname.slice(API.length);
    this.requests.push({ method: req.method ?? 'GET', path, query: url.searchParams, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    // The signing key is public to whoever holds its URL, as ConnectWise serves it.
    if (path === '/system/callbackkeys/1') return json(200, { signing_key: this.signingKey });
    const queue = this.failures.get(path.replace(/\/\d+$/, ''));
    const failure = queue?.shift();
    if (failure) return json(failure.status, { code: 'Failure' }, failure.status === 429 ? { 'retry-after': failure.retryAfter } : {});
    if (this.revoked || req.headers.authorization !== this.expectedAuthorization() || req.headers.clientid !== this.credentials.clientId) {
      return json(401, { code: 'Unauthorized', message: 'Password or ClientId is invalid' });
    }
    const page = Number(url.searchParams.get('page') ?? '1');
    const size = Math.min(1000, Number(url.searchParams.get('pageSize') ?? '25'));
    const paged = <T>(rows: T[]) => rows.slice((page - 1) * size, page * size);
    if (path === '/company/companies' && req.method === 'GET') return json(200, paged([...this.companies].sort((a, b) => a.id - b.id)));
    if (path === '/service/tickets' && req.method === 'GET') {
      const since = /^lastUpdated>=\[([^\]]+)\]$/.exec(url.searchParams.get('conditions') ?? '')?.[1];
      if (url.searchParams.get('conditions') && !since) return json(400, { code: 'InvalidObject', message: 'conditions not understood by the fake' });
      const rows = [...this.tickets.values()]
        .filter((t) => !since || Date.parse(t._info.lastUpdated) >= Date.parse(since))
        .sort((a, b) => Date.parse(a._info.lastUpdated) - Date.parse(b._info.lastUpdated) || a.id - b.id);
      return json(200, paged(rows));
    }
    const one = /^\/service\/tickets\/(\d+)$/.exec(path);
    if (one && req.method === 'GET') {
      const ticket = this.tickets.get(Number(one[1]));
      return ticket ? json(200, ticket) : json(404, { code: 'NotFound' });
    }
    if (path === '/system/callbacks' && req.method === 'GET') return json(200, this.callbacks);
    if (path === '/system/callbacks' && req.method === 'POST') {
      const callback = { id: this.callbacks.length + 1, ...(JSON.parse(body) as Record<string, unknown>) };
      this.callbacks.push(callback);
      return json(201, callback);
    }
    return json(404, { code: 'NotFound' });
  }
}
