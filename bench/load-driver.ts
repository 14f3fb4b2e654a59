// Drives signed Slack slash commands into POST /slack/events with autocannon: every
// request gets a fresh timestamp, a unique body (trigger_id) and its own HMAC, as
// Slack's would (Tenure refuses a replayed signature). Each answer is checked: an
// inline answer must be the command's real answer, an empty ack means the answer
// went late through response_url. Latencies are timed per command kind here, from
// the moment autocannon builds a request to the moment its response is complete.
import autocannon, { type AutocannonRequest } from 'autocannon';
import { slackSignature } from '../src/platforms/slack/verify.js';
import { summarize } from './stats.js';

export type CommandKind = 'checkin' | 'health';

export interface DriveOptions {
  url: string;
  signingSecret: string;
  teamId: string;
  accounts: number;
  /** Seconds of load before measuring: connections are opened, JIT and caches warm. Not counted. */
  warmUpSeconds: number;
  /** Seconds measured after the warm-up, on the same connections. */
  seconds: number;
  connections: number;
  kinds: CommandKind[];
  /** A response_url for each request (the fake Slack records what is posted there). */
  responseUrl: () => string;
  /** The floor only acks; Tenure must answer. */
  expectAnswers: boolean;
}

export interface DriveResult {
  /** Seconds measured (after the warm-up). */
  seconds: number;
  responses: number;
  perSecond: number;
  latency: ReturnType<typeof summarize>;
  byKind: Partial<Record<CommandKind, ReturnType<typeof summarize>>>;
  /** Whole run, warm-up included (autocannon's own counts). */
  non2xx: number;
  errors: number;
  timeouts: number;
  /** 200 with the command's answer in the ack. */
  inline: number;
  /** 200 with an empty ack: the answer follows through response_url. */
  emptyAcks: number;
  /** Responses slower than 3 s: Slack shows the user a time-out error for these. */
  overSlackTimeout: number;
  /** 200 whose body is not the expected answer (first one kept in `wrongSample`). */
  wrong: number;
  wrongSample?: string;
}

const EXPECTED: Record<CommandKind, RegExp> = {
  checkin: /^Logged a call with Account \d+/,
  health: /^Account \d+: health \d+/,
};

/** Slack gives up on a slash command's HTTP answer after 3 seconds. */
const SLACK_TIMEOUT_MS = 3_000;

let sequence = 0;

function slashCommand(options: DriveOptions, kind: CommandKind): string {
  const n = 1 + Math.floor(Math.random() * options.accounts);
  const id = ++sequence;
  const user = id % 50;
  return new URLSearchParams({
    token: 'unused-verification-token',
    team_id: options.teamId,
    team_domain: 'bench',
    channel_id: 'C_LOAD',
    channel_name: 'load',
    user_id: `U_LOAD${user}`,
    user_name: `load${user}`,
    command: `/${kind}`,
    text: kind === 'checkin' ? `"Account ${n}" call Load test touch ${id}` : `"Account ${n}"`,
    api_app_id: 'A_BENCH',
    response_url: options.responseUrl(),
    trigger_id: `${id}.${Date.now()}.bench`,
  }).toString();
}

export async function driveSlashCommands(options: DriveOptions): Promise<DriveResult> {
  const all: number[] = [];
  const byKind = new Map<CommandKind, number[]>();
  const counts = { inline: 0, emptyAcks: 0, wrong: 0, wrongSample: undefined as string | undefined };
  // Only requests sent after the warm-up count, so opening 50 connections is not part of the figures.
  const measureFrom = performance.now() + options.warmUpSeconds * 1000;

  const request: AutocannonRequest = {
    method: 'POST',
    path: '/slack/events',
    setupRequest: (req, context) => {
      const kind = options.kinds[Math.floor(Math.random() * options.kinds.length)]!;
      const body = slashCommand(options, kind);
      const timestamp = String(Math.floor(Date.now() / 1000));
      context.kind = kind;
      context.sentAt = performance.now();
      return {
        ...req,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': slackSignature(options.signingSecret, timestamp, body),
        },
        body,
      };
    },
    onResponse: (status, body, context) => {
      if (Number(context.sentAt) < measureFrom) return;
      const ms = performance.now() - Number(context.sentAt);
      const kind = context.kind as CommandKind;
      all.push(ms);
      const list = byKind.get(kind) ?? [];
      list.push(ms);
      byKind.set(kind, list);
      if (status !== 200) return;
      if (body === '') {
        counts.emptyAcks++;
        return;
      }
      let text = '';
      try {
        text = String((JSON.parse(body) as { text?: unknown }).text ?? '');
      } catch {
        text = body;
      }
      if (options.expectAnswers && EXPECTED[kind].test(text)) counts.inline++;
      else {
        counts.wrong++;
        counts.wrongSample ??= `${kind}: ${text.slice(0, 200)}`;
      }
    },
  };

  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.warmUpSeconds + options.seconds,
    timeout: 10,
    requests: [request],
  });
  const seconds = Math.max(0.001, (result.duration || options.warmUpSeconds + options.seconds) - options.warmUpSeconds);
  return {
    seconds,
    responses: all.length,
    perSecond: all.length / seconds,
    latency: summarize(all),
    byKind: Object.fromEntries([...byKind].map(([k, v]) => [k, summarize(v)])),
    overSlackTimeout: all.filter((t) => t > SLACK_TIMEOUT_MS).length,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    inline: counts.inline,
    emptyAcks: counts.emptyAcks,
    wrong: counts.wrong,
    ...(counts.wrongSample ? { wrongSample: counts.wrongSample } : {}),
  };
}
