// Configuration: the environment, parsed once with zod. This is the only module
// that reads process.env; everything else receives a typed Config.
import { z } from 'zod';
import { isSupportedCurrency } from './core/money.js';
import { isValidTimeZone } from './core/time.js';
import { parseSecretKey } from './core/secrets.js';

const isSecretKey = (v: string): boolean => {
  try {
    parseSecretKey(v);
    return true;
  } catch {
    return false;
  }
};

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// Zone validation lives with the other calendar code; re-exported for existing callers.
export { isValidTimeZone };

// Empty (or blank) strings count as unset: `PORT= npm start` should behave like no PORT.
const isBlank = (v: unknown): boolean => v === undefined || (typeof v === 'string' && v.trim() === '');
const optionalText = z.preprocess((v) => (isBlank(v) ? undefined : v), z.string().trim().min(1).optional());

const url = (what: string) =>
  optionalText.refine((v) => v === undefined || /^https?:\/\/[^\s/]+/.test(v), {
    message: `must be an http(s) URL for ${what}`,
  });

const envSchema = z.object({
  PORT: z.preprocess(
    (v) => (isBlank(v) ? '3000' : v),
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number between 1 and 65535')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 65535, 'must be a whole number between 1 and 65535'),
  ),
  DATABASE_URL: optionalText.refine((v) => v === undefined || /^postgres(ql)?:\/\/.+/.test(v), {
    message: 'must be a PostgreSQL URL such as postgres://user:password@host:5432/tenure',
  }),
  TENURE_DATA_DIR: z.preprocess((v) => (isBlank(v) ? './.tenure' : v), z.string()),
  TENURE_DB_POOL: z.preprocess(
    (v) => (isBlank(v) ? undefined : v),
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number of connections between 1 and 100')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 100, 'must be a whole number of connections between 1 and 100')
      .optional(),
  ),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_BOT_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith('xoxb-'), {
    message: 'must be a bot token starting with xoxb-',
  }),
  SLACK_APP_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith('xapp-'), {
    message: 'must be an app-level token starting with xapp-',
  }),
  SLACK_CLIENT_ID: optionalText,
  SLACK_CLIENT_SECRET: optionalText,
  SLACK_STATE_SECRET: optionalText,
  SLACK_API_URL: url('the Slack Web API'),
  TEAMS_APP_ID: optionalText,
  TEAMS_APP_PASSWORD: optionalText,
  TEAMS_TENANT_ID: optionalText,
  TENURE_TIMEZONE: z.preprocess(
    (v) => (isBlank(v) ? 'UTC' : v),
    z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Berlin or America/New_York'),
  ),
  TENURE_CURRENCY: z.preprocess(
    (v) => (isBlank(v) ? 'USD' : String(v).trim().toUpperCase()),
    z.string().refine(isSupportedCurrency, 'must be an ISO 4217 currency code such as USD, EUR or GBP'),
  ),
  TENURE_API_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 16, {
    message: 'must be at least 16 characters long',
  }),
  TENURE_SECRET_KEY: optionalText.refine((v) => v === undefined || isSecretKey(v), {
    message: 'must be 32 random bytes as 64 hex digits or base64 (make one with: openssl rand -base64 32)',
  }),
  TENURE_PUBLIC_URL: url('download links').refine((v) => v === undefined || !/[?#]/.test(v), { message: 'must be a base URL such as https://tenure.example.com (no query)' }),
  LOG_LEVEL: z.preprocess(
    (v) => (isBlank(v) ? 'info' : String(v).trim().toLowerCase()),
    z.enum(LOG_LEVELS, { errorMap: () => ({ message: `must be one of ${LOG_LEVELS.join(', ')}` }) }),
  ),
  /** Node's own; read only to tell whether it carries the heap settings (src/heap-settings.ts). */
  NODE_OPTIONS: optionalText,
});

type Env = z.infer<typeof envSchema>;

export interface SlackConfig {
  signingSecret: string;
  botToken?: string;
  appToken?: string;
  oauth?: { clientId: string; clientSecret: string; stateSecret: string };
  apiUrl?: string;
}

export interface TeamsConfig {
  appId?: string;
  appPassword?: string;
  tenantId?: string;
}

export interface Config {
  port: number;
  /** 'local' when no platform credentials are set: PGlite demo data and the console. */
  mode: 'local' | 'platform';
  /** PostgreSQL with its pool size per process (TENURE_DB_POOL), or PGlite in a directory. */
  database: { kind: 'postgres'; url: string; poolSize?: number } | { kind: 'pglite'; dataDir: string };
  slack?: SlackConfig;
  teams?: TeamsConfig;
  timezone: string;
  /** Currency of a workspace seen for the first time (TENURE_CURRENCY); each workspace may change its own. */
  currency: string;
  apiToken?: string;
  /** TENURE_SECRET_KEY as given (validated): seals PSA connector credentials; required once a connector is configured. */
  secretKey?: string;
  /** Public origin for links Tenure hands out (Teams export downloads); else the host a request came to. */
  publicUrl?: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** NODE_OPTIONS as node saw it (flags there count as command-line flags). */
  nodeOptions: string;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`Invalid configuration: ${variable} ${detail}`);
  }
}

/** Combinations of variables that only make sense together. */
function crossCheck(env: Env): void {
  const oauthVars = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const;
  const oauthSet = oauthVars.filter((k) => env[k] !== undefined);
  if (oauthSet.length > 0 && oauthSet.length < oauthVars.length) {
    const missing = oauthVars.find((k) => env[k] === undefined)!;
    throw new ConfigError(missing, `is missing: multi-workspace install needs ${oauthVars.join(', ')} together`);
  }
  const oauth = oauthSet.length === oauthVars.length;
  if (oauth && !env.SLACK_SIGNING_SECRET) {
    throw new ConfigError('SLACK_SIGNING_SECRET', 'is missing: the Slack OAuth install also needs the signing secret');
  }
  if (env.SLACK_SIGNING_SECRET && !env.SLACK_BOT_TOKEN && !oauth) {
    throw new ConfigError(
      'SLACK_BOT_TOKEN',
      'is missing: with SLACK_SIGNING_SECRET set, give SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID/SECRET/STATE_SECRET (OAuth install)',
    );
  }
  if (env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET) {
    throw new ConfigError('SLACK_SIGNING_SECRET', 'is missing: SLACK_BOT_TOKEN needs the app signing secret too');
  }
  if (env.SLACK_APP_TOKEN && !(env.SLACK_SIGNING_SECRET && env.SLACK_BOT_TOKEN)) {
    throw new ConfigError('SLACK_APP_TOKEN', 'needs SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN for Socket Mode');
  }
  if (env.TEAMS_APP_PASSWORD && !env.TEAMS_APP_ID) {
    throw new ConfigError('TEAMS_APP_ID', 'is missing: TEAMS_APP_PASSWORD is set without the app id');
  }
  if (env.TEAMS_APP_ID && !env.TEAMS_APP_PASSWORD) {
    throw new ConfigError('TEAMS_APP_PASSWORD', 'is missing: the Teams bot needs its app password with TEAMS_APP_ID');
  }
}

/** Parses an environment (process.env by default). Throws ConfigError naming the first bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const raw = source[variable];
    // Secrets (and URLs that may carry a password) are never echoed; other values are
    // quoted with JSON escapes so a stray newline cannot break the one-line message.
    const shown =
      raw === undefined || /SECRET|TOKEN|PASSWORD|DATABASE_URL/.test(variable) ? '' : ` (got ${JSON.stringify(raw.slice(0, 80))})`;
    throw new ConfigError(variable, `${issue.message}${shown}`);
  }
  const env = parsed.data;
  crossCheck(env);

  const slack: SlackConfig | undefined = env.SLACK_SIGNING_SECRET
    ? {
        signingSecret: env.SLACK_SIGNING_SECRET,
        botToken: env.SLACK_BOT_TOKEN,
        appToken: env.SLACK_APP_TOKEN,
        oauth:
          env.SLACK_CLIENT_ID && env.SLACK_CLIENT_SECRET && env.SLACK_STATE_SECRET
            ? { clientId: env.SLACK_CLIENT_ID, clientSecret: env.SLACK_CLIENT_SECRET, stateSecret: env.SLACK_STATE_SECRET }
            : undefined,
        apiUrl: env.SLACK_API_URL,
      }
    : undefined;
  const teamsCredentials = env.TEAMS_APP_ID !== undefined;
  const mode = slack || teamsCredentials ? 'platform' : 'local';
  // Without an app id the Teams endpoint accepts unauthenticated emulator traffic,
  // which is only acceptable on a developer's machine (local mode).
  const teams: TeamsConfig | undefined = teamsCredentials
    ? { appId: env.TEAMS_APP_ID, appPassword: env.TEAMS_APP_PASSWORD, tenantId: env.TEAMS_TENANT_ID }
    : mode === 'local'
      ? { tenantId: env.TEAMS_TENANT_ID }
      : undefined;

  return {
    port: env.PORT,
    mode,
    database: env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL, ...(env.TENURE_DB_POOL ? { poolSize: env.TENURE_DB_POOL } : {}) }
      : { kind: 'pglite', dataDir: env.TENURE_DATA_DIR },
    slack,
    teams,
    timezone: env.TENURE_TIMEZONE,
    currency: env.TENURE_CURRENCY,
    apiToken: env.TENURE_API_TOKEN,
    ...(env.TENURE_SECRET_KEY ? { secretKey: env.TENURE_SECRET_KEY } : {}),
    // Trailing slashes off, matched from the first of them only (the look-behind keeps it linear).
    ...(env.TENURE_PUBLIC_URL ? { publicUrl: env.TENURE_PUBLIC_URL.replace(/(?<!\/)\/+$/, '') } : {}),
    logLevel: env.LOG_LEVEL,
    nodeOptions: env.NODE_OPTIONS ?? '',
  };
}
