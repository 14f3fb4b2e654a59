// The scheduler around node-cron: tasks per job with their own time zone, one run
// of a job at a time, errors logged (not thrown), and a stop() that ends the ticks
// and waits for a running job. No test waits for a real tick.
import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { startScheduler, type ScheduledJob } from '../../src/jobs/scheduler.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function jobLog() {
  const entries: { level: string; details: Record<string, unknown>; message: string }[] = [];
  const add = (level: string) => (details: Record<string, unknown>, message: string) => entries.push({ level, details, message });
  return { entries, info: add('info'), warn: add('warn'), error: add('error') };
}

const NOW = new Date('2026-11-23T10:00:00Z');

describe('scheduler', () => {
  it('registers one node-cron task per job, in its time zone, and removes them on stop', async () => {
    const before = cron.getTasks().size;
    const jobs: ScheduledJob[] = [
      { name: 'every-five', schedule: '*/5 * * * *', timezone: 'UTC', run: async () => undefined },
      { name: 'monday-nine-berlin', schedule: '0 9 * * 1', timezone: 'Europe/Berlin', run: async () => undefined },
    ];
    const scheduler = startScheduler(jobs, { clock: () => NOW, logger: jobLog() });
    const tasks = [...cron.getTasks().values()].filter((t) => t.name === 'every-five' || t.name === 'monday-nine-berlin');
    expect(tasks).toHaveLength(2);
    // The next Monday-09:00 in Berlin is an 08:00 UTC instant in winter.
    const monday = tasks.find((t) => t.name === 'monday-nine-berlin')!.getNextRun()!;
    expect(monday.getUTCHours()).toBe(8);
    expect(monday.getUTCDay()).toBe(1);
    await scheduler.stop();
    expect(cron.getTasks().size).toBe(before);
  });

  it('runs a job with the clock’s time, one run at a time, and logs failures', async () => {
    const gate = deferred();
    const seen: Date[] = [];
    const log = jobLog();
    const scheduler = startScheduler(
      [
        { name: 'slow', schedule: '*/5 * * * *', timezone: 'UTC', run: async (now) => { seen.push(now); await gate.promise; return { posted: 1 }; } },
        { name: 'broken', schedule: '*/5 * * * *', timezone: 'UTC', run: async () => { throw new Error('database gone'); } },
      ],
      { clock: () => NOW, logger: log },
    );
    const first = scheduler.runNow('slow');
    const second = scheduler.runNow('slow'); // joins the running one
    gate.resolve();
    await Promise.all([first, second]);
    expect(seen).toEqual([NOW]);
    expect(log.entries.find((e) => e.message === 'job finished')?.details).toMatchObject({ job: 'slow', result: { posted: 1 } });

    await scheduler.runNow('broken');
    expect(log.entries.find((e) => e.level === 'error')).toMatchObject({ message: 'job failed', details: { job: 'broken' } });
    await expect(scheduler.runNow('nope')).rejects.toThrow(/no scheduled job named nope/);
    await scheduler.stop();
  });

  it('stop() waits for the running job, and nothing runs after it', async () => {
    const gate = deferred();
    const order: string[] = [];
    const scheduler = startScheduler(
      [{ name: 'long', schedule: '*/5 * * * *', timezone: 'UTC', run: async () => { order.push('started'); await gate.promise; order.push('finished'); } }],
      { clock: () => NOW, logger: jobLog() },
    );
    void scheduler.runNow('long');
    const stopped = scheduler.stop().then(() => order.push('stopped'));
    await Promise.resolve();
    expect(order).toEqual(['started']);
    gate.resolve();
    await stopped;
    expect(order).toEqual(['started', 'finished', 'stopped']);
    await scheduler.runNow('long');
    expect(order).toEqual(['started', 'finished', 'stopped']);
    await scheduler.stop(); // twice is fine
  });

  it('refuses an invalid cron expression before scheduling anything', () => {
    const before = cron.getTasks().size;
    expect(() => startScheduler([{ name: 'bad', schedule: '61 * * * *', timezone: 'UTC', run: async () => undefined }], { clock: () => NOW, logger: jobLog() })).toThrow(
      /invalid cron expression "61 \* \* \* \*"/,
    );
    expect(cron.getTasks().size).toBe(before);
  });
});
