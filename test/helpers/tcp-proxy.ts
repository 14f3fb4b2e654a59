// A TCP proxy between a Tenure process and its database that the test controls:
// hold what the app sends (a slow network), cut every connection and refuse new
// ones (the database host going away), restore.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { sleep } from './processes.js';

/** PostgreSQL's ReadyForQuery message with status 'T': the session is inside a transaction block. */
const READY_IN_TRANSACTION = Buffer.from([0x5a, 0, 0, 0, 5, 0x54]);

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Bytes from the app held back while the proxy holds. */
  queue: Buffer[];
}

/**
 * Sits between the app and PostgreSQL. `hold()` stops forwarding what the app
 * sends (its queries wait, as on a slow network) until `release()`; `cut()` drops
 * every connection and refuses new ones, like a database host going away;
 * `restore()` listens again on the same port.
 */
export class TcpProxy {
  port = 0;
  private server: Server | undefined;
  private readonly pairs = new Set<Pair>();
  private holding = false;
  private inTransaction: (() => void) | undefined;
  /** Connections accepted since start (the app's pool reconnecting shows here). */
  accepted = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  static to(url: string): TcpProxy {
    const u = new URL(url);
    return new TcpProxy({ host: u.hostname, port: Number(u.port || 5432) });
  }

  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  async start(): Promise<void> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
  }

  private accept(client: Socket): void {
    this.accepted++;
    const upstream = connect(this.target.port, this.target.host);
    const pair: Pair = { client, upstream, queue: [] };
    this.pairs.add(pair);
    client.on('data', (chunk: Buffer) => (this.holding ? pair.queue.push(chunk) : upstream.write(chunk)));
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      if (chunk.includes(READY_IN_TRANSACTION)) this.inTransaction?.();
    });
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  }

  /** Bytes the app has sent that the proxy is holding back. */
  heldBytes(): number {
    let n = 0;
    for (const p of this.pairs) for (const b of p.queue) n += b.length;
    return n;
  }

  connections(): number {
    return this.pairs.size;
  }

  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const p of this.pairs) {
      for (const chunk of p.queue.splice(0)) p.upstream.write(chunk);
    }
  }

  /**
   * The outage. With `midTransaction`, it waits until some connection is inside
   * a transaction (the server said so in ReadyForQuery), so at least one
   * transaction is cut half-way. Then nothing more reaches the server for
   * `settleMs`, so every statement it has already run has its answer delivered
   * (a real cut may also lose the answer to a COMMIT the server did run; no
   * client can tell that from a lost COMMIT, so the test does not model it).
   * Then every connection is dropped, with the statements sent meanwhile
   * unanswered, and new connections are refused.
   */
  async cut(options: { midTransaction?: boolean; settleMs?: number } = {}): Promise<void> {
    if (options.midTransaction) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no connection entered a transaction within 30 s')), 30_000);
        this.inTransaction = () => {
          clearTimeout(timer);
          this.inTransaction = undefined;
          this.hold();
          resolve();
        };
      });
    }
    this.hold();
    const settleMs = options.settleMs ?? 200;
    await sleep(settleMs);
    await new Promise<void>((resolve) => {
      this.server!.close(() => resolve());
      for (const p of [...this.pairs]) {
        p.client.destroy();
        p.upstream.destroy();
        this.pairs.delete(p);
      }
    });
    this.holding = false;
  }

  /** The database is back: the same port accepts again. */
  async restore(): Promise<void> {
    await this.start();
  }

  async stop(): Promise<void> {
    for (const p of [...this.pairs]) {
      p.client.destroy();
      p.upstream.destroy();
    }
    this.pairs.clear();
    if (this.server?.listening) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
