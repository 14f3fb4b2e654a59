// A local ConnectWise PSA: the part of REST API 3.0 the connector uses (companies,
// tickets changed since a stamp with conditions/orderBy/page/pageSize, one ticket,
// callbacks), the callback signing key its callbacks name in Metadata.key_url, and
// callbacks signed the way ConnectWise signs them (x-content-signature:
// base64(HMAC-SHA256(SHA-256(signing key), body))). Shapes from the fixtures in
// test/fixtures/psa/connectwise/, whose `source` says which documentation they follow.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeNow, listenOnLoopback, queueFailures } from '../helpers/loopback-server.js';

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

type Failure = { status: 429; retryAfter: string } | { status: 500 | 502 | 503 };

const API = '/v4_6_release/apis/3.0';

export class FakeConnectwise {
  readonly server: Server;
  url = '';
  companies: { id: number; name: string; deletedFlag?: boolean }[] = [];
  readonly tickets = new Map<number, CwFakeTicket>();
  readonly callbacks: Record<string, unknown>[] = [];
  /** Every request, as "GET /service/tickets" (API paths without the prefix). */
  readonly requests: { method: string; path: string; query: URLSearchParams; authorization?: string }[] = [];
  signingKey = 'cw-signing-key-0f3c2a9b7d';
  readonly credentials: Omit<CwCredentials, 'site'> = { companyId: 'acmemsp', publicKey: 'Pub1cKeyAbCdEf12', privateKey: 'Pr1vateKeyXyZ98765', clientId: '7b0b8a2e-4c55-4a8e-9d5b-2f7a1e9c3d10' };
  private readonly failures = new Map<string, Failure[]>();

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<this> {
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  stop(): Promise<void> {
    return closeNow(this.server);
  }

  /** The credentials an admin types into the form for this fake. */
  get form(): Record<string, string> {
    return { site: this.url, ...this.credentials };
  }

  /** The next `count` answers to `path` (e.g. "/service/tickets") fail this way. */
  failNext(path: string, failure: Failure, count = 1): void {
    queueFailures(this.failures, path, failure, count);
  }

  /** Adds or changes a ticket; each change gets a later lastUpdated, as ConnectWise stamps it. */
  put(ticket: CwFakeTicket): CwFakeTicket {
    this.tickets.set(ticket.id, ticket);
    return ticket;
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
    const key = createHash('sha256').update(options.key ?? this.signingKey, 'utf8').digest();
    return { body, headers: { 'content-type': 'application/json', 'x-content-signature': createHmac('sha256', key).update(body, 'utf8').digest('base64') } };
  }

  private expectedAuthorization(): string {
    const { companyId, publicKey, privateKey } = this.credentials;
    return `Basic ${Buffer.from(`${companyId}+${publicKey}:${privateKey}`).toString('base64')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(value));
    };
    if (!url.pathname.startsWith(API)) return json(404, { code: 'NotFound' });
    const path = url.pathname.slice(API.length);
    this.requests.push({ method: req.method ?? 'GET', path, query: url.searchParams, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    // The signing key is public to whoever holds its URL, as ConnectWise serves it.
    if (path === '/system/callbackkeys/1') return json(200, { signing_key: this.signingKey });
    const queue = this.failures.get(path.replace(/\/\d+$/, ''));
    const failure = queue?.shift();
    if (failure) return json(failure.status, { code: 'Failure' }, failure.status === 429 ? { 'retry-after': failure.retryAfter } : {});
    if (req.headers.authorization !== this.expectedAuthorization() || req.headers.clientid !== this.credentials.clientId) {
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

/** A ticket shaped like the fixture, for company `company`, entered at `entered`. */
export function cwTicket(id: number, company: { id: number; name: string }, entered: string, changes: Partial<CwFakeTicket> = {}): CwFakeTicket {
  return { ...TICKET_FIXTURE, id, summary: `Ticket ${id}`, company, _info: { lastUpdated: entered, dateEntered: entered }, ...changes };
}
