// What every local fake PSA offers the shared connector suite (contract.ts): tickets
// and companies described in Tenure's terms and served in the PSA's own shapes, its
// webhooks signed as it signs them, scripted 429/5xx answers, and keys that stop working.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ConnectorName } from '../../src/core/ticket-sources.js';
import { closeNow, listenOnLoopback } from '../helpers/loopback-server.js';

export type FakePriority = 'critical' | 'major' | 'minor' | 'cosmetic' | 'unknown';

export interface FakeTicketSpec {
  id: number;
  company: { id: number; name: string };
  title?: string;
  priority: FakePriority;
  openedAt: string;
  respondedAt?: string | null;
  resolvedAt?: string | null;
  /** The PSA's last-updated stamp; openedAt when not given. */
  updatedAt?: string;
}

export type Failure = { status: 429; retryAfter: string } | { status: 500 | 502 | 503 };

export interface FakePsa {
  readonly connector: ConnectorName;
  readonly label: string;
  url: string;
  start(): Promise<unknown>;
  stop(): Promise<void>;
  setCompanies(companies: { id: number; name: string; inactive?: boolean }[]): void;
  put(ticket: FakeTicketSpec): void;
  /** What an admin types into the form. */
  form(): Record<string, string>;
  /** The credentials (and signing keys) that must never show up anywhere. */
  secrets(): string[];
  breakCredentials(): void;
  restoreCredentials(): void;
  /** A webhook for the ticket as the PSA posts it, signed with `secret` (the connection's), or forged. */
  webhook(id: number, options: { secret: string; action?: 'create' | 'update'; forged?: boolean }): { body: string; headers: Record<string, string> };
  /** Requests this PSA's verification must refuse beyond a wrong signature and none: each with the reason logged. */
  otherForgeries(id: number, secret: string): { body: string; headers: Record<string, string>; reason: string }[];
  failNext(what: 'tickets' | 'companies', failure: Failure, count?: number): void;
  /** The ticket's number and address as the PSA shows them. */
  ticketNumber(id: number): string;
  ticketUrl(id: number): string;
  /** The PSA's name of the priority the connector maps to this severity by default ('unknown': one it does not know). */
  priorityName(priority: FakePriority): string;
  /** Where Tenure registered its webhook in the PSA itself, if the PSA's API allows it. */
  registeredWebhooks?(): string[];
}

/**
 * What every fake PSA server has alike: a loopback HTTP server (loopback-server.ts),
 * scripted failures by key, and keys that can be revoked in the PSA.
 */
export type JsonAnswer = (status: number, value: unknown, headers?: Record<string, string>) => void;

export abstract class LoopbackPsa {
  readonly server: Server;
  url = '';
  protected readonly failures = new Map<string, Failure[]>();
  /** The API user's keys were revoked in the PSA: every API call is refused until restored. */
  protected revoked = false;

  constructor() {
    this.server = createServer((req, res) => void this.serve(req, res));
  }

  /** Answers one request: its URL and body read, and `json` to answer with. */
  protected abstract handle(req: IncomingMessage, url: URL, body: string, json: JsonAnswer): void;

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    this.handle(req, new URL(req.url ?? '/', this.url), body, (status, value, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(value));
    });
  }

  async start(): Promise<this> {
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  stop(): Promise<void> {
    return closeNow(this.server);
  }

  breakCredentials(): void {
    this.revoked = true;
  }

  restoreCredentials(): void {
    this.revoked = false;
  }
}
