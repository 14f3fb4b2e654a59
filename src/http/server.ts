// The one HTTP server every adapter hangs off (Express, as Bolt's ExpressReceiver
// and the Teams AI adapter both expect): in local mode the loopback Host check,
// body size limits, health check, adapters' routes, and answers in JSON for
// anything that goes wrong.
import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Database } from '../../db/client.js';
import { isUnavailable, UnavailableError } from '../core/errors.js';
import type { Logger } from '../log.js';
import { limitRequestBodies } from './body-limit.js';
import { loopbackOnly } from './loopback.js';

export interface HttpDeps {
  database: Database;
  logger: Logger;
  routers: Router[];
  /**
   * Local mode: answer only requests addressed to localhost, on every route. /healthz
   * included: a server listening on 127.0.0.1 is only probed from this machine, which
   * uses a loopback name anyway.
   */
  loopbackOnly?: boolean;
}

export function createHttpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (deps.loopbackOnly) app.use(loopbackOnly(deps.logger));
  // Then: a too-large body is refused before any route, parser or SDK sees it.
  app.use(limitRequestBodies());

  app.get('/healthz', async (_req: Request, res: Response) => {
    try {
      await withTimeout(deps.database.ping(), 2_000);
      res.json({ status: 'ok', db: 'ok' });
    } catch (err) {
      deps.logger.warn({ err }, 'health check: database not answering');
      res.status(503).json({ status: 'unavailable', db: 'unavailable' });
    }
  });

  for (const router of deps.routers) app.use(router);

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not found' });
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
    if (status === 400 || status === 413 || status === 415) {
      // body-parser's errors: malformed JSON, too large, wrong type.
      const message = status === 413 ? 'request body too large' : status === 415 ? 'unsupported content type' : 'malformed JSON body';
      res.status(status).json({ error: message });
      return;
    }
    if (isUnavailable(err)) {
      deps.logger.error({ err, method: req.method, path: req.path }, 'database unavailable');
      if (!res.headersSent) res.status(503).json({ error: new UnavailableError().message });
      return;
    }
    const errorId = randomBytes(4).toString('hex');
    deps.logger.error({ err, errorId, method: req.method, path: req.path }, 'request failed');
    if (!res.headersSent) res.status(500).json({ error: `internal error (error id ${errorId})` });
  });

  return app;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
