// Local mode's defence against DNS rebinding. Local mode has no login and listens
// on 127.0.0.1 only, but a web page can rebind its own name to 127.0.0.1 and reach
// the socket from the user's browser: its requests still carry its own name in the
// Host header. So in local mode every route answers only loopback names, and the
// Teams emulator door only replies to a loopback serviceUrl (see teams/app.ts).
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.js';

// Exact names only: a suffix match would let `localhost.evil.example` through.
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

export const NOT_LOOPBACK = 'Tenure in local mode only answers on localhost';

/** True when a Host header names this machine (with or without a port). */
export function isLoopbackHost(host: string | undefined): boolean {
  const name = (host ?? '').trim().toLowerCase().replace(/:\d+$/, '');
  return LOOPBACK_NAMES.has(name);
}

/** True for an http(s) URL on this machine; URL parsing settles `127.1`, `0x7f.0.0.1` and `user@host` tricks. */
export function isLoopbackUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && LOOPBACK_NAMES.has(parsed.hostname);
}

/** Express middleware: anything not addressed to a loopback name is refused with 403 before any route sees it. */
export function loopbackOnly(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (isLoopbackHost(req.headers.host)) return next();
    logger.warn({ host: req.headers.host ?? null, method: req.method, path: req.path }, 'refused a request for a name other than localhost (local mode)');
    res.status(403).json({ error: NOT_LOOPBACK });
  };
}
