// The Teams SDK's logger interface on our pino logger, so its lines carry our
// component and level settings instead of going to the console. The SDK logs a
// refused token or a failed send at 'error': those are the caller's problem or are
// reported again by our own code with context, so its errors arrive as warnings;
// our handlers log the errors that are ours.
import type { App } from '@microsoft/teams.apps';
import type { Logger } from '../../log.js';

type ILogger = App['log'];
type LogLevel = Parameters<ILogger['log']>[0];

function entry(parts: unknown[]): [Record<string, unknown>, string] {
  const fields: Record<string, unknown> = {};
  const words: string[] = [];
  const details: unknown[] = [];
  for (const part of parts) {
    if (part instanceof Error) fields.err = part;
    else if (typeof part === 'string') words.push(part);
    else if (part !== undefined) details.push(part);
  }
  if (details.length > 0) fields.detail = details.length === 1 ? details[0] : details;
  return [fields, words.join(' ') || 'Teams SDK'];
}

export function sdkLogger(logger: Logger, name = 'teams-sdk'): ILogger {
  const log = logger.child({ sdk: name });
  const write = (level: LogLevel, parts: unknown[]) => {
    const [fields, msg] = entry(parts);
    if (level === 'error' || level === 'warn') log.warn(fields, msg);
    else if (level === 'info') log.info(fields, msg);
    else log.debug(fields, msg);
  };
  return {
    debug: (...msg) => write('debug', msg),
    info: (...msg) => write('info', msg),
    warn: (...msg) => write('warn', msg),
    error: (...msg) => write('error', msg),
    trace: (...msg) => write('trace', msg),
    log: (level, ...msg) => write(level, msg),
    child: (child) => sdkLogger(logger, `${name}/${child}`),
  };
}
