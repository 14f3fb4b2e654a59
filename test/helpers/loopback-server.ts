import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// The fake platforms (fake-slack.ts, fake-teams.ts) serve the same way: on a port the OS picks,
// on loopback only, and stopped at once at the end of a suite.

/** Listens on a free loopback port; the server's base URL. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes the server without waiting for kept-alive connections (Tenure's HTTP clients keep them open). */
export async function closeNow(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Scripts the next `count` answers for `key` (a method, a kind of call) to fail this way. */
export function queueFailures<K, F>(failures: Map<K, F[]>, key: K, failure: F, count: number): void {
  const list = failures.get(key) ?? [];
  for (let i = 0; i < count; i++) list.push(failure);
  failures.set(key, list);
}
