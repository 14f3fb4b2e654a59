// Helpers for tests that run Tenure as a real process: free ports, launching the
// entry point (or a script) and reading its JSON log, and signed Slack commands
// with their answers. A PostgreSQL for such tests: throwaway-postgres.ts; a TCP
// proxy between the process and its database: tcp-proxy.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { postSigned, slashForm, type FakeSlack, type SlashSender } from './fake-slack.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** A TCP port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** Polls `check` until it is true; fails with `what` after `limitMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, limitMs = 30_000, everyMs = 50): Promise<void> {
  const began = performance.now();
  while (!(await check())) {
    if (performance.now() - began > limitMs) throw new Error(`waited ${limitMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ── Tenure in its own process ─────────────────────────────────────────────────

export interface LogLine {
  level: number;
  time: number;
  msg: string;
  [key: string]: unknown;
}

export interface RunningTenure {
  child: ChildProcess;
  port: number;
  url: string;
  /** Every JSON log line so far (pino on stdout). */
  logs(): LogLine[];
  /** Everything written to stdout and stderr, for failure messages. */
  output(): string;
  /** Resolves once the process has exited and its output has been read to the end. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  alive(): boolean;
}

/**
 * The node flags an npm script starts Tenure with (package.json: `serve` for production,
 * `start` for local mode), so a process under test or benchmark runs as it would.
 */
export function scriptNodeFlags(script: 'serve' | 'start' = 'serve'): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = (scripts[script] ?? '').split(/\s+/);
  // The flags between `node` and the script, without the tsx loader (added where needed).
  return words.slice(1).filter((word, i, all) => word.startsWith('--') && word !== '--import' && all[i - 1] !== '--import');
}

/**
 * Starts `node [the serve flags] --import tsx <script>` (the real entry point by
 * default; a compiled .js script runs without tsx) with only the given environment plus PATH and HOME,
 * on a free port.
 */
export async function launchTenure(env: Record<string, string>, options: { script?: string; args?: string[]; nodeFlags?: string[] } = {}): Promise<RunningTenure> {
  const port = await freePort();
  const script = options.script ?? 'src/main.ts';
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...(options.nodeFlags ?? scriptNodeFlags()), ...loader, script, ...(options.args ?? [])], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let partial = '';
  const lines: LogLine[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    const s = d.toString();
    out += s;
    partial += s;
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        /* not a log line */
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  // 'close', not 'exit': only then has everything the process wrote been read from its pipes.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    logs: () => lines,
    output: () => out,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
  };
}

/** Waits until GET /healthz answers 200 (the database is open and migrated, the server listens). */
export async function untilHealthy(app: RunningTenure, limitMs = 90_000): Promise<void> {
  await until(
    `Tenure on port ${app.port} to answer /healthz`,
    async () => {
      if (!app.alive()) throw new Error(`Tenure exited before answering:\n${app.output()}`);
      try {
        return (await fetch(`${app.url}/healthz`)).status === 200;
      } catch {
        return false;
      }
    },
    limitMs,
    100,
  );
}

/** Waits for a log line matching `match`; returns it. */
export async function waitForLog(app: RunningTenure, what: string, match: (line: LogLine) => boolean, limitMs = 30_000): Promise<LogLine> {
  let found: LogLine | undefined;
  await until(
    `${what} in the log of Tenure on port ${app.port}`,
    () => {
      found = app.logs().find(match);
      if (!found && !app.alive()) throw new Error(`Tenure exited before logging ${what}:\n${app.output()}`);
      return found !== undefined;
    },
    limitMs,
  );
  return found!;
}

/** SIGKILLs whatever is still running (afterAll). */
export function killAll(apps: RunningTenure[]): void {
  for (const app of apps) if (app.alive()) app.child.kill('SIGKILL');
}

/**
 * The Tenure processes of one suite in Slack mode, against its fake Slack and its database:
 * each start is remembered, so the suite's afterAll can `killAll(processes.apps)` whatever a test
 * left running. The database URL is read at each start, as it is known only once the suite's
 * PostgreSQL (or a proxy in front of it) is up.
 */
export function slackProcesses(fake: FakeSlack, slack: { secret: string; botToken: string }, databaseUrl: () => string) {
  const apps: RunningTenure[] = [];
  return {
    apps,
    start: async (): Promise<RunningTenure> => {
      const app = await launchTenure({ DATABASE_URL: databaseUrl(), SLACK_SIGNING_SECRET: slack.secret, SLACK_BOT_TOKEN: slack.botToken, SLACK_API_URL: `${fake.url}/api/` });
      apps.push(app);
      return app;
    },
    /** SIGTERM, as a deployment stops it; the exit code. */
    stop: async (app: RunningTenure): Promise<number | null> => {
      app.child.kill('SIGTERM');
      return (await app.exited).code;
    },
    /** The messages the fake Slack answered as posted to a channel. */
    postsTo: (channel: string) => fake.of('chat.postMessage').filter((c) => c.body.channel === channel),
  };
}

// ── Signed Slack requests ─────────────────────────────────────────────────────

export interface SlashOptions extends SlashSender {
  secret: string;
}

/** A slash command as Slack sends it, signed, into the real receiver. */
export function sendSlash(app: { url: string }, command: string, text: string, options: SlashOptions) {
  return postSigned(`${app.url}/slack/events`, slashForm(command, text, options), 'application/x-www-form-urlencoded', { secret: options.secret });
}

export interface SlashReply {
  /** The HTTP status of Slack's request into Tenure. */
  status: number;
  /** The answer's text, from the ack itself or (for a slow command) from what came to response_url. */
  text: string;
  via: 'ack' | 'response_url' | 'none';
}

/** Sends a slash command and waits for its answer wherever Slack would get it. */
export async function slashReply(app: { url: string }, fake: FakeSlack, command: string, text: string, options: Omit<SlashOptions, 'responseUrl'>, waitMs = 30_000): Promise<SlashReply> {
  const responseUrl = fake.responseUrl();
  const res = await sendSlash(app, command, text, { ...options, responseUrl });
  const acked = (res.json as { text?: string } | undefined)?.text;
  if (res.status !== 200 || acked) return { status: res.status, text: acked ?? res.text, via: res.status === 200 ? 'ack' : 'none' };
  const method = `respond/${responseUrl.split('/').pop()}`;
  try {
    const [late] = await fake.waitFor(method, 1, waitMs);
    return { status: res.status, text: String(late!.body.text ?? ''), via: 'response_url' };
  } catch {
    return { status: res.status, text: '', via: 'none' };
  }
}
