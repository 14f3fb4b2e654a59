// A server under load, in its own process: compiled JavaScript (`node dist/…`, as
// `npm run serve` runs it in production) or TypeScript through tsx (`npm start`), watched through its stdout (pino's JSON lines) until it says it is
// ready, sampled from /proc while it runs (resident memory, CPU time), and stopped
// with SIGTERM the way a process manager would.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { scriptNodeFlags } from '../test/helpers/processes.js';

const ROOT = path.resolve(import.meta.dirname, '..');
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on every common kernel. */
const TICKS_PER_SECOND = 100;

export interface TargetProcess {
  pid: number;
  /** Lines the process has written to stdout so far, and how many were pino errors (level ≥ 50). */
  lines(): { total: number; errors: number };
  /** The last lines written, for a failure message. */
  tail(): string;
  /** The first few error lines (pino level ≥ 50), to say what went wrong. */
  firstErrors(): string[];
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** A .ts file runs through tsx, a .js file (from `npm run build`) as it is. */
  script: string;
  env: Record<string, string>;
  /** Called with every stdout line; resolves the start when it returns true. */
  ready: (line: string) => boolean;
  timeoutMs: number;
  /** Extra node flags, e.g. --cpu-prof (BENCH_LOAD_NODE_OPTIONS). */
  nodeArgs?: string[];
}

export async function startTarget(options: SpawnOptions): Promise<TargetProcess> {
  const loader = options.script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child: ChildProcess = spawn(process.execPath, [...scriptNodeFlags(), ...(options.nodeArgs ?? []), ...loader, options.script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  const errorLines: string[] = [];
  let total = 0;
  let errors = 0;
  let isReady = false;
  let exited = false;
  const remember = (line: string) => {
    recent.push(line);
    if (recent.length > 30) recent.shift();
  };
  const ready = new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        total++;
        if (/"level":(5\d|60)/.test(line)) {
          errors++;
          if (errorLines.length < 3) errorLines.push(line.slice(0, 600));
        }
        remember(line);
        if (!isReady && options.ready(line)) {
          isReady = true;
          resolve();
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => remember(chunk.trimEnd()));
    child.once('exit', (code, signal) => {
      exited = true;
      reject(new Error(`${options.script} exited (${code ?? signal}) before it was ready:\n${recent.join('\n')}`));
    });
    setTimeout(() => reject(new Error(`${options.script} not ready within ${options.timeoutMs} ms:\n${recent.join('\n')}`)), options.timeoutMs).unref();
  });
  const stop = async () => {
    if (exited) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(killer);
  };
  try {
    await ready;
  } catch (err) {
    await stop();
    throw err;
  }
  return { pid: child.pid!, lines: () => ({ total, errors }), tail: () => recent.join('\n'), firstErrors: () => [...errorLines], stop };
}

export interface ProcessSample {
  /** Highest resident set seen by the sampler (MB). */
  peakRssMb: number;
  /** The kernel's high-water mark for the whole life of the process, start-up included (MB). */
  highWaterMb: number;
  /** CPU time used while sampling, as a share of one core (100 = one core busy). */
  cpuPercent: number;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : NaN;
}

function cpuTicks(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU seconds used so far by these processes (ones that have exited count as 0). */
export function cpuSecondsOf(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      ticks += cpuTicks(pid);
    } catch {
      // gone
    }
  }
  return ticks / TICKS_PER_SECOND;
}

/** The process's resident set right now (MB). */
export function rssMb(pid: number): number {
  return statusKb(pid, 'VmRSS') / 1024;
}

/** Samples a process every `everyMs` until the returned function is called. */
export function sampleProcess(pid: number, everyMs = 200): () => ProcessSample {
  let peakKb = statusKb(pid, 'VmRSS');
  const ticksAtStart = cpuTicks(pid);
  const began = performance.now();
  const timer = setInterval(() => {
    peakKb = Math.max(peakKb, statusKb(pid, 'VmRSS'));
  }, everyMs);
  return () => {
    clearInterval(timer);
    peakKb = Math.max(peakKb, statusKb(pid, 'VmRSS'));
    const seconds = (performance.now() - began) / 1000;
    return {
      peakRssMb: peakKb / 1024,
      highWaterMb: statusKb(pid, 'VmHWM') / 1024,
      cpuPercent: ((cpuTicks(pid) - ticksAtStart) / TICKS_PER_SECOND / seconds) * 100,
    };
  };
}
