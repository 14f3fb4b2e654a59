// The one error a use case throws when the user can fix the input: adapters render
// its message with the command's usage and an example. Anything else is internal.

export class UserError extends Error {
  constructor(
    message: string,
    readonly details: { usage?: string; example?: string; hint?: string } = {},
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * For `.catch(...)`: a UserError from the core that carries no usage line gets the
 * command's usage and example; anything else passes through unchanged.
 */
export function withUsage(usage: string, example: string): (err: unknown) => never {
  return (err) => {
    if (err instanceof UserError && err.details.usage === undefined) throw new UserError(err.message, { ...err.details, usage, example });
    throw err;
  };
}

/** The database could not be reached; nothing was saved. */
export class UnavailableError extends Error {
  constructor(cause?: unknown) {
    super('Tenure is temporarily unavailable; nothing was saved. Please try again in a minute.');
    this.name = 'UnavailableError';
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

// Driver and server signals that the database is unreachable rather than that
// the query was wrong: postgres.js connection errors, PostgreSQL's admin
// shutdown / connection-failure SQLSTATEs, and a closed PGlite.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', '57P01', '57P02', '57P03']);

export function isUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof UnavailableError) return true;
    const code = String((e as { code?: unknown }).code ?? '');
    if (UNAVAILABLE_CODES.has(code) || code.startsWith('08')) return true;
    if (/PGlite is closed/i.test(String((e as { message?: unknown }).message ?? ''))) return true;
  }
  return false;
}
