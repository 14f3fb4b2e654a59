// Posting to Slack without ever posting twice. The Web API client is built with
// no blanket retries (a 500 or a time-out may have posted already); a post is
// retried only when Slack proves nothing was posted: 429 with Retry-After, or a
// connection that was refused before the request was sent.
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../log.js';

/** Web API client options for every client Tenure builds. */
export function slackClientOptions(apiUrl: string | undefined) {
  return {
    ...(apiUrl ? { slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  };
}

interface SlackErrorShape {
  code?: string;
  retryAfter?: number;
  original?: { code?: string; cause?: { code?: string } };
}

/** Seconds to wait before a retry that cannot double a post, or null: do not retry. */
export function provablyNotPosted(err: unknown): number | null {
  const e = err as SlackErrorShape;
  if (e?.code === 'slack_webapi_rate_limited_error') return Math.max(0, Number(e.retryAfter ?? 1));
  if (e?.code === 'slack_webapi_request_error') {
    const cause = e.original?.code ?? e.original?.cause?.code;
    if (cause === 'ECONNREFUSED') return 1;
  }
  return null;
}

export interface PostOptions {
  logger: Logger;
  attempts?: number;
  /** Waits; tests shorten it. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs a posting call with the retry rule above. */
export async function postOnce<T>(call: () => Promise<T>, options: PostOptions): Promise<T> {
  const attempts = options.attempts ?? 4;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const wait = provablyNotPosted(err);
      if (wait === null || attempt >= attempts) throw err;
      options.logger.warn({ attempt, waitSeconds: wait, code: (err as SlackErrorShape).code }, 'Slack did not take the post; retrying');
      await sleep(Math.min(wait, 60) * 1000);
    }
  }
}

export type ChatClient = Pick<WebClient, 'chat'>;
