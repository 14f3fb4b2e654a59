// The scheduler: node-cron ticks start jobs, each with its own time zone. A tick
// only says "look now"; whether a run or an alert has happened is decided by the
// job ledger, so a doubled, missed or DST-shifted tick changes nothing. stop()
// ends the ticks and waits for a running job, so the database can close after it.
import cron, { type ScheduledTask } from 'node-cron';

export interface ScheduledJob {
  name: string;
  /** A cron expression, e.g. every five minutes: `*\/5 * * * *`. */
  schedule: string;
  /** The zone the expression is read in (a weekly digest at 09:00 Berlin time). */
  timezone: string;
  run(now: Date): Promise<unknown>;
}

export interface SchedulerLog {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

export interface Scheduler {
  /** Runs a job now, outside its schedule (at start-up, in tests); resolves when it has finished. */
  runNow(name: string): Promise<void>;
  /** Stops every tick and waits for running jobs. Idempotent. */
  stop(): Promise<void>;
}

export function startScheduler(jobs: ScheduledJob[], options: { clock: () => Date; logger: SchedulerLog }): Scheduler {
  const { clock, logger } = options;
  for (const job of jobs) {
    if (!cron.validate(job.schedule)) throw new Error(`job ${job.name}: invalid cron expression "${job.schedule}"`);
  }
  const running = new Map<string, Promise<void>>();
  let stopped = false;

  // One run of a job at a time in this process; a tick that finds it still running is skipped.
  const trigger = (job: ScheduledJob, reason: 'tick' | 'now'): Promise<void> => {
    if (stopped) return Promise.resolve();
    const current = running.get(job.name);
    if (current) {
      if (reason === 'tick') logger.warn({ job: job.name }, 'job still running at its next tick; skipped this tick');
      return current;
    }
    const began = performance.now();
    const run = (async () => {
      try {
        const result = await job.run(clock());
        logger.info({ job: job.name, ms: Math.round(performance.now() - began), result }, 'job finished');
      } catch (err) {
        logger.error({ err, job: job.name }, 'job failed');
      } finally {
        running.delete(job.name);
      }
    })();
    running.set(job.name, run);
    return run;
  };

  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(job.schedule, () => trigger(job, 'tick'), {
      name: job.name,
      timezone: job.timezone,
      logger: {
        info: (m) => logger.info({ job: job.name }, String(m)),
        warn: (m) => logger.warn({ job: job.name }, String(m)),
        error: (m, err) => logger.error({ job: job.name, err: err ?? m }, 'scheduler error'),
        debug: () => undefined,
      },
    }),
  );

  let stopping: Promise<void> | undefined;
  return {
    runNow(name) {
      const job = jobs.find((j) => j.name === name);
      if (!job) return Promise.reject(new Error(`no scheduled job named ${name}`));
      return trigger(job, 'now');
    },
    stop() {
      return (stopping ??= (async () => {
        stopped = true;
        for (const task of tasks) {
          await task.stop();
          await task.destroy();
        }
        await Promise.all(running.values());
      })());
    },
  };
}
