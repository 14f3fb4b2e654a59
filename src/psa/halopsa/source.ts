// HaloPSA as a ticket source. REST API under <your Halo>/api, with a bearer token from
// OAuth2 client credentials (POST <your Halo>/auth/token, grant_type=client_credentials,
// scope "all" — an API application of type Client ID and Secret). Changed tickets come
// from GET /api/Tickets?lastupdatefromdate=…&pageinate=true&page_size=&page_no=, closed
// ones included; the list is not promised in change order, so the cursor moves only once
// a run has read every page.
//
// Halo's webhooks authenticate with Basic auth set on the webhook: Tenure's is the user
// "tenure" and the connection's secret as the password, compared in constant time. The
// payload's shape depends on the webhook's settings, so only the ticket's id is read from
// it (ticket.id, else object_id, ticket_id or id) and the ticket itself from the API.
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { WebhookRefused, type SourceCompany, type TicketSource, type WebhookEvent, type WebhookRequest } from '../../core/ticket-sources.js';
import { DEFAULT_RETRY, psaJson, type RetryPolicy } from '../http.js';
import { haloClientSchema, haloPrioritySchema, haloTicketSchema, haloToCompany, haloToTicket } from './fields.js';

export const halopsaCredentialsSchema = z.object({
  url: z
    .string()
    .trim()
    .url('must be your Halo address, e.g. https://acme.halopsa.com')
    .transform((s) => new URL(s).origin),
  clientId: z.string().trim().min(1, 'is required (Config → Integrations → HaloPSA API → View Applications)'),
  clientSecret: z.string().trim().min(1, 'is required'),
});

export const HALO_PAGE_SIZE = 100;
export const HALO_WEBHOOK_USER = 'tenure';

const idOf = (v: unknown): string | undefined => (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v)) ? String(v) : undefined);

export function halopsaSource(credentials: Record<string, string>, webhookSecret: string, retry: RetryPolicy = DEFAULT_RETRY): TicketSource {
  const c = halopsaCredentialsSchema.parse(credentials);
  let token: Promise<string> | undefined;
  let priorities: Map<number, string> | undefined;

  const bearer = () =>
    (token ??= psaJson<{ access_token?: string }>(
      { method: 'POST', url: `${c.url}/auth/token`, headers: {}, form: { grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret, scope: 'all' } },
      retry,
    ).then(({ body }) => {
      if (!body?.access_token) throw new Error('Halo gave no access token');
      return body.access_token;
    })).catch((err: unknown) => {
      token = undefined;
      throw err;
    });
  const get = async <T>(path: string, query: Record<string, string> = {}) =>
    (await psaJson<T>({ url: `${c.url}/api${path}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`, headers: { authorization: `Bearer ${await bearer()}` } }, retry)).body;

  async function priorityName(): Promise<(id: number) => string> {
    priorities ??= new Map(z.array(haloPrioritySchema.passthrough()).parse(await get<unknown[]>('/Priority')).map((p) => [p.priorityid, p.name]));
    return (id) => priorities!.get(id) ?? String(id);
  }

  return {
    connector: 'halopsa',
    ordersByChange: false,

    async fetchCompanies() {
      const companies: SourceCompany[] = [];
      for (let page = 1; ; page++) {
        const body = z.object({ clients: z.array(haloClientSchema) }).parse(await get('/Client', { pageinate: 'true', page_size: String(HALO_PAGE_SIZE), page_no: String(page), includeinactive: 'true' }));
        companies.push(...body.clients.filter((x) => !x.inactive).map(haloToCompany));
        if (body.clients.length < HALO_PAGE_SIZE) return companies;
      }
    },

    async fetchTicketsChangedSince(since, pageToken) {
      const page = pageToken ? Number(pageToken) : 1;
      const query: Record<string, string> = { pageinate: 'true', page_size: String(HALO_PAGE_SIZE), page_no: String(page), includeclosed: 'true', order: 'id' };
      if (since) query.lastupdatefromdate = since.toISOString();
      const body = z.object({ tickets: z.array(haloTicketSchema) }).parse(await get('/Tickets', query));
      const name = await priorityName();
      return { tickets: body.tickets.map((t) => haloToTicket(t, c.url, name)), ...(body.tickets.length === HALO_PAGE_SIZE ? { next: String(page + 1) } : {}) };
    },

    async fetchTicket(externalId) {
      if (!/^\d+$/.test(externalId)) return null;
      try {
        const ticket = haloTicketSchema.parse(await get(`/Tickets/${externalId}`));
        return haloToTicket(ticket, c.url, await priorityName());
      } catch (err) {
        if (/answered 404/.test((err as Error).message)) return null;
        throw err;
      }
    },

    async verifyWebhook(request: WebhookRequest) {
      const header = request.headers.authorization;
      if (!header?.startsWith('Basic ')) throw new WebhookRefused('no Basic authorization header');
      const given = Buffer.from(header.slice(6).trim(), 'base64');
      const expected = Buffer.from(`${HALO_WEBHOOK_USER}:${webhookSecret}`, 'utf8');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new WebhookRefused('the Basic authorization does not match the connection\'s secret');
    },

    parseWebhook(rawBody): WebhookEvent {
      const payload = z.record(z.unknown()).parse(JSON.parse(rawBody));
      const ticket = payload.ticket && typeof payload.ticket === 'object' ? (payload.ticket as Record<string, unknown>) : undefined;
      const id = idOf(ticket?.id) ?? idOf(payload.object_id) ?? idOf(payload.ticket_id) ?? idOf(payload.id);
      if (!id) return { kind: 'ignored', why: 'a payload that names no ticket' };
      return { kind: 'ticket-id', externalId: id };
    },
  };
}
