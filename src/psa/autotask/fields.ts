// Datto Autotask: the documented fields this connector reads, and how they map to
// Tenure's neutral ticket. Source: Autotask REST API (autotask.net/help/DeveloperHelp →
// REST API → Entities: "Tickets", "Companies"; "Webhooks (REST API)" for callouts).
//
// Ticket (POST /Tickets/query, GET /Tickets/{id}):
//   id                     → externalId (what webhooks name)
//   ticketNumber           → number ("T20261123.0042")
//   title                  → title
//   companyID              → the company, mapped to an account (its companyName from /Companies)
//   priority               → severity: the picklist value's label (GET /Tickets/entityInformation/fields)
//   createDate             → openedAt
//   firstResponseDateTime  → first response
//   resolvedDateTime, else completedDate → resolved
//   lastActivityDate       → the change stamp that makes a change apply once
// Company (POST /Companies/query): id, companyName (isActive false companies are skipped).
import { z } from 'zod';
import type { PriorityDefaults, SourceCompany, SourceTicket } from '../../core/ticket-sources.js';

const stamp = z.string().datetime({ offset: true });
const optionalStamp = stamp.nullish();

export const atTicketSchema = z.object({
  id: z.number().int(),
  ticketNumber: z.string(),
  title: z.string().default(''),
  companyID: z.number().int(),
  priority: z.number().int().nullish(),
  createDate: stamp,
  firstResponseDateTime: optionalStamp,
  resolvedDateTime: optionalStamp,
  completedDate: optionalStamp,
  lastActivityDate: stamp,
});
export type AtTicket = z.infer<typeof atTicketSchema>;

export const atCompanySchema = z.object({ id: z.number().int(), companyName: z.string(), isActive: z.boolean().nullish() });

/** Autotask's shipped ticket priorities (the picklist's labels; values differ between instances). */
export const AUTOTASK_PRIORITIES: PriorityDefaults = {
  map: { Critical: 'critical', High: 'major', Medium: 'minor', Low: 'cosmetic' },
  fallback: 'minor',
};

/** The ticket in Autotask's web interface: the API zone's web twin (webservicesN → wwN). */
export function atTicketUrl(zone: string, id: number): string {
  const web = new URL(zone);
  web.hostname = web.hostname.replace(/^webservices(\d*)\./, 'ww$1.');
  return `${web.origin}/Mvc/ServiceDesk/TicketDetail.mvc?workspace=False&ticketId=${id}`;
}

export function atToTicket(t: AtTicket, zone: string, companyName: (id: number) => string, priorityLabel: (value: number) => string): SourceTicket {
  const resolved = t.resolvedDateTime ?? t.completedDate ?? null;
  return {
    externalId: String(t.id),
    number: t.ticketNumber,
    url: atTicketUrl(zone, t.id),
    companyExternalId: String(t.companyID),
    companyName: companyName(t.companyID),
    title: t.title,
    priority: t.priority === null || t.priority === undefined ? '' : priorityLabel(t.priority),
    openedAt: new Date(t.createDate),
    firstResponseAt: t.firstResponseDateTime ? new Date(t.firstResponseDateTime) : null,
    resolvedAt: resolved ? new Date(resolved) : null,
    updatedAt: new Date(t.lastActivityDate),
  };
}

export function atToCompany(c: z.infer<typeof atCompanySchema>): SourceCompany {
  return { externalId: String(c.id), name: c.companyName };
}
