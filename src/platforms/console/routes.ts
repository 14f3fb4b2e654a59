// The local console's HTTP door: a chat page at / and a small JSON API that the
// page (and scripts) use to type commands, press buttons and submit forms. Local
// mode only. Who is asking and how a reply is answered are the adapter's
// (adapter.ts); this file parses requests.
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { CommandContext } from '../../../commands/context.js';
import type { Registry } from '../../../commands/registry.js';
import { submitForm } from '../requests.js';
import type { ConsoleFeed } from './feed.js';
import { PAGE, PAGE_HEADERS } from './page.js';
import { toConsoleMessage } from './render.js';
import type { ConsoleFiles, ConsoleReplyDelivery } from './reply.js';

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

// Texts are bounded by the JSON body limit (64 kB) only: how long a command, a note or a
// reason may be is the command's own rule, answered in the same words on every platform
// (registry.ts COMMAND_MAX_CHARS, parse.ts lengthProblem), not a 400 from this door.
const commandBody = z.object({ text: z.string(), user: userSchema, channel: channelSchema });
const actionBody = z.object({ id: z.string().min(1).max(100), value: z.string().max(500).default(''), user: userSchema, channel: channelSchema });
const formBody = z.object({
  id: z.string().min(1).max(100),
  values: z.record(z.string()).default({}),
  state: z.record(z.string().max(500)).default({}),
  user: userSchema,
  channel: channelSchema,
});

/** A console user in a console channel, as a request names them. */
export interface ConsolePerson {
  user: string;
  channel: string;
}

export interface ConsoleDeps {
  registry: Registry;
  clock: () => Date;
  /** What jobs posted into console channels (SLA alerts); served at GET /console/feed. */
  feed: ConsoleFeed;
  /** Files replies offered, served at GET /console/files. */
  files: ConsoleFiles;
  resolvePerson: (person: ConsolePerson, now: Date) => Promise<CommandContext>;
  deliverReply: ConsoleReplyDelivery;
  /** The console workspace's channels with their kinds (customer, internal), for the channel picker. */
  channels: () => Promise<ConsoleChannel[]>;
}

/** A channel in the console's picker. */
export interface ConsoleChannel {
  id: string;
  /** What the picker shows: `#acme-corp — customer channel · Acme Corp`. */
  label: string;
  kind: 'customer' | 'internal' | 'unlinked';
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

  const context = (user: string, channel: string) => deps.resolvePerson({ user, channel }, deps.clock());
  const answerWith = (res: Response) => (answer: object) => void res.json(answer);

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
    const { entries, last } = deps.feed.since(query.data.channel, query.data.after);
    res.set('Cache-Control', 'no-store').json({ messages: entries.map((e) => ({ seq: e.seq, at: e.at.toISOString(), ...toConsoleMessage(e.message) })), last });
  });

  router.get('/console/channels', async (_req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store').json({ channels: await deps.channels() });
  });

  router.get('/console/files/:id/:name', (req: Request, res: Response) => {
    const file = deps.files.get(String(req.params.id));
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
    await deps.deliverReply(await deps.registry.run(ctx, body.data.text), answerWith(res));
  });

  router.post('/console/action', async (req: Request, res: Response) => {
    const body = actionBody.safeParse(req.body ?? {});
    if (!body.success) return bad(res, body.error);
    const ctx = await context(body.data.user, body.data.channel);
    await deps.deliverReply(await deps.registry.press(ctx, body.data.id, body.data.value), answerWith(res));
  });

  router.post('/console/form', async (req: Request, res: Response) => {
    const body = formBody.safeParse(req.body ?? {});
    if (!body.success) return bad(res, body.error);
    const ctx = await context(body.data.user, body.data.channel);
    const result = await submitForm(deps.registry, { ctx }, { formId: body.data.id, values: body.data.values, state: body.data.state });
    if (result.ok) await deps.deliverReply(result.reply, (answer) => res.json({ ok: true, ...answer }));
    else res.json({ ok: false, errors: result.errors });
  });

  return router;
}
