// The per-conversation pacer with a fake clock: at most 7 sends in any second per
// conversation, reserved in call order, conversations independent of each other.
import { describe, expect, it } from 'vitest';
import { ConversationPacer } from '../../src/platforms/teams/pacer.js';

function fakeTime() {
  let now = 0;
  const waits: number[] = [];
  return {
    now: () => now,
    advance: (ms: number) => (now += ms),
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  };
}

describe('ConversationPacer', () => {
  it('lets seven through at once, then one more each time the oldest leaves the one-second window', async () => {
    const time = fakeTime();
    const pacer = new ConversationPacer({ now: time.now, sleep: time.sleep });
    for (let i = 0; i < 16; i++) await pacer.slot('c1');
    // Sends 8–14 wait for the second window, 15–16 for the third.
    expect(time.waits).toEqual([...Array(7).fill(1000), 2000, 2000]);
  });

  it('keeps conversations apart and frees slots as time passes', async () => {
    const time = fakeTime();
    const pacer = new ConversationPacer({ now: time.now, sleep: time.sleep });
    for (let i = 0; i < 7; i++) await pacer.slot('c1');
    for (let i = 0; i < 7; i++) await pacer.slot('c2');
    expect(time.waits).toEqual([]);
    time.advance(400);
    await pacer.slot('c1');
    expect(time.waits).toEqual([600]);
    time.advance(1_000);
    await pacer.slot('c1');
    expect(time.waits).toEqual([600]);
  });

  it('honours a custom rate', async () => {
    const time = fakeTime();
    const pacer = new ConversationPacer({ perWindow: 2, windowMs: 500, now: time.now, sleep: time.sleep });
    for (let i = 0; i < 5; i++) await pacer.slot('c');
    expect(time.waits).toEqual([500, 500, 1000]);
  });
});
