// Request body limits for every HTTP entry point, enforced before any route runs.
// A body whose declared Content-Length is over its path's limit is answered 413 at
// once, without reading a byte of it, and the connection is closed rather than
// drained (body-parser, left alone, reads a too-large body to its end before it
// answers). Routes keep their own parser limits — the same numbers — which also
// cover chunked bodies that declare no length.
import type { NextFunction, Request, Response } from 'express';

const KiB = 1024;
const MiB = 1024 * KiB;

export interface BodyLimit {
  /** Path prefix the limit applies to; the longest matching prefix wins. */
  prefix: string;
  bytes: number;
}

export const BODY_LIMITS: readonly BodyLimit[] = [
  // Slack's own payloads (slash commands, interactions, events) are far smaller.
  { prefix: '/slack/', bytes: 1 * MiB },
  // Bot Framework activities, including a submitted form card.
  { prefix: '/api/messages', bytes: 1 * MiB },
  // The ingest API: 1,000 rows of usage are ~200 KB.
  { prefix: '/api/v1/', bytes: 1 * MiB },
  // PSA webhooks (src/psa/webhook-router.ts): one ticket's payload, a few KB; ConnectWise's carries the whole ticket.
  { prefix: '/psa/', bytes: 256 * KiB },
  // The console: a typed command is at most 4,000 characters, a form a few fields.
  { prefix: '/console/', bytes: 64 * KiB },
];

/** Anything else (health check, OAuth redirects, unknown paths) takes no body worth the name. */
export const DEFAULT_BODY_LIMIT = 16 * KiB;

export function bodyLimitFor(path: string, limits: readonly BodyLimit[] = BODY_LIMITS): number {
  let best: BodyLimit | undefined;
  for (const limit of limits) if (path.startsWith(limit.prefix) && (!best || limit.prefix.length > best.prefix.length)) best = limit;
  return best?.bytes ?? DEFAULT_BODY_LIMIT;
}

const human = (bytes: number) => (bytes >= MiB ? `${bytes / MiB} MB` : `${bytes / KiB} KB`);

/**
 * The middleware: 413 for a declared length over the path's limit. (Node's HTTP
 * parser has already refused a Content-Length that is not a number.)
 */
export function limitRequestBodies(limits: readonly BodyLimit[] = BODY_LIMITS) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const declared = req.headers['content-length'];
    const limit = bodyLimitFor(req.path, limits);
    if (declared === undefined || Number(declared) <= limit) return next();
    // Closing (not draining) the connection: the client gets the answer now and the rest is never read.
    res.set('Connection', 'close').status(413).json({ error: `request body too large: at most ${human(limit)} here` });
  };
}
