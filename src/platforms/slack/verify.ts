// Request checks in front of Bolt's own: Bolt accepts timestamps in the future and
// would run the same signed request twice. Here a request must be signed with the
// signing secret, stamped within 5 minutes either way, and never seen before.
// The raw body is handed on as req.rawBody, which Bolt's receiver reads.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import getRawBody from 'raw-body';
import type { Logger } from '../../log.js';

const MAX_SKEW_SECONDS = 5 * 60;
/** Slack's own payloads are far smaller; a bigger body is refused before any work. */
export const SLACK_BODY_LIMIT = '1mb';

export interface VerifyOptions {
  signingSecret: string;
  logger: Logger;
  /** The clock; tests move it. */
  now?: () => number;
}

export function slackSignature(signingSecret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

const BUCKET_MS = 60_000;

/**
 * Seen signatures, remembered for as long as their timestamp could still pass (up
 * to a minute longer). They are kept in one set per minute of expiry, so forgetting
 * is dropping whole sets that have expired: constant work per request however many
 * are remembered (sweeping one map of them all on every request once it held 10,000
 * cost more than the rest of a command at a few hundred commands a second).
 */
export class SeenSignatures {
  private readonly byExpiryMinute = new Map<number, Set<string>>();

  /** True when the signature was new (and is now remembered). */
  remember(signature: string, expiresAtMs: number, nowMs: number): boolean {
    for (const [minute, signatures] of this.byExpiryMinute) {
      // A set holds signatures expiring before the end of its minute.
      if ((minute + 1) * BUCKET_MS <= nowMs) this.byExpiryMinute.delete(minute);
      else if (signatures.has(signature)) return false;
    }
    if (expiresAtMs <= nowMs) return true;
    const minute = Math.floor(expiresAtMs / BUCKET_MS);
    let bucket = this.byExpiryMinute.get(minute);
    if (!bucket) {
      bucket = new Set();
      this.byExpiryMinute.set(minute, bucket);
    }
    bucket.add(signature);
    return true;
  }

  /** How many are remembered (tests). */
  get size(): number {
    let n = 0;
    for (const signatures of this.byExpiryMinute.values()) n += signatures.size;
    return n;
  }
}

export function verifySlackRequests(options: VerifyOptions) {
  const seen = new SeenSignatures();
  const clock = options.now ?? Date.now;
  const refuse = (res: Response, reason: string, req: Request) => {
    options.logger.warn({ reason, path: req.path, ip: req.ip }, 'refused a Slack request');
    res.status(401).json({ error: 'invalid request signature' });
  };

  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    let raw: Buffer;
    try {
      raw = await getRawBody(req, { limit: SLACK_BODY_LIMIT });
    } catch (err) {
      const status = (err as { status?: number }).status === 413 ? 413 : 400;
      res.status(status).json({ error: status === 413 ? 'request body too large' : 'unreadable body' });
      return;
    }
    const timestamp = String(req.headers['x-slack-request-timestamp'] ?? '');
    const signature = String(req.headers['x-slack-signature'] ?? '');
    const nowMs = clock();
    if (!/^\d{1,12}$/.test(timestamp)) return refuse(res, 'missing timestamp', req);
    const skew = Math.floor(nowMs / 1000) - Number(timestamp);
    if (skew > MAX_SKEW_SECONDS) return refuse(res, 'stale timestamp', req);
    if (skew < -MAX_SKEW_SECONDS) return refuse(res, 'timestamp in the future', req);
    const expected = Buffer.from(slackSignature(options.signingSecret, timestamp, raw.toString('utf8')));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse(res, 'signature mismatch', req);
    if (!seen.remember(signature, (Number(timestamp) + MAX_SKEW_SECONDS) * 1000, nowMs)) return refuse(res, 'replayed request', req);
    (req as Request & { rawBody?: Buffer }).rawBody = raw;
    next();
  };
}
