// A local stand-in for Slack: the Web API (POST /api/<method>) and response_url
// endpoints (POST /respond/<id>), recording every call, with scripted failures;
// shared files (files.info, and GET /download/<id>/<name> for the bot token only).
// Plus helpers that sign requests the way Slack does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { slackSignature } from '../../src/platforms/slack/verify.js';
import { closeNow, listenOnLoopback, queueFailures } from './loopback-server.js';

export interface RecordedCall {
  method: string;
  /** Form fields or JSON body; JSON-looking form values (blocks, view) are parsed. */
  body: Record<string, unknown>;
  at: number;
}

/** A file someone shared, as files.info describes it and /download serves it. */
export interface FakeFile {
  id: string;
  name: string;
  content: string | Buffer;
  mimetype?: string;
  /** The uploader's team (Slack Connect files come from another). */
  team?: string;
  /** What files.info says the size is (defaults to the content's). */
  size?: number;
}

/** A call the fake has not answered yet (see FakeSlack.hold). */
export interface HeldCall {
  arrived: Promise<RecordedCall>;
  /** Resolves when the caller hangs up before an answer (e.g. it was killed). */
  abandoned: Promise<void>;
  /** Answers the call; false when its caller has gone away meanwhile (then it never counted). */
  release(): boolean;
}

interface ScriptedFailure {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('application/json')) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    try {
      out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
    } catch {
      out[k] = v;
    }
  }
  return out;
}

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  /** Display names users.info answers with. */
  readonly profiles = new Map<string, string>();
  /** conversations.info's sharing fields per channel id (Slack Connect); other channels are not shared. */
  readonly channelSharing = new Map<string, Record<string, boolean>>();
  /** Files by id, for files.info and downloads. */
  readonly files = new Map<string, FakeFile>();
  /** The bearer token downloads must carry (the bot token); anything else gets Slack's sign-in page. */
  fileToken = 'xoxb-test-token';
  /** Whose bot token auth.test says it is: the workspace the tests' requests come from. */
  botTeam: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean } = { teamId: 'T1' };
  private readonly failures = new Map<string, ScriptedFailure[]>();
  private readonly holds = new Map<string, { arrive(call: RecordedCall, res: ServerResponse): void }[]>();
  private server!: Server;
  private counter = 0;
  url = '';

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const body = await readBody(req);
      const path = (req.url ?? '').split('?')[0]!;
      if (req.method === 'GET' && path.startsWith('/download/')) {
        const id = decodeURIComponent(path.split('/')[2] ?? '');
        this.calls.push({ method: `download/${id}`, body: { authorization: req.headers.authorization ?? '' }, at: Date.now() });
        const file = this.files.get(id);
        if (!file || req.headers.authorization !== `Bearer ${this.fileToken}`) {
          // What Slack does for a missing or unauthorised token: a sign-in page, status 200.
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end('<!DOCTYPE html><html><body>Sign in to Slack</body></html>');
          return;
        }
        res.writeHead(200, { 'content-type': file.mimetype ?? 'text/csv' });
        res.end(file.content);
        return;
      }
      const method = path.startsWith('/api/') ? path.slice(5) : path.slice(1);
      const held = this.holds.get(method)?.shift();
      if (held) {
        held.arrive({ method, body, at: Date.now() }, res);
        return;
      }
      this.calls.push({ method, body, at: Date.now() });
      const failure = this.failures.get(method)?.shift();
      if (failure) {
        res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
        res.end(JSON.stringify(failure.body ?? { ok: false, error: 'scripted_failure' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(this.answer(method, body)));
    });
    this.url = await listenOnLoopback(this.server);
  }

  async stop(): Promise<void> {
    await closeNow(this.server);
  }

  /** The next `count` calls of `method` fail this way. */
  failNext(method: string, failure: ScriptedFailure, count = 1): void {
    queueFailures(this.failures, method, failure, count);
  }

  /**
   * The next call of `method` gets no answer until released. It is recorded in
   * `calls` only when answered: a call whose caller went away unanswered (killed
   * while waiting) counts as one Slack never carried out.
   */
  hold(method: string): HeldCall {
    let arrived!: (call: RecordedCall) => void;
    let abandoned!: () => void;
    let pending: { call: RecordedCall; res: ServerResponse } | undefined;
    let answered = false;
    const handle: HeldCall = {
      arrived: new Promise<RecordedCall>((resolve) => (arrived = resolve)),
      abandoned: new Promise<void>((resolve) => (abandoned = resolve)),
      release: () => {
        if (!pending || pending.res.destroyed || pending.res.socket?.destroyed !== false) return false;
        answered = true;
        this.calls.push(pending.call);
        pending.res.writeHead(200, { 'content-type': 'application/json' });
        pending.res.end(JSON.stringify(this.answer(pending.call.method, pending.call.body)));
        return true;
      },
    };
    const list = this.holds.get(method) ?? [];
    list.push({
      arrive: (call, res) => {
        pending = { call, res };
        res.on('close', () => {
          if (!answered) abandoned();
        });
        arrived(call);
      },
    });
    this.holds.set(method, list);
    return handle;
  }

  responseUrl(): string {
    return `${this.url}/respond/${++this.counter}`;
  }

  of(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method || (method === 'respond' && c.method.startsWith('respond/')));
  }

  async waitFor(method: string, count = 1, timeoutMs = 10_000): Promise<RecordedCall[]> {
    const began = Date.now();
    while (this.of(method).length < count) {
      if (Date.now() - began > timeoutMs) throw new Error(`waited ${timeoutMs} ms for ${count} × ${method}; saw ${this.calls.map((c) => c.method).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.of(method);
  }

  /** Adds a file as if someone had uploaded it; returns its files.info description. */
  shareFile(file: FakeFile): Record<string, unknown> {
    this.files.set(file.id, file);
    return this.describe(file);
  }

  /** The file object Slack puts in files.info answers and file_share events. */
  describe(file: FakeFile): Record<string, unknown> {
    const csv = /\.csv$/i.test(file.name);
    return {
      id: file.id,
      name: file.name,
      title: file.name,
      mimetype: file.mimetype ?? (csv ? 'text/csv' : 'application/octet-stream'),
      filetype: csv ? 'csv' : 'binary',
      size: file.size ?? Buffer.byteLength(file.content),
      user_team: file.team ?? 'T1',
      url_private: `${this.url}/download/${file.id}/${encodeURIComponent(file.name)}`,
      url_private_download: `${this.url}/download/${file.id}/${encodeURIComponent(file.name)}`,
    };
  }

  private answer(method: string, body: Record<string, unknown>): unknown {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://example.slack.com/',
          team: 'Example',
          user: 'tenure',
          ...(this.botTeam.teamId ? { team_id: this.botTeam.teamId } : {}),
          ...(this.botTeam.enterpriseId ? { enterprise_id: this.botTeam.enterpriseId } : {}),
          is_enterprise_install: this.botTeam.isEnterpriseInstall === true,
          user_id: 'UBOT',
          bot_id: 'BBOT',
        };
      case 'users.info': {
        const id = String(body.user);
        const name = this.profiles.get(id) ?? id.toLowerCase();
        return { ok: true, user: { id, name, profile: { display_name: name, real_name: name } } };
      }
      case 'conversations.info': {
        const id = String(body.channel);
        return { ok: true, channel: { id, name: id.toLowerCase(), is_channel: true, is_shared: false, is_ext_shared: false, is_org_shared: false, ...this.channelSharing.get(id) } };
      }
      case 'chat.postMessage':
        return { ok: true, channel: body.channel, ts: `${Date.now() / 1000}`, message: { text: body.text } };
      case 'chat.getPermalink':
        return { ok: true, channel: body.channel, permalink: `https://example.slack.com/archives/${String(body.channel)}/p${String(body.message_ts).replace('.', '')}` };
      case 'files.getUploadURLExternal': {
        // files.uploadV2 then sends the bytes to upload_url (recorded as upload/<id>).
        const id = `F${++this.counter}`;
        return { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id };
      }
      case 'files.info': {
        const file = this.files.get(String(body.file));
        if (!file) return { ok: false, error: 'file_not_found' };
        return { ok: true, file: this.describe(file) };
      }
      case 'views.open':
      case 'views.publish':
        return { ok: true, view: { id: `V${++this.counter}` } };
      case 'oauth.v2.access':
        return {
          ok: true,
          access_token: `xoxb-installed-${String(body.code)}`,
          token_type: 'bot',
          scope: 'commands,chat:write,users:read,channels:read',
          bot_user_id: 'UBOT',
          app_id: 'A1',
          team: { id: `T_${String(body.code).toUpperCase()}`, name: `Team ${String(body.code)}` },
          enterprise: null,
          is_enterprise_install: false,
          authed_user: { id: 'U_INSTALLER' },
        };
      default:
        return { ok: true };
    }
  }
}

export interface SignedOptions {
  secret: string;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  retryNum?: number;
}

export function signedHeaders(body: string, contentType: string, options: SignedOptions): Record<string, string> {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  return {
    'content-type': contentType,
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': slackSignature(options.secret, timestamp, body),
    ...(options.retryNum !== undefined ? { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' } : {}),
  };
}

export async function postSigned(url: string, body: string, contentType: string, options: SignedOptions): Promise<{ status: number; text: string; json: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: signedHeaders(body, contentType, options), body });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

export const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** Who sends a slash command, and where: a team, user and channel of the tests' workspace unless given. */
export interface SlashSender {
  team?: string;
  user?: string;
  channel?: string;
  channelName?: string;
  /** Where Slack would take a late answer; the fake Slack's responseUrl(). */
  responseUrl: string;
}

/** The form body of a slash command as Slack sends it (unsigned: postSigned signs it). */
export function slashForm(command: string, text: string, sender: SlashSender): string {
  return form({
    token: 'legacy',
    team_id: sender.team ?? 'T1',
    team_domain: (sender.team ?? 'T1').toLowerCase(),
    channel_id: sender.channel ?? 'C1',
    channel_name: sender.channelName ?? 'cs-ops',
    user_id: sender.user ?? 'U1',
    user_name: 'ana',
    command,
    text,
    response_url: sender.responseUrl,
    trigger_id: `trigger-${Math.random()}`,
    api_app_id: 'A1',
  });
}
