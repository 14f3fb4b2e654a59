// HaloPSA: the documented fields this connector reads, and how they map to Tenure's
// neutral ticket. Source: HaloPSA API (<your Halo>/apidoc, "Tickets", "Client",
// "Priority"; the Tickets list's query parameters and the ticket's fields as the
// HaloAPI PowerShell module and redanthrax/halopsa-node's interfaces name them).
//
// Ticket (GET /api/Tickets, GET /api/Tickets/{id}):
//   id                       → externalId and number
//   summary                  → title
//   client_id, client_name   → the company (Halo calls customers clients), mapped to an account
//   priority_id              → severity, by the priority's name (GET /api/Priority)
//   dateoccurred             → openedAt
//   responsedate             → first response
//   dateclosed               → resolved
//   last_update (else lastactiondate) → the change stamp that makes a change apply once
// Client (GET /api/Client): id, name (inactive clients are skipped).
import { z } from 'zod';
import type { PriorityDefaults, SourceCompany, SourceTicket } from '../../core/ticket-sources.js';

// Halo writes its dates without a zone (UTC); an explicit offset is taken as given.
const haloDate = z.string().transform((s, ctx) => {
  const at = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
  if (Number.isNaN(at.getTime())) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `not a date: ${s}` });
    return z.NEVER;
  }
  return at;
});
// Halo answers "1900-01-01T00:00:00" for a date never set.
const optionalDate = haloDate.nullish().transform((d) => (d && d.getUTCFullYear() > 1900 ? d : null));

export const haloTicketSchema = z.object({
  id: z.number().int(),
  summary: z.string().default(''),
  client_id: z.number().int(),
  client_name: z.string().default(''),
  priority_id: z.number().int().nullish(),
  dateoccurred: haloDate,
  responsedate: optionalDate,
  dateclosed: optionalDate,
  last_update: optionalDate,
  lastactiondate: optionalDate,
});
export type HaloTicket = z.infer<typeof haloTicketSchema>;

export const haloClientSchema = z.object({ id: z.number().int(), name: z.string(), inactive: z.boolean().nullish() });
export const haloPrioritySchema = z.object({ priorityid: z.number().int(), name: z.string() });

/** HaloPSA's shipped priorities (names as an admin sees them under Config → Tickets → SLAs). */
export const HALOPSA_PRIORITIES: PriorityDefaults = {
  map: { 'Critical': 'critical', 'High': 'major', 'Medium': 'minor', 'Low': 'cosmetic', '1 - Critical': 'critical', '2 - High': 'major', '3 - Medium': 'minor', '4 - Low': 'cosmetic' },
  fallback: 'minor',
};

export function haloTicketUrl(base: string, id: number): string {
  return `${base}/ticket?id=${id}`;
}

export function haloToTicket(t: HaloTicket, base: string, priorityName: (id: number) => string): SourceTicket {
  return {
    externalId: String(t.id),
    number: String(t.id),
    url: haloTicketUrl(base, t.id),
    companyExternalId: String(t.client_id),
    companyName: t.client_name,
    title: t.summary,
    priority: t.priority_id === null || t.priority_id === undefined ? '' : priorityName(t.priority_id),
    openedAt: t.dateoccurred,
    firstResponseAt: t.responsedate ?? null,
    resolvedAt: t.dateclosed ?? null,
    updatedAt: t.last_update ?? t.lastactiondate ?? t.dateoccurred,
  };
}

export function haloToCompany(c: z.infer<typeof haloClientSchema>): SourceCompany {
  return { externalId: String(c.id), name: c.name };
}
