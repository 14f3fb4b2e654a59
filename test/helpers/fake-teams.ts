// A local stand-in for the Bot Framework connector (the serviceUrl Teams puts in
// every activity): it records what the bot sends — replies, new posts, updates,
// personal chats it opens — answers with activity ids, lists the conversation's
// members (its roster), and fails on request. Plus builders for the activities
// Teams posts to /api/messages.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { closeNow, listenOnLoopback, queueFailures } from './loopback-server.js';

export type ConnectorCallKind = 'send' | 'reply' | 'update' | 'member' | 'create' | 'other';

export interface ConnectorCall {
  kind: ConnectorCallKind;
  method: string;
  /** Conversation id as the bot addressed it (decoded). */
  conversationId: string;
  /** The activity replied to or updated. */
  activityId?: string;
  body: Record<string, any>;
  status: number;
  /** The activity id the fake answered with (what the bot would update later). */
  responseId?: string;
  /** The Authorization header the bot sent, if any (its outbound Bot Framework token). */
  authorization?: string;
  at: number;
}

interface ScriptedFailure {
  status: number;
  headers?: Record<string, string>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  try {
    return raw ? (JSON.parse(raw) as Record<string, any>) : {};
  } catch {
    return { raw };
  }
}

const authorizationOf = (req: IncomingMessage) => (req.headers.authorization ? { authorization: req.headers.authorization } : {});

export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  /** Who the member endpoints list and find (by Teams id or Entra object id); ANA and BEN unless a test changes it. */
  roster: Person[] = [ANA, BEN];
  /** A conversation's own members, where a test says who is in it (others have the roster). */
  rosters: Record<string, Person[]> = {};
  private readonly failures = new Map<ConnectorCallKind, ScriptedFailure[]>();
  private server!: Server;
  private counter = 0;
  url = '';

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const body = await readJson(req);
      const path = (req.url ?? '').split('?')[0]!;
      if (path.startsWith('/slack/')) {
        // A Slack Web API stand-in for tests that start Slack beside Teams (Bolt checks its token).
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, user_id: 'UBOT', team_id: 'T1', bot_id: 'BBOT' }));
        return;
      }
      if (path === '/v3/conversations' && req.method === 'POST') {
        // A personal chat the bot opens: Teams answers with its conversation id.
        const failure = this.failures.get('create')?.shift();
        const member = String((body.members as { id?: string }[] | undefined)?.[0]?.id ?? '');
        const status = failure?.status ?? 200;
        const conversationId = `a:created-${member}`;
        this.calls.push({ kind: 'create', method: 'POST', conversationId: failure ? '' : conversationId, body, status, ...authorizationOf(req), at: Date.now() });
        res.writeHead(status, { 'content-type': 'application/json', ...failure?.headers });
        res.end(JSON.stringify(failure ? { error: { code: 'Scripted', message: `scripted ${status}` } } : { id: conversationId }));
        return;
      }
      const m = /^\/v3\/conversations\/([^/]+)(?:\/(activities|members|pagedmembers)(?:\/([^/]+))?)?$/i.exec(path);
      const conversationId = m ? decodeURIComponent(m[1]!) : '';
      const sub = m?.[2]?.toLowerCase();
      const id = m?.[3] ? decodeURIComponent(m[3]) : undefined;
      const kind: ConnectorCallKind =
        sub === 'members' || sub === 'pagedmembers' ? 'member' : sub !== 'activities' ? 'other' : req.method === 'PUT' ? 'update' : id ? 'reply' : 'send';
      const failure = this.failures.get(kind)?.shift();
      const members = this.rosters[conversationId] ?? this.roster;
      const member = kind === 'member' && id ? members.find((p) => p.id === id || p.aadObjectId === id) : undefined;
      const status = failure?.status ?? (kind === 'member' && id && !member ? 404 : 200);
      const responseId = failure || status !== 200 ? undefined : kind === 'update' ? id : kind === 'send' || kind === 'reply' ? `activity-${++this.counter}` : undefined;
      this.calls.push({ kind, method: req.method ?? '', conversationId, ...(id ? { activityId: id } : {}), body, status, ...(responseId ? { responseId } : {}), ...authorizationOf(req), at: Date.now() });
      res.writeHead(status, { 'content-type': 'application/json', ...failure?.headers });
      if (failure || status !== 200) {
        res.end(JSON.stringify({ error: { code: status === 403 ? 'BotNotInConversationRoster' : status === 404 ? 'NotFound' : 'Scripted', message: `scripted ${status}` } }));
        return;
      }
      if (kind === 'member') {
        const account = (p: Person) => ({ id: p.id, name: p.name, aadObjectId: p.aadObjectId, userRole: 'user' });
        res.end(JSON.stringify(member ? account(member) : sub === 'pagedmembers' ? { members: members.map(account) } : members.map(account)));
        return;
      }
      res.end(JSON.stringify(responseId ? { id: responseId } : {}));
    });
    this.url = await listenOnLoopback(this.server);
  }

  async stop(): Promise<void> {
    await closeNow(this.server);
  }

  /** The next `count` calls of this kind answer with `status` (and headers). */
  failNext(kind: ConnectorCallKind, failure: ScriptedFailure, count = 1): void {
    queueFailures(this.failures, kind, failure, count);
  }

  /** Messages the bot sent (replies and posts, not typing indicators), from index `from` on. */
  messages(from = 0): ConnectorCall[] {
    return this.calls.slice(from).filter((c) => (c.kind === 'send' || c.kind === 'reply') && c.body.type === 'message' && c.status === 200);
  }

  async waitFor(predicate: (calls: ConnectorCall[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const began = Date.now();
    while (!predicate(this.calls)) {
      if (Date.now() - began > timeoutMs) throw new Error(`waited ${timeoutMs} ms; connector saw ${this.calls.map((c) => `${c.kind} ${c.status}`).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

// ------------------------------------------------------------------ activities

export const BOT = { id: '28:tenure-bot', name: 'Tenure' };
export const TENANT = '11111111-2222-3333-4444-555555555555';
export const TEAM = { id: '19:general@thread.tacv2', name: 'Customer Success' };
export const OPS_CHANNEL = '19:ops@thread.tacv2';

export interface Person {
  id: string;
  name: string;
  aadObjectId: string;
}

export const ANA: Person = { id: '29:ana', name: 'Ana Lopez', aadObjectId: '00000000-0000-0000-0000-0000000000a1' };
export const BEN: Person = { id: '29:ben', name: 'Ben Ode', aadObjectId: '00000000-0000-0000-0000-0000000000b2' };

export type Place =
  | { kind: 'channel'; channelId: string; channelName?: string; thread?: string }
  | { kind: 'personal'; conversationId: string }
  | { kind: 'groupChat'; conversationId: string };

let sequence = 0;

export function activity(serviceUrl: string, place: Place, fields: Record<string, unknown>, from: Person = ANA, tenant = TENANT): Record<string, unknown> {
  const conversation =
    place.kind === 'channel'
      ? { id: place.thread ? `${place.channelId};messageid=${place.thread}` : place.channelId, conversationType: 'channel', isGroup: true, tenantId: tenant }
      : { id: place.conversationId, conversationType: place.kind, tenantId: tenant, ...(place.kind === 'groupChat' ? { isGroup: true } : {}) };
  const channelData =
    place.kind === 'channel'
      ? { tenant: { id: tenant }, team: TEAM, channel: { id: place.channelId, ...(place.channelName ? { name: place.channelName } : {}) } }
      : { tenant: { id: tenant } };
  return {
    id: `incoming-${++sequence}`,
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from,
    recipient: BOT,
    conversation,
    channelData,
    locale: 'en-US',
    ...fields,
  };
}

/** A message to the bot; in a channel it @mentions the bot the way Teams does. */
export function textMessage(serviceUrl: string, place: Place, text: string, from: Person = ANA): Record<string, unknown> {
  const mention = place.kind === 'personal' ? '' : `<at>${BOT.name}</at> `;
  return activity(
    serviceUrl,
    place,
    {
      type: 'message',
      text: `${mention}${text}`,
      textFormat: 'plain',
      entities: mention ? [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }] : [],
    },
    from,
  );
}

/** An Action.Submit from a card the bot posted: Teams sends the action's data merged with the inputs. */
export function cardSubmit(serviceUrl: string, place: Place, replyToId: string, value: Record<string, unknown>, from: Person = ANA): Record<string, unknown> {
  return activity(serviceUrl, place, { type: 'message', replyToId, value }, from);
}

export async function postActivity(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

/** An invoke (message extension, Action.Execute): Teams waits for the HTTP answer. */
export function invokeActivity(serviceUrl: string, place: Place, name: string, value: Record<string, unknown>, from: Person = ANA): Record<string, unknown> {
  return activity(serviceUrl, place, { type: 'invoke', name, value }, from);
}

/** A message @mentioning people as Teams sends it: `<at>Name</at>` in the text, an entity per mention (without aadObjectId, as Teams often sends them). */
export function mentioningMessage(serviceUrl: string, place: Place, parts: (string | Person)[], from: Person = ANA): Record<string, unknown> {
  const base = textMessage(serviceUrl, place, '', from);
  const text = parts.map((p) => (typeof p === 'string' ? p : `<at>${p.name}</at>`)).join('');
  const entities = [
    ...((base.entities as unknown[]) ?? []),
    ...parts.filter((p): p is Person => typeof p !== 'string').map((p) => ({ type: 'mention', text: `<at>${p.name}</at>`, mentioned: { id: p.id, name: p.name } })),
  ];
  return { ...base, text: `${base.text as string}${text}`, entities };
}
