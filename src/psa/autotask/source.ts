// Datto Autotask as a ticket source. REST API under <zone>/ATServicesRest/V1.0 (the
// zone of the API user, from Autotask's zoneInformation), authenticated with the
// API-only user's headers: UserName, Secret and ApiIntegrationCode. Changed tickets
// come from POST /Tickets/query with a lastActivityDate filter (at most 500 a page,
// following pageDetails.nextPageUrl); queries are ordered by id, not by change, so
// the sync moves the cursor only once a run has read every page.
//
// Ticket webhooks are signed with the webhook's SecretKey — the secret Tenure made for
// the connection — as X-Hook-Signature: base64(HMAC-SHA1(secret, raw body)), written
// "sha1=<base64>". Their Fields carry only what changed, so the ticket is read again.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { WebhookRefused, type SourceCompany, type TicketSource, type WebhookEvent, type WebhookRequest } from '../../core/ticket-sources.js';
import { DEFAULT_RETRY, psaJson, type RetryPolicy } from '../http.js';
import { atCompanySchema, atTicketSchema, atToCompany, atToTicket } from './fields.js';

export const autotaskCredentialsSchema = z.object({
  zone: z
    .string()
    .trim()
    .url('must be your API zone, e.g. https://webservices5.autotask.net')
    .transform((s) => new URL(s).origin),
  username: z.string().trim().min(1, 'is required (the API-only user, e.g. tenure-api@acme.com)'),
  secret: z.string().trim().min(1, 'is required'),
  integrationCode: z.string().trim().min(1, 'is required (the API tracking identifier)'),
});

export const AT_PAGE_SIZE = 500;

const queryPage = z.object({
  items: z.array(z.unknown()),
  pageDetails: z.object({ nextPageUrl: z.string().nullish() }).partial().optional(),
});

const calloutSchema = z.object({
  Action: z.string().optional(),
  Guid: z.string().optional(),
  EntityType: z.string().optional(),
  Id: z.union([z.number(), z.string()]).optional(),
  Fields: z.record(z.unknown()).optional(),
});

export function autotaskSource(credentials: Record<string, string>, webhookSecret: string, retry: RetryPolicy = DEFAULT_RETRY): TicketSource {
  const c = autotaskCredentialsSchema.parse(credentials);
  const api = `${c.zone}/ATServicesRest/V1.0`;
  const headers = { UserName: c.username, Secret: c.secret, ApiIntegrationCode: c.integrationCode };
  const names = new Map<string, string>();
  let priorities: Map<number, string> | undefined;

  const post = <T>(path: string, body: unknown) => psaJson<T>({ method: 'POST', url: `${api}${path}`, headers, body }, retry);
  const get = <T>(url: string) => {
    // A next-page URL comes from the PSA's answer: credentials go only to the zone itself.
    if (new URL(url).origin !== c.zone) throw new Error('Autotask gave a next page outside its zone');
    return psaJson<T>({ url, headers }, retry);
  };

  async function priorityLabels(): Promise<Map<number, string>> {
    if (priorities) return priorities;
    const { body } = await get<{ fields?: { name: string; picklistValues?: { value: string; label: string }[] }[] }>(`${api}/Tickets/entityInformation/fields`);
    const field = (body.fields ?? []).find((f) => f.name.toLowerCase() === 'priority');
    priorities = new Map((field?.picklistValues ?? []).map((p) => [Number(p.value), p.label]));
    return priorities;
  }

  async function companyName(id: number): Promise<void> {
    if (names.has(String(id))) return;
    const { body } = await get<{ item?: unknown }>(`${api}/Companies/${id}`);
    const parsed = atCompanySchema.safeParse(body.item);
    names.set(String(id), parsed.success ? parsed.data.companyName : `Autotask company ${id}`);
  }

  async function tickets(rows: unknown[]) {
    const parsed = z.array(atTicketSchema).parse(rows);
    const labels = await priorityLabels();
    for (const t of parsed) await companyName(t.companyID);
    return parsed.map((t) => atToTicket(t, c.zone, (id) => names.get(String(id))!, (v) => labels.get(v) ?? String(v)));
  }

  return {
    connector: 'autotask',
    ordersByChange: false,

    async fetchCompanies() {
      const companies: SourceCompany[] = [];
      let page = await post<unknown>('/Companies/query', { MaxRecords: AT_PAGE_SIZE, filter: [{ op: 'exist', field: 'id' }] });
      for (;;) {
        const { items, pageDetails } = queryPage.parse(page.body);
        for (const row of z.array(atCompanySchema).parse(items)) {
          names.set(String(row.id), row.companyName);
          if (row.isActive !== false) companies.push(atToCompany(row));
        }
        if (!pageDetails?.nextPageUrl) return companies;
        page = await get<unknown>(pageDetails.nextPageUrl);
      }
    },

    async fetchTicketsChangedSince(since, pageToken) {
      const filter = since ? [{ op: 'gte', field: 'lastActivityDate', value: since.toISOString() }] : [{ op: 'exist', field: 'id' }];
      const { body } = pageToken ? await get<unknown>(pageToken) : await post<unknown>('/Tickets/query', { MaxRecords: AT_PAGE_SIZE, filter });
      const { items, pageDetails } = queryPage.parse(body);
      return { tickets: await tickets(items), ...(pageDetails?.nextPageUrl ? { next: pageDetails.nextPageUrl } : {}) };
    },

    async fetchTicket(externalId) {
      if (!/^\d+$/.test(externalId)) return null;
      const { body } = await get<{ item?: unknown }>(`${api}/Tickets/${externalId}`);
      if (!body?.item) return null;
      return (await tickets([body.item]))[0] ?? null;
    },

    async verifyWebhook(request: WebhookRequest) {
      const header = request.headers['x-hook-signature'];
      if (!header) throw new WebhookRefused('no X-Hook-Signature header');
      const given = Buffer.from(header.replace(/^sha1=/i, ''), 'base64');
      const expected = createHmac('sha1', webhookSecret).update(request.rawBody, 'utf8').digest();
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new WebhookRefused('the X-Hook-Signature does not match the body');
    },

    parseWebhook(rawBody): WebhookEvent {
      const callout = calloutSchema.parse(JSON.parse(rawBody));
      if ((callout.EntityType ?? '').toLowerCase() !== 'ticket') return { kind: 'ignored', why: `a ${callout.EntityType ?? 'untyped'} callout` };
      if ((callout.Action ?? '').toLowerCase() === 'delete') return { kind: 'ignored', why: 'a deleted ticket (Tenure keeps its history)' };
      if (callout.Id === undefined) return { kind: 'ignored', why: 'a ticket callout without an Id' };
      return { kind: 'ticket-id', externalId: String(callout.Id) };
    },
  };
}
