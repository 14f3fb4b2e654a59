// The logger: pino, with secrets redacted wherever they might appear in a log object.
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.clientSecret',
  '*.stateSecret',
  '*.appPassword',
  '*.password',
  '*.authorization',
  'req.headers.authorization',
  'config.slack',
  'config.teams.appPassword',
  'config.apiToken',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'tenure' } };
  return destination ? pino(options, destination as never) : pino(options);
}
