// The logger: pino, with secrets kept out of every line in two ways. Known places
// where a secret sits in a logged object are redacted by path. And because a
// secret can also travel inside text — a failed query's message carries its
// parameters (a Slack installation's bot token among them), an SDK stringifies an
// error, a URL carries a password — every finished line is scrubbed before it is
// written: the configured secret values, Slack tokens, bearer tokens and URL
// passwords become [redacted]. Lines written while serving an HTTP request carry
// its id (withRequestId).
import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

const CENSOR = '[redacted]';

export const REDACT_PATHS = [
  'token',
  'botToken',
  'appToken',
  'password',
  'authorization',
  '*.token',
  '*.botToken',
  '*.userToken',
  '*.appToken',
  '*.refreshToken',
  '*.signingSecret',
  '*.clientSecret',
  '*.client_secret',
  '*.stateSecret',
  '*.appPassword',
  '*.password',
  '*.authorization',
  '*.apiToken',
  '*.bot.token',
  '*.user.token',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-slack-signature"]',
  'err.config.headers.Authorization',
  'err.config.headers.authorization',
  'config.slack',
  'config.teams.appPassword',
  'config.apiToken',
  'config.secretKey',
  'config.database.url',
];

// Shapes that are secret wherever they appear: Slack bot/user/app/refresh tokens,
// the credential after "Bearer", and the password part of user:password@ in a URL
// (found from its "://", whatever the scheme: a scheme pattern in front would be
// tried again from every letter of a long run of them).
const SECRET_SHAPES: [RegExp, string][] = [
  [/\bxox[abeoprs]-[A-Za-z0-9-]+/g, CENSOR],
  [/\bxapp-[A-Za-z0-9-]+/g, CENSOR],
  [/\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${CENSOR}`],
  [/(:\/\/[^\s:/@"\\]+:)[^\s@"\\/]+@/gi, `$1${CENSOR}@`],
];

// The id of the HTTP request being served (src/serving.ts), on every line logged while serving it.
const requestContext = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `work` with `requestId` on every log line it (and what it starts) writes. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return requestContext.run({ requestId }, work);
}

/** The id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

/** Values shorter than this are not scrubbed as text (they would garble every line); shapes and paths still apply. */
const MIN_SECRET_LENGTH = 6;

/** The secret values in a configuration, for the logger to scrub. */
export function secretsOf(config: Config): string[] {
  const values = [
    config.slack?.signingSecret,
    config.slack?.botToken,
    config.slack?.appToken,
    config.slack?.oauth?.clientSecret,
    config.slack?.oauth?.stateSecret,
    config.teams?.appPassword,
    config.apiToken,
    config.secretKey,
  ];
  if (config.database.kind === 'postgres') {
    try {
      const password = new URL(config.database.url).password;
      if (password) values.push(password, decodeURIComponent(password));
    } catch {
      // Not parseable as a URL: the URL-password shape still covers it.
    }
  }
  return values.filter((v): v is string => typeof v === 'string' && v.length > 0);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A function that replaces every secret in a finished log line. */
export function secretScrubber(secrets: readonly string[] = []): (line: string) => string {
  // Each value as written and as it appears inside a JSON string (quotes and backslashes escaped).
  const literals = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))]
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  const known = literals.length > 0 ? new RegExp(literals.map(escapeRegExp).join('|'), 'g') : undefined;
  return (line: string) => {
    let out = known ? line.replace(known, CENSOR) : line;
    for (const [shape, replacement] of SECRET_SHAPES) out = out.replace(shape, replacement);
    return out;
  };
}

/**
 * A pino logger at `level`, writing to `destination` (stdout by default), never
 * writing `secrets` (see secretsOf) or anything shaped like a token.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream | DestinationStream, secrets: readonly string[] = []): Logger {
  const scrub = secretScrubber(secrets);
  // Synchronous writes to stdout: each line is out before the next is logged. With pino's
  // asynchronous destination a line still being written when process.exit() ran (the pipe
  // full, its reader slow) was overtaken by the lines flushed at exit, or cut short
  // (test/faults/log-at-exit.test.ts). Commands log no line of their own (start-up, jobs,
  // warnings and errors do), so a write per line costs the command path nothing.
  const target = (destination ?? pino.destination({ dest: 1, sync: true })) as DestinationStream & { flush?: (cb?: (err?: Error) => void) => void };
  const scrubbing: DestinationStream & { flush(cb?: (err?: Error) => void): void } = {
    write: (line: string) => target.write(scrub(line)),
    flush: (cb) => (target.flush ? target.flush(cb) : cb?.()),
  };
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      base: { app: 'tenure' },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    scrubbing,
  );
}
