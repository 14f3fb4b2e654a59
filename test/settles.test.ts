// within / settlesWithin (src/settles.ts): the one wait-with-a-deadline that Slack's
// quick answers and shutdown use. Fake timers: the deadlines pass without sleeping.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { settlesWithin, within } from '../src/settles.js';

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
const failingAfter = (ms: number) => new Promise<never>((_, reject) => setTimeout(() => reject(new Error('failed')), ms));

describe('waiting with a deadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const run = async <T>(promise: Promise<T>): Promise<T> => {
    const settled = promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    await vi.runAllTimersAsync();
    const outcome = await settled;
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  };

  it.each([
    ['work done in time gives its value', () => after(100, 'done'), 200, 'done'],
    ['work late gives undefined', () => after(300, 'late'), 200, undefined],
    ['no deadline waits for the work', () => after(10_000, 'eventually'), Infinity, 'eventually'],
  ])('within: %s', async (_what, work, ms, expected) => {
    expect(await run(within(work(), ms))).toBe(expected);
  });

  it('within: work that fails in time fails', async () => {
    await expect(run(within(failingAfter(100), 200))).rejects.toThrow('failed');
  });

  it.each([
    ['work done in time', () => after(100, 'done'), 200, true],
    ['work that failed in time still settled', () => failingAfter(100), 200, true],
    ['work late', () => after(300, 'late'), 200, false],
    ['no deadline', () => after(10_000, 'eventually'), Infinity, true],
  ])('settlesWithin: %s', async (_what, work, ms, expected) => {
    expect(await run(settlesWithin(work(), ms))).toBe(expected);
  });
});
