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

/** The database could not be reached; nothing was saved. */
export class UnavailableError extends Error {
  constructor(cause?: unknown) {
    super('Tenure is temporarily unavailable; nothing was saved. Please try again in a minute.');
    this.name = 'UnavailableError';
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}
