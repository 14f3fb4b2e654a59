// Every connector's HTTP calls to its PSA: JSON over fetch, with the PSA's 429
// (waiting what Retry-After says, within a cap) and 5xx or a refused connection
// retried with exponential backoff; 401/403 is a SourceAuthError at once (retrying
// bad credentials only locks the account). Errors name the method, the path and
// the status, never a header or the query string (which may carry a key).
import { SourceAuthError, SourceUnavailableError } from '../core/ticket-sources.js';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** The first backoff; doubled each time. */
  baseDelayMs: number;
  /** No wait (Retry-After included) is longer than this. */
  maxDelayMs: number;
  /** How to wait (tests pass one that records the waits and returns at once). */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 60_000 };

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface PsaRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as application/x-www-form-urlencoded (OAuth token requests). */
  form?: Record<string, string>;
}

/** The request as errors and logs may show it: no query, no credentials. */
const described = (r: PsaRequest) => `${r.method ?? 'GET'} ${new URL(r.url).pathname}`;

/** Sends a request with the retries above; the parsed JSON body and the response's headers. */
export async function psaJson<T>(request: PsaRequest, retry: RetryPolicy = DEFAULT_RETRY): Promise<{ body: T; headers: Headers }> {
  const sleep = retry.sleep ?? sleepFor;
  let last = '';
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: request.method ?? 'GET',
        headers: {
          accept: 'application/json',
          ...(request.body !== undefined ? { 'content-type': 'application/json' } : request.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...request.headers,
        },
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : request.form ? { body: new URLSearchParams(request.form).toString() } : {}),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      last = `${described(request)}: ${(err as Error).name === 'TimeoutError' ? 'timed out' : 'could not connect'}`;
      if (attempt < retry.attempts) await sleep(Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1)));
      continue;
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new SourceAuthError(response.status, described(request));
    }
    if (response.status === 429 || response.status >= 500) {
      const wait = response.status === 429 ? retryAfterMs(response.headers.get('retry-after')) : undefined;
      await response.body?.cancel();
      last = `${described(request)} answered ${response.status}`;
      if (attempt < retry.attempts) await sleep(Math.min(retry.maxDelayMs, wait ?? retry.baseDelayMs * 2 ** (attempt - 1)));
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`${described(request)} answered ${response.status}`);
    }
    const text = await response.text();
    return { body: (text === '' ? undefined : JSON.parse(text)) as T, headers: response.headers };
  }
  throw new SourceUnavailableError(`${last} (${retry.attempts} tries)`);
}
