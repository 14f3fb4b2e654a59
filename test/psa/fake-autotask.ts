// A local Datto Autotask: the part of the REST API (/ATServicesRest/V1.0) the connector
// uses — POST /Companies/query and /Tickets/query with filters and MaxRecords, their
// pageDetails.nextPageUrl, GET /Tickets/{id}, /Companies/{id} and the ticket fields'
// entityInformation (the priority picklist) — behind the API user's UserName, Secret and
// ApiIntegrationCode headers; and ticket callouts signed as Autotask signs them
// (X-Hook-Signature: sha1=base64(HMAC-SHA1(SecretKey, body))). Shapes from
// test/fixtures/psa/autotask/, whose `source` says which documentation they follow.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { queueFailures } from '../helpers/loopback-server.js';
import { LoopbackPsa, type Failure, type JsonAnswer, type FakePriority, type FakePsa, type FakeTicketSpec } from './fake-psa.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/psa/autotask/${name}.json`, import.meta.url), 'utf8')) as Record<string, Record<string, unknown>>;
const TICKETS = fixture('ticket');
const TICKET_FIXTURE = TICKETS.ticket!;
const PRIORITY_FIELD = (TICKETS.priorityField as { field: { picklistValues: { value: string; label: string }[] } }).field;
const CALLOUT_FIXTURE = fixture('webhook').callout!;

const PRIORITY_VALUES: Record<FakePriority, number> = { critical: 4, major: 1, minor: 2, cosmetic: 3, unknown: 5 };
const API = '/ATServicesRest/V1.0';

type Filter = { op: string; field: string; value?: string };

export class FakeAutotask extends LoopbackPsa implements FakePsa {
  readonly connector = 'autotask' as const;
  readonly label = 'Datto Autotask';
  pageSize = 500;
  private companies: { id: number; companyName: string; isActive: boolean }[] = [];
  private readonly tickets = new Map<number, Record<string, unknown>>();
  readonly user = { username: 'tenure-api@acmemsp.example', secret: 'AtS3cret!Value99', integrationCode: 'ATINTCODE7Q2W9E4R' };
  readonly requests: { method: string; path: string }[] = [];

  form(): Record<string, string> {
    return { zone: this.url, ...this.user };
  }

  secrets(): string[] {
    return [this.user.secret, this.user.integrationCode];
  }

  setCompanies(companies: { id: number; name: string; inactive?: boolean }[]): void {
    this.companies = companies.map((c) => ({ id: c.id, companyName: c.name, isActive: !c.inactive }));
  }

  put(spec: FakeTicketSpec): void {
    this.tickets.set(spec.id, {
      ...TICKET_FIXTURE,
      id: spec.id,
      ticketNumber: this.ticketNumber(spec.id),
      title: spec.title ?? `Ticket ${spec.id}`,
      companyID: spec.company.id,
      priority: PRIORITY_VALUES[spec.priority],
      createDate: spec.openedAt,
      firstResponseDateTime: spec.respondedAt ?? null,
      resolvedDateTime: spec.resolvedAt ?? null,
      lastActivityDate: spec.updatedAt ?? spec.openedAt,
    });
  }

  webhook(id: number, options: { secret: string; action?: 'create' | 'update'; forged?: boolean }) {
    const body = JSON.stringify({ ...CALLOUT_FIXTURE, Action: options.action === 'create' ? 'Create' : 'Update', Id: id });
    return { body, headers: this.sign(body, options.forged ? 'not-the-secret-key' : options.secret) };
  }

  sign(body: string, secret: string): Record<string, string> {
    return { 'content-type': 'application/json', 'x-hook-signature': `sha1=${createHmac('sha1', secret).update(body, 'utf8').digest('base64')}` };
  }

  otherForgeries(id: number, secret: string) {
    const body = JSON.stringify({ ...CALLOUT_FIXTURE, Id: id });
    // Signed right, then changed in transit.
    const headers = this.sign(body, secret);
    return [{ body: body.replace(`"Id":${id}`, `"Id":${id + 1}`), headers, reason: 'the X-Hook-Signature does not match the body' }];
  }

  failNext(what: 'tickets' | 'companies', failure: Failure, count = 1): void {
    queueFailures(this.failures, what === 'tickets' ? 'Tickets' : 'Companies', failure, count);
  }

  /** The next `count` requests of exactly this path (e.g. "/Tickets/query/next") fail this way. */
  failPath(path: string, failure: Failure, count = 1): void {
    queueFailures(this.failures, path, failure, count);
  }

  ticketNumber(id: number): string {
    return `T20261120.${String(id).padStart(4, '0')}`;
  }

  ticketUrl(id: number): string {
    return `${this.url}/Mvc/ServiceDesk/TicketDetail.mvc?workspace=False&ticketId=${id}`;
  }

  priorityName(priority: FakePriority): string {
    return PRIORITY_FIELD.picklistValues.find((p) => Number(p.value) === PRIORITY_VALUES[priority])!.label;
  }

  /** Autotask's query filters as far as the connector uses them: exist, and gte on a date. */
  private matches(row: Record<string, unknown>, filters: Filter[]): boolean {
    return filters.every((f) => (f.op === 'exist' ? row[f.field] !== undefined && row[f.field] !== null : f.op === 'gte' ? Date.parse(String(row[f.field])) >= Date.parse(String(f.value)) : false));
  }

  private page(entity: 'Tickets' | 'Companies', filters: Filter[], offset: number, size: number) {
    const all = (entity === 'Tickets' ? [...this.tickets.values()] : (this.companies as unknown as Record<string, unknown>[])).filter((r) => this.matches(r, filters)).sort((a, b) => Number(a.id) - Number(b.id));
    const items = all.slice(offset, offset + size);
    const more = offset + size < all.length;
    const next = more ? `${this.url}${API}/${entity}/query/next?${new URLSearchParams({ paging: String(offset + size), size: String(size), search: JSON.stringify(filters) })}` : null;
    return { items, pageDetails: { count: items.length, requestCount: size, prevPageUrl: null, nextPageUrl: next } };
  }

  protected handle(req: IncomingMessage, url: URL, raw: string, json: JsonAnswer): void {
    if (!url.pathname.startsWith(API)) return json(404, { errors: ['not found'] });
    const path = url.pathname.slice(API.length);
    this.requests.push({ method: req.method ?? 'GET', path });
    const entity = path.split('/')[1] ?? '';
    const failure = this.failures.get(path)?.shift() ?? this.failures.get(entity)?.shift();
    if (failure) return json(failure.status, { errors: ['failure'] }, failure.status === 429 ? { 'retry-after': failure.retryAfter } : {});
    const { username, secret, integrationCode } = this.user;
    if (this.revoked || req.headers.username !== username || req.headers.secret !== secret || req.headers.apiintegrationcode !== integrationCode) {
      return json(401, { errors: ['Unauthorized'] });
    }
    const query = /^\/(Tickets|Companies)\/query$/.exec(path);
    if (query && req.method === 'POST') {
      const body = JSON.parse(raw) as { MaxRecords?: number; filter?: Filter[] };
      return json(200, this.page(query[1] as 'Tickets' | 'Companies', body.filter ?? [], 0, Math.min(body.MaxRecords ?? 500, this.pageSize)));
    }
    const next = /^\/(Tickets|Companies)\/query\/next$/.exec(path);
    if (next && req.method === 'GET') {
      const q = url.searchParams;
      return json(200, this.page(next[1] as 'Tickets' | 'Companies', JSON.parse(q.get('search') ?? '[]') as Filter[], Number(q.get('paging')), Number(q.get('size'))));
    }
    if (path === '/Tickets/entityInformation/fields' && req.method === 'GET') return json(200, { fields: [PRIORITY_FIELD] });
    const ticket = /^\/Tickets\/(\d+)$/.exec(path);
    if (ticket && req.method === 'GET') return json(200, { item: this.tickets.get(Number(ticket[1])) ?? null });
    const company = /^\/Companies\/(\d+)$/.exec(path);
    if (company && req.method === 'GET') return json(200, { item: this.companies.find((c) => c.id === Number(company[1])) ?? null });
    return json(404, { errors: ['not found'] });
  }
}
