// The local console: a chat page at / and a small JSON API that the page (and
// scripts) use to type commands, press buttons and submit forms. Local mode only.
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { contextFor, type CommandContext } from '../../../commands/context.js';
import type { Registry } from '../../../commands/registry.js';
import type { Db } from '../../../db/client.js';
import type { Action, Form, Message, Reply, ReplyFile } from '../../messages/message.js';
import { renderPlain } from '../../messages/plain.js';
import type { ConsoleFeed } from './feed.js';
import { PAGE, PAGE_HEADERS } from './page.js';
import { renderHtml } from './render.js';

export const CONSOLE_WORKSPACE_ID = 'local';
export const DEFAULT_CONSOLE_USER = 'ana';
export const DEFAULT_CONSOLE_CHANNEL = 'general';

const userSchema = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}._-]{1,40}$/u, 'user must be a short name of letters, digits, . _ or -')
  .default(DEFAULT_CONSOLE_USER);
const channelSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9._-]{1,60}$/, 'channel must be lower-case letters, digits, . _ or -')
  .default(DEFAULT_CONSOLE_CHANNEL);

const commandBody = z.object({ text: z.string().max(4000, 'text is limited to 4,000 characters'), user: userSchema, channel: channelSchema });
const actionBody = z.object({ id: z.string().min(1).max(100), value: z.string().max(500).default(''), user: userSchema, channel: channelSchema });
const formBody = z.object({
  id: z.string().min(1).max(100),
  values: z.record(z.string().max(5000)).default({}),
  state: z.record(z.string().max(500)).default({}),
  user: userSchema,
  channel: channelSchema,
});

export interface ConsoleMessage {
  text: string;
  html: string;
  visibility: Message['visibility'];
  tone?: Message['tone'];
  actions: Action[];
}

export function toConsoleMessage(message: Message): ConsoleMessage {
  const actions = message.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : []));
  return {
    text: renderPlain(message),
    html: renderHtml(message),
    visibility: message.visibility,
    ...(message.tone ? { tone: message.tone } : {}),
    actions,
  };
}

/** Files a reply offered (CSV exports), served once asked for; the oldest go first. */
class ConsoleFiles {
  private files = new Map<string, ReplyFile>();
  constructor(private readonly keep = 20) {}
  add(file: ReplyFile): string {
    const id = randomBytes(12).toString('hex');
    this.files.set(id, file);
    if (this.files.size > this.keep) this.files.delete(this.files.keys().next().value!);
    return id;
  }
  get(id: string): ReplyFile | undefined {
    return this.files.get(id);
  }
}

type ConsoleFile = { filename: string; title: string; url: string };

function toJson(
  reply: Reply,
  files?: ConsoleFiles,
): { messages: ConsoleMessage[]; form?: Form; update?: ConsoleMessage; deliveries?: { channelId: string; message: ConsoleMessage }[]; files?: ConsoleFile[] } {
  return {
    ...(reply.files?.length && files
      ? { files: reply.files.map((f) => ({ filename: f.filename, title: f.title, url: `/console/files/${files.add(f)}/${encodeURIComponent(f.filename)}` })) }
      : {}),
    messages: reply.messages.map(toConsoleMessage),
    ...(reply.form ? { form: reply.form } : {}),
    ...(reply.update ? { update: toConsoleMessage(reply.update) } : {}),
    ...(reply.deliveries?.length ? { deliveries: reply.deliveries.map((d) => ({ channelId: d.channelId, message: toConsoleMessage(d.message) })) } : {}),
  };
}

export interface ConsoleDeps {
  db: Db;
  registry: Registry;
  timezone: string;
  clock: () => Date;
  /** What jobs posted into console channels (SLA alerts); served at GET /console/feed. */
  feed?: ConsoleFeed;
}

export function consoleRouter(deps: ConsoleDeps): Router {
  const router = express.Router();
  // The console has no login: it is a developer's tool on their own machine. The
  // shared server answers only loopback host names in local mode (http/loopback.ts:
  // a DNS-rebinding page cannot reach it), and only JSON bodies are taken here (a
  // cross-site form post cannot send one).
  const guard = (req: Request, res: Response, next: () => void) => {
    if (req.method === 'POST' && !req.is('application/json')) {
      res.status(415).json({ error: 'send a JSON body with Content-Type: application/json' });
      return;
    }
    next();
  };
  router.use('/console', guard, express.json({ limit: '64kb' }));

  const context = (user: string, channel: string): Promise<CommandContext> =>
    contextFor(
      deps.db,
      {
        platform: 'console',
        workspaceExternalId: CONSOLE_WORKSPACE_ID,
        workspaceName: 'Demo workspace',
        defaultTimezone: deps.timezone,
        userId: user.toLowerCase(),
        userName: user,
        channelId: channel,
        channelName: channel,
      },
      deps.clock(),
    );

  const bad = (res: Response, error: z.ZodError) => {
    const issue = error.issues[0]!;
    res.status(400).json({ error: `${issue.path.join('.') || 'body'}: ${issue.message}` });
  };

  router.get('/', (_req: Request, res: Response) => {
    res.type('html').set(PAGE_HEADERS).send(PAGE);
  });

  const feedQuery = z.object({ channel: channelSchema, after: z.coerce.number().int().min(0).default(0) });
  router.get('/console/feed', (req: Request, res: Response) => {
    const query = feedQuery.safeParse(req.query);
    if (!query.success) return bad(res, query.error);
    const { entries, last } = deps.feed?.since(query.data.channel, query.data.after) ?? { entries: [], last: query.data.after };
    res.set('Cache-Control', 'no-store').json({ messages: entries.map((e) => ({ seq: e.seq, at: e.at.toISOString(), ...toConsoleMessage(e.message) })), last });
  });

  const files = new ConsoleFiles();
  router.get('/console/files/:id/:name', (req: Request, res: Response) => {
    const file = files.get(String(req.params.id));
    if (!file) {
      res.status(404).json({ error: 'that file is gone: run the export again' });
      return;
    }
    res.type(file.mimeType).attachment(file.filename).set('Cache-Control', 'no-store').send(file.content);
  });

  router.post('/console/command', async (req: Request, res: Response) => {
    const body = commandBody.safeParse(req.body ?? {});
    if (!body.success) return bad(res, body.error);
    const ctx = await context(body.data.user, body.data.channel);
    res.json(toJson(await deps.registry.run(ctx, body.data.text), files));
  });

  router.post('/console/action', async (req: Request, res: Response) => {
    const body = actionBody.safeParse(req.body ?? {});
    if (!body.success) return bad(res, body.error);
    const ctx = await context(body.data.user, body.data.channel);
    res.json(toJson(await deps.registry.press(ctx, body.data.id, body.data.value)));
  });

  router.post('/console/form', async (req: Request, res: Response) => {
    const body = formBody.safeParse(req.body ?? {});
    if (!body.success) return bad(res, body.error);
    const ctx = await context(body.data.user, body.data.channel);
    const result = await deps.registry.submit(ctx, body.data.id, body.data.values, body.data.state);
    res.json(result.ok ? { ok: true, ...toJson(result.reply) } : { ok: false, errors: result.errors });
  });

  return router;
}
