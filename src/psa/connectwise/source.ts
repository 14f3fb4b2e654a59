// ConnectWise PSA as a ticket source. REST API 3.0 under <site>/v4_6_release/apis/3.0,
// authenticated with an API member's keys — Basic base64("<companyId>+<publicKey>:<privateKey>")
// — and the integration's clientId header. Changed tickets come from
// GET /service/tickets?conditions=lastUpdated>=[…]&orderBy=lastUpdated asc (page/pageSize,
// at most 1,000 a page); callbacks are registered with POST /system/callbacks.
//
// Callbacks are verified as ConnectWise signs them: the x-content-signature header is
// base64(HMAC-SHA256(key = SHA-256(signing key), raw body)), where the signing key is
// fetched from the callback's Metadata.key_url — which must be on the connection's own
// site, or anyone could point us at a key of their choosing.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { WebhookRefused, type TicketPage, type TicketSource, type WebhookEvent, type WebhookRequest } from '../../core/ticket-sources.js';
import { DEFAULT_RETRY, psaJson, type RetryPolicy } from '../http.js';
import { cwCompanySchema, cwTicketSchema, cwToCompany, cwToTicket } from './fields.js';

export const connectwiseCredentialsSchema = z.object({
  site: z
    .string()
    .trim()
    .url('must be the address of your ConnectWise site, e.g. https://api-na.myconnectwise.net')
    .transform((s) => new URL(s).origin),
  companyId: z.string().trim().min(1, 'is required (the company id you log in with)'),
  publicKey: z.string().trim().min(1, 'is required'),
  privateKey: z.string().trim().min(1, 'is required'),
  clientId: z.string().trim().min(1, 'is required (from developer.connectwise.com → ClientId)'),
});
export type ConnectwiseCredentials = z.infer<typeof connectwiseCredentialsSchema>;

export const CW_PAGE_SIZE = 1000;
const TICKET_FIELDS = 'id,summary,company/id,company/name,priority/id,priority/name,dateEntered,dateResponded,dateResolved,closedDate,closedFlag,_info/lastUpdated,_info/dateEntered';

/** Signing keys by key_url: ConnectWise rotates them rarely, and a burst of callbacks should not fetch one each. */
const signingKeys = new Map<string, { key: string; until: number }>();
const KEY_TTL_MS = 10 * 60_000;

const callbackSchema = z.object({
  Action: z.string().optional(),
  Type: z.string().optional(),
  ID: z.union([z.number(), z.string()]).optional(),
  Entity: z.union([z.string(), z.record(z.unknown())]).nullish(),
  Metadata: z.object({ key_url: z.string() }).partial().optional(),
});

/** The API's base and the headers every call carries: the member's keys and the integration's clientId. */
function apiOf(c: ConnectwiseCredentials): { api: string; headers: Record<string, string> } {
  return {
    api: `${c.site}/v4_6_release/apis/3.0`,
    headers: { authorization: `Basic ${Buffer.from(`${c.companyId}+${c.publicKey}:${c.privateKey}`).toString('base64')}`, clientId: c.clientId },
  };
}

/** ConnectWise's date conditions take [yyyy-MM-ddTHH:mm:ssZ]. */
const cwDate = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function connectwiseSource(credentials: Record<string, string>, retry: RetryPolicy = DEFAULT_RETRY): TicketSource {
  const c = connectwiseCredentialsSchema.parse(credentials);
  const { api, headers } = apiOf(c);
  const get = <T>(path: string, query: Record<string, string>) => psaJson<T>({ url: `${api}${path}?${new URLSearchParams(query)}`, headers }, retry);

  async function signingKey(keyUrl: string): Promise<string> {
    const cached = signingKeys.get(keyUrl);
    if (cached && cached.until > Date.now()) return cached.key;
    const { body } = await psaJson<{ signing_key?: string }>({ url: keyUrl, headers: {} }, { ...retry, attempts: 2 });
    if (!body?.signing_key) throw new WebhookRefused('the key_url gave no signing key');
    signingKeys.set(keyUrl, { key: body.signing_key, until: Date.now() + KEY_TTL_MS });
    return body.signing_key;
  }

  return {
    connector: 'connectwise',
    ordersByChange: true,

    async fetchCompanies() {
      const companies = [];
      for (let page = 1; ; page++) {
        const { body } = await get<unknown[]>('/company/companies', { fields: 'id,name,deletedFlag', orderBy: 'id asc', page: String(page), pageSize: String(CW_PAGE_SIZE) });
        const rows = z.array(cwCompanySchema).parse(body);
        companies.push(...rows.filter((r) => !r.deletedFlag).map(cwToCompany));
        if (rows.length < CW_PAGE_SIZE) return companies;
      }
    },

    async fetchTicketsChangedSince(since, pageToken) {
      const page = pageToken ? Number(pageToken) : 1;
      const query: Record<string, string> = { fields: TICKET_FIELDS, orderBy: 'lastUpdated asc, id asc', page: String(page), pageSize: String(CW_PAGE_SIZE) };
      if (since) query.conditions = `lastUpdated>=[${cwDate(since)}]`;
      const { body } = await get<unknown[]>('/service/tickets', query);
      const rows = z.array(cwTicketSchema).parse(body);
      const result: TicketPage = { tickets: rows.map((t) => cwToTicket(t, c.site)) };
      if (rows.length === CW_PAGE_SIZE) result.next = String(page + 1);
      return result;
    },

    async fetchTicket(externalId) {
      if (!/^\d+$/.test(externalId)) return null;
      try {
        const { body } = await get<unknown>(`/service/tickets/${externalId}`, { fields: TICKET_FIELDS });
        return cwToTicket(cwTicketSchema.parse(body), c.site);
      } catch (err) {
        if (/answered 404/.test((err as Error).message)) return null;
        throw err;
      }
    },

    async verifyWebhook(request: WebhookRequest) {
      const signature = request.headers['x-content-signature'];
      if (!signature) throw new WebhookRefused('no x-content-signature header');
      let keyUrl: string | undefined;
      try {
        keyUrl = callbackSchema.parse(JSON.parse(request.rawBody)).Metadata?.key_url;
      } catch {
        throw new WebhookRefused('the body is not a ConnectWise callback');
      }
      if (!keyUrl) throw new WebhookRefused('the callback names no Metadata.key_url');
      let origin: string;
      try {
        origin = new URL(keyUrl).origin;
      } catch {
        throw new WebhookRefused('Metadata.key_url is not a URL');
      }
      if (origin !== c.site) throw new WebhookRefused('Metadata.key_url is not on the connection\'s ConnectWise site');
      const key = await signingKey(keyUrl);
      const expected = createHmac('sha256', createHash('sha256').update(key, 'utf8').digest()).update(request.rawBody, 'utf8').digest();
      const given = Buffer.from(signature, 'base64');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new WebhookRefused('the x-content-signature does not match the body');
    },

    parseWebhook(rawBody): WebhookEvent {
      const callback = callbackSchema.parse(JSON.parse(rawBody));
      if ((callback.Type ?? '').toLowerCase() !== 'ticket') return { kind: 'ignored', why: `a ${callback.Type ?? 'untyped'} callback` };
      if ((callback.Action ?? '').toLowerCase() === 'deleted') return { kind: 'ignored', why: 'a deleted ticket (Tenure keeps its history)' };
      // Entity is the record as a JSON string; some callbacks send it empty, and then the ticket is read by its ID.
      const entity = typeof callback.Entity === 'string' ? (callback.Entity.trim() ? (JSON.parse(callback.Entity) as unknown) : undefined) : callback.Entity;
      const parsed = entity ? cwTicketSchema.safeParse(entity) : undefined;
      if (parsed?.success) return { kind: 'ticket', ticket: cwToTicket(parsed.data, c.site) };
      if (callback.ID === undefined) return { kind: 'ignored', why: 'a ticket callback without an ID' };
      return { kind: 'ticket-id', externalId: String(callback.ID) };
    },
  };
}

/** Registers Tenure's callback URL for every ticket (level owner), unless one with this URL exists. */
export async function registerConnectwiseCallback(credentials: Record<string, string>, url: string, retry: RetryPolicy = DEFAULT_RETRY): Promise<'registered' | 'already'> {
  const { api, headers } = apiOf(connectwiseCredentialsSchema.parse(credentials));
  const { body } = await psaJson<{ url?: string }[]>({ url: `${api}/system/callbacks?${new URLSearchParams({ conditions: `url="${url}"` })}`, headers }, retry);
  if ((body ?? []).some((cb) => cb.url === url)) return 'already';
  await psaJson({ method: 'POST', url: `${api}/system/callbacks`, headers, body: { description: 'Tenure: ticket changes', url, objectId: 0, type: 'ticket', level: 'owner', inactiveFlag: false } }, retry);
  return 'registered';
}

