// ConnectWise PSA: the documented fields this connector reads, and how they map to
// Tenure's neutral ticket. Source: ConnectWise PSA REST API 3.0 (developer.connectwise.com,
// "Service / Tickets" and "Company / Companies" models, and "PSA Callbacks").
//
// Ticket (GET /service/tickets, GET /service/tickets/{id}, a callback's Entity):
//   id                 → externalId and number (ConnectWise shows the id as the ticket number)
//   summary            → title
//   company.id, company.name → the company, mapped to an account
//   priority.name      → severity (CONNECTWISE_PRIORITIES, changeable per workspace)
//   _info.dateEntered (older releases: dateEntered) → openedAt
//   dateResponded      → first response
//   dateResolved, else closedDate when closedFlag → resolved
//   _info.lastUpdated  → the change stamp that makes a change apply once
// Company (GET /company/companies): id, name (deletedFlag companies are skipped).
import { z } from 'zod';
import type { PriorityDefaults, SourceCompany, SourceTicket } from '../../core/ticket-sources.js';

const stamp = z.string().datetime({ offset: true });
const optionalStamp = stamp.nullish();

export const cwTicketSchema = z.object({
  id: z.number().int(),
  summary: z.string().default(''),
  company: z.object({ id: z.number().int(), name: z.string() }),
  priority: z.object({ id: z.number().int().optional(), name: z.string() }).nullish(),
  dateEntered: optionalStamp,
  dateResponded: optionalStamp,
  dateResolved: optionalStamp,
  closedDate: optionalStamp,
  closedFlag: z.boolean().nullish(),
  _info: z.object({ lastUpdated: stamp, dateEntered: optionalStamp }),
});
export type CwTicket = z.infer<typeof cwTicketSchema>;

export const cwCompanySchema = z.object({ id: z.number().int(), name: z.string(), deletedFlag: z.boolean().nullish() });

/**
 * ConnectWise's out-of-the-box priorities ("Priority 1 - Emergency Response" …). A
 * partner's own priority names fall back to minor until mapped with
 * /tenure connect priority connectwise "<name>" <severity>.
 */
export const CONNECTWISE_PRIORITIES: PriorityDefaults = {
  map: {
    'Priority 1 - Emergency Response': 'critical',
    'Priority 2 - Quick Response': 'major',
    'Priority 3 - Normal Response': 'minor',
    'Priority 4 - Schedule Maintenance': 'cosmetic',
    'Priority 5 - Next Time': 'cosmetic',
    'Do Not Respond': 'cosmetic',
  },
  fallback: 'minor',
};

/** The ticket in ConnectWise's web interface (the service ticket screen's documented deep link). */
export function cwTicketUrl(site: string, id: number): string {
  return `${site}/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=${id}`;
}

export function cwToTicket(t: CwTicket, site: string): SourceTicket {
  const opened = t._info.dateEntered ?? t.dateEntered ?? t._info.lastUpdated;
  const resolved = t.dateResolved ?? (t.closedFlag ? t.closedDate : null) ?? null;
  return {
    externalId: String(t.id),
    number: String(t.id),
    url: cwTicketUrl(site, t.id),
    companyExternalId: String(t.company.id),
    companyName: t.company.name,
    title: t.summary,
    priority: t.priority?.name ?? '',
    openedAt: new Date(opened),
    firstResponseAt: t.dateResponded ? new Date(t.dateResponded) : null,
    resolvedAt: resolved ? new Date(resolved) : null,
    updatedAt: new Date(t._info.lastUpdated),
  };
}

export function cwToCompany(c: z.infer<typeof cwCompanySchema>): SourceCompany {
  return { externalId: String(c.id), name: c.name };
}
