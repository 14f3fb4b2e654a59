// What a ticket source (a PSA connector, src/psa/<name>/) must provide, and the
// neutral shapes it hands the core: a ticket and a company as Tenure needs them,
// whatever the PSA calls their fields. The core never sees a PSA payload; a
// connector never touches the database.
import type { PSA_CONNECTORS } from '../../db/schema.js';

export type ConnectorName = (typeof PSA_CONNECTORS)[number];

/** A PSA ticket in Tenure's terms. */
export interface SourceTicket {
  /** The PSA's own id of the ticket (stable; what webhooks name). */
  externalId: string;
  /** The number people see in the PSA (often the same as the id). */
  number: string;
  /** The ticket in the PSA's web interface. */
  url: string;
  companyExternalId: string;
  companyName: string;
  title: string;
  /** The PSA's priority as its admins name it ("Priority 1 - Emergency Response", "P2"…). */
  priority: string;
  openedAt: Date;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
  /** The PSA's last-updated stamp: a change at or before the stored one is not applied again. */
  updatedAt: Date;
}

export interface SourceCompany {
  externalId: string;
  name: string;
}

/** One page of changed tickets; `next` asks for the following page, absent on the last. */
export interface TicketPage {
  tickets: SourceTicket[];
  next?: string;
}

/** A webhook request as the HTTP layer received it: the raw body, before any parsing. */
export interface WebhookRequest {
  headers: Record<string, string | undefined>;
  rawBody: string;
}

/**
 * What a verified webhook says: the ticket as the payload carries it, or only its id
 * (the connector then fetches it), or nothing Tenure keeps (another entity type).
 */
export type WebhookEvent = { kind: 'ticket'; ticket: SourceTicket } | { kind: 'ticket-id'; externalId: string } | { kind: 'ignored'; why: string };

export interface TicketSource {
  readonly connector: ConnectorName;
  /**
   * Whether pages come oldest change first. Then the cursor moves with each page;
   * otherwise (a PSA that pages by id) only after the last page of a run.
   */
  readonly ordersByChange: boolean;
  /** Companies, all pages (a PSA has hundreds, not millions). */
  fetchCompanies(): Promise<SourceCompany[]>;
  /** Tickets changed at or after `since` (all when null), oldest change first; `page` from the previous page's `next`. */
  fetchTicketsChangedSince(since: Date | null, page?: string): Promise<TicketPage>;
  fetchTicket(externalId: string): Promise<SourceTicket | null>;
  /**
   * Checks the request with the PSA's own scheme (signature or shared secret);
   * throws WebhookRefused when it does not hold. Nothing of the body is trusted before.
   */
  verifyWebhook(request: WebhookRequest): Promise<void>;
  /** Maps a verified payload to what it says about a ticket. */
  parseWebhook(rawBody: string): WebhookEvent;
}

/** The PSA refused the credentials (401/403): a person has to fix them. */
export class SourceAuthError extends Error {
  constructor(readonly status: number, detail: string) {
    super(`the PSA refused the credentials (HTTP ${status}): ${detail}`);
  }
}

/** The PSA kept answering 429 or 5xx (or could not be reached) after the retries. */
export class SourceUnavailableError extends Error {
  constructor(detail: string) {
    super(`the PSA is unavailable: ${detail}`);
  }
}

/** A webhook that failed verification: answered 401, logged without secrets, nothing stored. */
export class WebhookRefused extends Error {
  constructor(readonly reason: string) {
    super(`webhook refused: ${reason}`);
  }
}

/** A connector's priority names → severities, and the severity of a priority it does not know. */
export interface PriorityDefaults {
  map: Record<string, 'critical' | 'major' | 'minor' | 'cosmetic'>;
  fallback: 'critical' | 'major' | 'minor' | 'cosmetic';
}
