// How the process serves HTTP and stops serving it. Every request gets an id (a
// sane X-Request-Id from the load balancer, else a new one), echoed in the answer
// and on every log line written while serving it. On shutdown the listener drains:
// the port closes, idle keep-alive connections close now and busy ones right after
// their answer (Node's server.close() alone leaves them open, still taking new
// requests, until their keep-alive timeout).
import { randomBytes } from 'node:crypto';
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { withRequestId } from './log.js';

const GIVEN_REQUEST_ID = /^[\w.:-]{1,64}$/;

/**
 * 12 random hex digits. The random bytes are drawn a thousand ids at a time, as Node
 * does for randomUUID(): one randomBytes() call per request was 1-2% of the server's
 * CPU under the load benchmark.
 */
const ID_BYTES = 6;
let idPool = Buffer.alloc(0);
let idOffset = 0;
function newRequestId(): string {
  if (idOffset + ID_BYTES > idPool.length) {
    idPool = randomBytes(ID_BYTES * 1024);
    idOffset = 0;
  }
  idOffset += ID_BYTES;
  return idPool.toString('hex', idOffset - ID_BYTES, idOffset);
}

/** Work that outlives its HTTP answer (Slack listeners after their ack): shutdown waits for it. */
export class InFlight {
  private readonly work = new Set<Promise<unknown>>();

  track<T>(promise: Promise<T>): Promise<T> {
    this.work.add(promise);
    const forget = () => this.work.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  get size(): number {
    return this.work.size;
  }

  /** Resolves once nothing is tracked, including work that started while waiting. */
  async idle(): Promise<void> {
    while (this.work.size > 0) await Promise.allSettled([...this.work]);
  }
}

export interface Listener {
  server: Server;
  /** Stops accepting and closes connections as their answers go out; resolves when all are closed. */
  drain(): Promise<void>;
  /** Closes every connection now, answered or not (after the drain deadline). */
  cut(): void;
}

export function listen(handler: RequestListener, port: number, host?: string): Promise<Listener> {
  const unanswered = new Set<ServerResponse>();
  let draining = false;
  const server = createServer((req, res) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && GIVEN_REQUEST_ID.test(given) ? given : newRequestId();
    res.setHeader('x-request-id', requestId);
    if (draining) res.setHeader('connection', 'close');
    unanswered.add(res);
    res.on('close', () => {
      unanswered.delete(res);
      // The connection is idle once its answer is out: close it rather than wait for its keep-alive timeout.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
    withRequestId(requestId, () => handler(req, res));
  });
  const listener: Listener = {
    server,
    drain() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Answers still to come say so, so clients do not send more on those connections.
      for (const res of unanswered) if (!res.headersSent) res.setHeader('connection', 'close');
      server.closeIdleConnections();
      return closed;
    },
    cut() {
      server.closeAllConnections();
    },
  };
  return new Promise<Listener>((resolve, reject) => {
    server.once('error', reject);
    const ready = () => {
      server.off('error', reject);
      resolve(listener);
    };
    if (host) server.listen(port, host, ready);
    else server.listen(port, ready);
  });
}
